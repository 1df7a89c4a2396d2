import FacetCore
import LSPTypes

/// `textDocument/semanticTokens/full` and `/range`: each unit is coloured by its
/// strongest facet, template variables as variables. The legend is documented
/// in docs/server.md; token types are the facet names, so a theme can colour them.
enum SemanticTokensFeature {
    static let legend = SemanticTokensLegend(tokenTypes: Facet.allCases.map(\.rawValue) + ["variable"], tokenModifiers: [])
    static let variableType = Facet.allCases.count

    static func full(_ params: SemanticTokensParams, _ snapshot: DocumentSnapshot) -> SemanticTokens {
        SemanticTokens(data: encode(tokens(snapshot, in: 0..<snapshot.source.count), snapshot.mapping))
    }

    static func range(_ params: SemanticTokensRangeParams, _ snapshot: DocumentSnapshot) -> SemanticTokens {
        SemanticTokens(data: encode(tokens(snapshot, in: snapshot.mapping.offsets(params.range)), snapshot.mapping))
    }

    /// (byte range, token type) pieces, single-line, non-overlapping, in order.
    static func tokens(_ snapshot: DocumentSnapshot, in window: Range<Int>) -> [(Range<Int>, Int)] {
        let analysis = snapshot.analysis
        let lines = snapshot.source.lines
        let variables = analysis.document.variables.map(\.range)
        var result: [(Range<Int>, Int)] = []
        var nextVariable = 0
        for (index, unit) in analysis.document.units.enumerated() {
            guard unit.range.overlaps(window) || unit.range.isEmpty && window.contains(unit.range.lowerBound) else { continue }
            let facets = analysis.facets[index].assignments
            let type = facets.max { $0.confidence < $1.confidence }.flatMap { Facet.allCases.firstIndex(of: $0.facet) }
            while nextVariable < variables.count && variables[nextVariable].upperBound <= unit.range.lowerBound { nextVariable += 1 }
            var cursor = unit.range.lowerBound
            var v = nextVariable
            // Walk the unit, cutting out its variables and splitting at line ends.
            while cursor < unit.range.upperBound {
                // Variables never overlap (the segmenter keeps the outer one); this only guards the ranges below.
                while v < variables.count && variables[v].upperBound <= cursor { v += 1 }
                let variable = v < variables.count && variables[v].lowerBound < unit.range.upperBound ? variables[v] : nil
                let stop = variable.map { max(cursor, $0.lowerBound) } ?? unit.range.upperBound
                if let type { appendLines(cursor..<stop, type, lines, into: &result) }
                guard let variable else { break }
                appendLines(max(cursor, variable.lowerBound)..<min(variable.upperBound, unit.range.upperBound), variableType, lines, into: &result)
                cursor = min(variable.upperBound, unit.range.upperBound)
                v += 1
            }
        }
        return result.filter { $0.0.overlaps(window) }
    }

    private static func appendLines(_ range: Range<Int>, _ type: Int, _ lines: LineIndex, into result: inout [(Range<Int>, Int)]) {
        guard !range.isEmpty else { return }
        var line = lines.line(containing: range.lowerBound)
        var start = range.lowerBound
        while start < range.upperBound {
            let end = min(range.upperBound, lines.lineContentEnd(line))
            if end > start { result.append((start..<end, type)) }
            line += 1
            guard line < lines.lineCount else { break }
            start = max(start, lines.lineStarts[line])
        }
    }

    /// LSP's relative encoding: (Δline, Δstart, length, type, modifiers) per token.
    static func encode(_ tokens: [(Range<Int>, Int)], _ mapping: PositionMapping) -> [Int] {
        var data: [Int] = []
        data.reserveCapacity(tokens.count * 5)
        var previousLine = 0, previousStart = 0
        var cursor = PositionMapping.Cursor(mapping)
        for (range, type) in tokens {
            let start = cursor.position(range.lowerBound)
            let end = cursor.position(range.upperBound)
            let length = end.character - start.character
            guard end.line == start.line, length > 0 else { continue }
            data += [start.line - previousLine, start.line == previousLine ? start.character - previousStart : start.character, length, type, 0]
            previousLine = start.line
            previousStart = start.character
        }
        return data
    }
}
