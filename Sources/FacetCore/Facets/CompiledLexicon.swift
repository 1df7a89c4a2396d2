/// The cue lexicon compiled for fast matching: phrases as token-hash sequences,
/// indexed by their first word.
struct CompiledLexicon: Sendable {
    struct Entry: Sendable {
        var facet: Facet
        var weight: Double
        /// Weight counts in full only at the start of a unit (imperatives); half elsewhere.
        var startOnly: Bool
        var hashes: [UInt64]  // 0 stands for "#", any number
        var phrase: String
        /// `[phrase]`, made once: most facets rest on one cue, and their evidence
        /// is then this array, shared, not one allocated per unit.
        var alone: [String]
    }

    struct SubstringEntry: Sendable {
        var facet: Facet
        var weight: Double
        var bytes: [UInt8]
        var phrase: String
        var alone: [String]  // as `Entry.alone`
    }

    /// What matching an entry needs, without its strings and arrays, so the
    /// matching loop copies plain values: its words are
    /// `wordHashes[hashStart..<hashStart + hashCount]`. 24 bytes, with the
    /// second word inline: common first words ("you", "the", "do") begin
    /// dozens of entries, and most candidates fail on the second word.
    struct Probe: Sendable {
        var weight: Double
        /// The second word's hash (0: "#", or no second word).
        var second: UInt64
        var hashStart: Int32
        var hashCount: UInt8
        var facetOrder: UInt8
        var startOnly: Bool
        /// A bare "you are" / "you're" entry, which names an identity only when no
        /// participle or adverb follows (`FacetClassifier.describesAState`): a flag
        /// here, not a Set probed (and hashed) per match.
        var isBareYouAre: Bool
    }

    struct FirstWordCandidate: Sendable {
        /// As `Probe.second`.
        var second: UInt64
        var entry: Int32
        var hashCount: UInt8
    }

    var entries: [Entry] = []
    var probes: [Probe] = []
    var wordHashes: [UInt64] = []
    /// Entries by the hash of their first word (in `byFirst.items`).
    var byFirst = WordLists([])
    /// `byFirst.items` with each entry's second word and length beside it: the next
    /// word rules out most entries a word begins, and this tells so without reading the entry's probe.
    var firstWordCandidates: [FirstWordCandidate] = []
    var numberFirst: [Int] = []
    var substrings: [SubstringEntry] = []
    /// Substring entries by their first three bytes (one CJK character), so a
    /// unit is read once rather than searched once per entry; shorter entries
    /// are in `shortSubstrings`.
    var substringsByPrefix = WordLists([])
    var shortSubstrings: [Int] = []

    static let shared = CompiledLexicon(
        wordSources: [FacetLexicon.source, FacetLexicon.foreignSource],
        substringSource: FacetLexicon.substringSource)

    init(wordSources: [String], substringSource: String) {
        var firstWords: [(key: UInt64, value: Int)] = []
        for source in wordSources {
            for (facet, weight, startOnly, phrases) in Self.parse(source) {
                for phrase in phrases {
                    let words = phrase.split(separator: " ").map(String.init)
                    let hashes = words.map { $0 == "#" ? 0 : Self.hashWord($0) }
                    guard !hashes.isEmpty else { continue }
                    let isBareYouAre = facet == .role && (phrase == "you are" || phrase == "you're")
                    entries.append(Entry(facet: facet, weight: weight, startOnly: startOnly, hashes: hashes, phrase: phrase, alone: [phrase]))
                    probes.append(Probe(weight: weight, second: hashes.count > 1 ? hashes[1] : 0, hashStart: Int32(wordHashes.count),
                                        hashCount: UInt8(hashes.count), facetOrder: UInt8(facet.order), startOnly: startOnly,
                                        isBareYouAre: isBareYouAre))
                    wordHashes += hashes
                    if hashes[0] == 0 { numberFirst.append(entries.count - 1) } else { firstWords.append((hashes[0], entries.count - 1)) }
                }
            }
        }
        byFirst = WordLists(firstWords)
        firstWordCandidates = byFirst.items.map { FirstWordCandidate(second: probes[$0].second, entry: Int32($0), hashCount: probes[$0].hashCount) }
        for (facet, weight, _, phrases) in Self.parse(substringSource) {
            for phrase in phrases { substrings.append(SubstringEntry(facet: facet, weight: weight, bytes: Array(phrase.utf8), phrase: phrase, alone: [phrase])) }
        }
        var prefixes: [(key: UInt64, value: Int)] = []
        for (index, entry) in substrings.enumerated() {
            if entry.bytes.count >= 3 {
                prefixes.append((Self.prefixKey(entry.bytes[0], entry.bytes[1], entry.bytes[2]), index))
            } else {
                shortSubstrings.append(index)
            }
        }
        substringsByPrefix = WordLists(prefixes)
    }

    /// The one-word task entries read at a unit's start: verbs that open an instruction.
    var startWords: [UInt64] {
        entries.filter { $0.startOnly && $0.facet == .task && $0.hashes.count == 1 }.map { $0.hashes[0] }
    }

    @inline(__always)
    static func prefixKey(_ b0: UInt8, _ b1: UInt8, _ b2: UInt8) -> UInt64 { UInt64(b0) << 16 | UInt64(b1) << 8 | UInt64(b2) }

    /// Indices of the substring entries found in `range`, in entry order.
    func substringMatches(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> [Int] {
        var found = [Bool](repeating: false, count: substrings.count)
        var i = range.lowerBound
        while i + 3 <= range.upperBound {
            for k in substringsByPrefix[Self.prefixKey(buffer[i], buffer[i + 1], buffer[i + 2])] {
                let entry = substringsByPrefix.items[k]
                if !found[entry] && Self.occurs(substrings[entry].bytes, at: i, buffer, range) { found[entry] = true }
            }
            i += 1
        }
        for entry in shortSubstrings where range.indices.contains(where: { Self.occurs(substrings[entry].bytes, at: $0, buffer, range) }) {
            found[entry] = true
        }
        return found.indices.filter { found[$0] }
    }

    /// Whether `needle` (not empty) is in `buffer` at `start`, inside `range`.
    @inline(__always)
    static func occurs(_ needle: [UInt8], at start: Int, _ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        guard !needle.isEmpty, start + needle.count <= range.upperBound else { return false }
        for k in needle.indices where buffer[start + k] != needle[k] { return false }
        return true
    }

    /// Hashes a lexicon word exactly as the tokenizer hashes text.
    static func hashWord(_ word: String) -> UInt64 {
        var tokens: [Token] = []
        let bytes = Array(word.utf8)
        bytes.withUnsafeBufferPointer { Tokenizer.tokenize($0, 0..<bytes.count, into: &tokens) }
        return tokens.first?.hash ?? Tokenizer.hash(word)
    }

    static func parse(_ source: String) -> [(Facet, Double, Bool, [String])] {
        var result: [(Facet, Double, Bool, [String])] = []
        for line in source.split(separator: "\n") {
            let parts = line.split(separator: "|", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let head = parts[0].split(separator: " ")
            guard head.count >= 2, let facet = Facet(rawValue: String(head[0])), let weight = Double(head[1]) else {
                preconditionFailure("bad lexicon line: \(line)")
            }
            let startOnly = head.count > 2 && head[2] == "start"
            let phrases = parts[1].split(separator: ";").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
            result.append((facet, weight, startOnly, phrases))
        }
        return result
    }
}

extension Substring {
    func trimmingWhitespace() -> String { String(self).trimmingWhitespace() }
}
