/// A system message annotated with inline facet tags, `«role+style»text«/»`,
/// the format of the labelled development set (docs/devset.md).
public struct TaggedText: Sendable {
    public struct Span: Sendable, Hashable {
        public var range: Range<Int>
        public var facets: Set<Facet>
        public init(range: Range<Int>, facets: Set<Facet>) {
            self.range = range
            self.facets = facets
        }
    }

    /// The text with every tag removed.
    public var plain: [UInt8]
    /// Tagged spans as byte ranges into `plain`.
    public var spans: [Span]

    public enum ParseError: Error, CustomStringConvertible {
        case unknownFacet(String, offset: Int)
        case unbalanced(offset: Int)
        public var description: String {
            switch self {
            case .unknownFacet(let name, let offset): return "unknown facet '\(name)' in tag at byte \(offset)"
            case .unbalanced(let offset): return "unbalanced tag at byte \(offset)"
            }
        }
    }

    public init(plain: [UInt8], spans: [Span]) {
        self.plain = plain
        self.spans = spans
    }

    public static func parse(_ bytes: [UInt8]) throws -> TaggedText {
        let open: [UInt8] = [0xC2, 0xAB]  // «
        let close: [UInt8] = [0xC2, 0xBB]  // »
        var plain: [UInt8] = []
        plain.reserveCapacity(bytes.count)
        var spans: [Span] = []
        var current: (start: Int, facets: Set<Facet>)?
        var i = 0
        while i < bytes.count {
            if i + 1 < bytes.count && bytes[i] == open[0] && bytes[i + 1] == open[1] {
                var j = i + 2
                while j + 1 < bytes.count && !(bytes[j] == close[0] && bytes[j + 1] == close[1]) { j += 1 }
                guard j + 1 < bytes.count else { throw ParseError.unbalanced(offset: i) }
                let name = String(decoding: bytes[i + 2..<j], as: UTF8.self)
                if name == "/" {
                    guard let open = current else { throw ParseError.unbalanced(offset: i) }
                    spans.append(Span(range: open.start..<plain.count, facets: open.facets))
                    current = nil
                } else {
                    guard current == nil else { throw ParseError.unbalanced(offset: i) }
                    var facets = Set<Facet>()
                    for part in name.split(separator: "+") {
                        let key = part.lowercased().trimmingWhitespace()
                        guard let facet = Facet(rawValue: key) else { throw ParseError.unknownFacet(key, offset: i) }
                        facets.insert(facet)
                    }
                    current = (plain.count, facets)
                }
                i = j + 2
                continue
            }
            plain.append(bytes[i])
            i += 1
        }
        if current != nil { throw ParseError.unbalanced(offset: bytes.count) }
        return TaggedText(plain: plain, spans: spans)
    }
}
