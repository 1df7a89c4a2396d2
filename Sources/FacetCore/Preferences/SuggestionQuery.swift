/// What to search the preference collection for, drawn from an analysis: the
/// message's salient words (those of its role and task first), and which
/// preference dimensions it already covers.
public struct SuggestionQuery: Sendable, Equatable {
    /// Lower-cased words, most salient first.
    public var terms: [String]
    public var coveredDimensions: Set<PreferenceDimension>
    /// Every content word of the message, to avoid suggesting what it already says.
    public var messageWords: Set<String>

    public var missingDimensions: [PreferenceDimension] {
        PreferenceDimension.allCases.filter { !coveredDimensions.contains($0) }
    }

    public init(terms: [String], coveredDimensions: Set<PreferenceDimension>, messageWords: Set<String>) {
        self.terms = terms
        self.coveredDimensions = coveredDimensions
        self.messageWords = messageWords
    }

    public init(_ analysis: Analysis, maxTerms: Int = 12) {
        var weight: [String: Int] = [:]
        var order: [String] = []
        var all = Set<String>()
        for (index, unit) in analysis.document.units.enumerated() where !unit.isExample {
            let facets = analysis.facets[index]
            let boost = facets.has(.role) || facets.has(.task) ? 3 : 1
            var inUnit = Set<String>()
            for word in Self.contentWords(analysis.document.text(of: unit)) where inUnit.insert(word).inserted {
                all.insert(word)
                if weight[word] == nil { order.append(word) }
                weight[word, default: 0] += boost
            }
        }
        let ranked = order.enumerated().sorted { a, b in
            let wa = weight[a.element]!, wb = weight[b.element]!
            return wa != wb ? wa > wb : a.offset < b.offset
        }
        terms = ranked.prefix(maxTerms).map(\.element)
        coveredDimensions = Set(PreferenceDimension.allCases.filter { analysis.profile.covers($0) })
        messageWords = all
    }

    /// A unit's words for a query (hover): its content words, in order.
    public static func terms(of text: String, max: Int = 8) -> [String] {
        var seen = Set<String>()
        return Array(contentWords(text).filter { seen.insert($0).inserted }.prefix(max))
    }

    /// Lower-cased words of three or more letters that carry meaning (no stop words).
    public static func contentWords(_ text: String) -> [String] {
        var words: [String] = []
        var current: [UInt8] = []
        var letters = 0
        func flush() {
            if letters >= 3 {
                let word = String(decoding: current, as: UTF8.self)
                if !stopWords.contains(word) { words.append(word) }
            }
            current.removeAll(keepingCapacity: true)
            letters = 0
        }
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v < 0x80 {
                // ASCII, the common case, without Unicode property lookups.
                let byte = UInt8(v)
                if (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) {
                    current.append(byte); letters += 1
                } else if byte >= 0x41 && byte <= 0x5A {
                    current.append(byte + 0x20); letters += 1
                } else if byte != 0x27 {
                    flush()
                }
            } else if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                for lower in scalar.properties.lowercaseMapping.utf8 { current.append(lower) }
                letters += 1
            } else if v != 0x2019 {
                flush()
            }
        }
        flush()
        return words
    }

    static let stopWords: Set<String> = Set("""
    the and for are but not you your yours with this that these those from into onto than then them they their there \
    what when where which while who whom whose why how all any each every both few more most other some such only own \
    same can could should would will shall may might must have has had having been being was were does did doing \
    its it's our ours out over under about above below again further once here very just also too nor off upon \
    always never please user users assistant assistants answer answers respond response responses reply replies \
    message messages question questions ask asks asked help helpful make sure use using used give provide \
    don dont doesn isn aren wasn weren won wouldn shouldn can't cannot i'm you're we're let lets one two three
    """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
}
