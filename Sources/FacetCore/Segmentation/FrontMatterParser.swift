import Foundation

import Yams

/// Parses the leading YAML block. YAML errors become a recorded problem (with
/// a byte offset), never a failure of the analysis.
enum FrontMatterParser {
    static func parse(yaml: String, bodyOffset: Int, range: Range<Int>, lines: LineIndex) -> FrontMatter {
        var frontMatter = FrontMatter(range: range, declaredVariables: nil, variableRanges: [:], variableValues: [:],
                                      error: nil, values: [:])
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            frontMatter.error = (describe(error), offset(of: error, bodyOffset: bodyOffset, lines: lines))
            return frontMatter
        } catch {
            frontMatter.error = ("front matter is not valid YAML: \(error)", bodyOffset)
            return frontMatter
        }
        guard let node else { return frontMatter }
        let limit = YAMLExpansion.limit(bytes: yaml.utf8.count)
        if YAMLExpansion.exceeds(node, limit: limit) {
            frontMatter.error = ("front matter is not read: " + YAMLExpansion.message(limit: limit), bodyOffset)
            return frontMatter
        }
        guard case .mapping(let mapping) = node else {
            frontMatter.error = ("front matter must be a YAML mapping (key: value lines)", bodyOffset)
            return frontMatter
        }
        for (key, value) in mapping {
            guard let name = key.string else { continue }
            frontMatter.values[name] = convert(value)
            if name == "cases", case .sequence(let items) = value {
                frontMatter.caseOffsets = items.map { nodeRange($0, bodyOffset: bodyOffset, lines: lines, length: 0).lowerBound }
            }
            if name == "rubrics", case .sequence(let items) = value {
                frontMatter.rubricOffsets = items.map { nodeRange($0, bodyOffset: bodyOffset, lines: lines, length: 0).lowerBound }
            }
            if name == "variables" {
                var declared: [String] = []
                switch value {
                case .sequence(let sequence):
                    for item in sequence {
                        if let text = item.string {
                            declared.append(text)
                            frontMatter.variableRanges[text] = nodeRange(item, bodyOffset: bodyOffset, lines: lines, length: text.utf8.count)
                        } else if case .mapping(let inner) = item {
                            for (innerKey, innerValue) in inner {
                                guard let text = innerKey.string else { continue }
                                declared.append(text)
                                frontMatter.variableRanges[text] = nodeRange(innerKey, bodyOffset: bodyOffset, lines: lines, length: text.utf8.count)
                                if let v = convert(innerValue).stringValue { frontMatter.variableValues[text] = v }
                            }
                        }
                    }
                case .mapping(let inner):
                    for (innerKey, innerValue) in inner {
                        guard let text = innerKey.string else { continue }
                        declared.append(text)
                        frontMatter.variableRanges[text] = nodeRange(innerKey, bodyOffset: bodyOffset, lines: lines, length: text.utf8.count)
                        if let v = convert(innerValue).stringValue { frontMatter.variableValues[text] = v }
                    }
                case .scalar(let scalar):
                    for name in scalar.string.split(separator: ",") {
                        let trimmed = name.trimmingCharacters(in: .whitespaces)
                        if !trimmed.isEmpty { declared.append(trimmed) }
                    }
                default:
                    break
                }
                frontMatter.declaredVariables = declared
            }
        }
        return frontMatter
    }

    static func convert(_ node: Node) -> YAMLValue {
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain {
                if let bool = Bool.construct(from: scalar) { return .bool(bool) }
                if let int = Int.construct(from: scalar) { return .number(Double(int)) }
                if let double = Double.construct(from: scalar), scalar.string.contains(where: \.isNumber) { return .number(double) }
                if scalar.string == "~" || scalar.string == "null" || scalar.string.isEmpty { return .null }
            }
            return .string(scalar.string)
        case .sequence(let sequence):
            return .array(sequence.map(convert))
        case .mapping(let mapping):
            var result: [String: YAMLValue] = [:]
            for (key, value) in mapping { if let k = key.string { result[k] = convert(value) } }
            return .mapping(result)
        case .alias:
            return .null
        }
    }

    static func nodeRange(_ node: Node, bodyOffset: Int, lines: LineIndex, length: Int) -> Range<Int> {
        guard let mark = node.mark else { return bodyOffset..<bodyOffset }
        let start = offset(of: mark, bodyOffset: bodyOffset, lines: lines)
        return start..<start + length
    }

    static func describe(_ error: YamlError) -> String {
        "front matter is not valid YAML: " + detail(error)
    }

    /// The parser's complaint on one line, without positions or the copy of the
    /// source line the error's own description ends with (a whole long line).
    static func detail(_ error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _), .composer(let context, let problem, _, _):
            return oneLine([context?.description, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": "))
        case .duplicatedKeysInMapping(let duplicates, _):
            // Its context's text is the whole document.
            return "a mapping has the same key twice: " + duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")
        default:
            return String(oneLine("\(error)").prefix(200))
        }
    }

    /// Where the parser stopped (lines and columns from 1), when the error says.
    static func mark(of error: YamlError) -> Mark? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark
        case .duplicatedKeysInMapping(_, let context): return context.mark
        default: return nil
        }
    }

    /// Where the parser stopped, for a file of its own: "line 4: ...".
    static func located(_ error: YamlError) -> String {
        guard let mark = mark(of: error) else { return detail(error) }
        return "line \(mark.line): " + detail(error)
    }

    /// The parser's text on one line, as a finding's message must be, without
    /// its positions: they count from the block's first line, not the file's,
    /// and the finding already stands where the parser stopped.
    static func oneLine(_ detail: String) -> String {
        detail.replacingOccurrences(of: #" *in line \d+, column \d+"#, with: "", options: .regularExpression)
            .split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
            .replacingOccurrences(of: " :", with: ":")
    }

    static func offset(of error: YamlError, bodyOffset: Int, lines: LineIndex) -> Int {
        guard let mark = mark(of: error) else { return bodyOffset }
        return offset(of: mark, bodyOffset: bodyOffset, lines: lines)
    }

    /// The byte offset of a parser mark. Its line and column count from 1, from the
    /// block's first line, and its column counts Unicode scalars: read as UTF-16
    /// units, an emoji earlier on the line put the place one byte too early.
    static func offset(of mark: Mark, bodyOffset: Int, lines: LineIndex) -> Int {
        let line = lines.line(containing: bodyOffset) + mark.line - 1
        return lines.offset(line: line, scalarColumn: max(0, mark.column - 1))
    }
}
