import FacetCore
import LSPTypes

/// `textDocument/foldingRange`: sections, headings, code blocks, front matter and long comments.
enum FoldingRangeFeature {
    static func ranges(_ params: FoldingRangeParams, _ snapshot: DocumentSnapshot) -> [FoldingRange] {
        let analysis = snapshot.analysis
        let document = analysis.document
        let lines = snapshot.source.lines
        var result: [FoldingRange] = []
        func add(_ range: Range<Int>, _ kind: String?) {
            let start = lines.line(containing: range.lowerBound)
            let end = lines.line(containing: max(range.lowerBound, range.upperBound - 1))
            if end > start { result.append(FoldingRange(startLine: start, endLine: end, kind: kind)) }
        }
        for node in Outline(analysis).all { add(node.range, "region") }
        for block in document.codeBlocks { add(block, "region") }
        if let frontMatter = document.frontMatter { add(frontMatter.range, "region") }
        for comment in document.comments { add(comment.range, "comment") }
        return result.sorted { ($0.startLine, $0.endLine) < ($1.startLine, $1.endLine) }
    }
}
