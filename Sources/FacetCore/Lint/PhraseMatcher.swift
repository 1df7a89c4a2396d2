/// Finds phrases (sequences of lower-cased words) in a unit's tokens.
struct PhraseMatcher: Sendable {
    struct Phrase: Sendable {
        var text: String
        var hashes: [UInt64]
    }
    struct Match {
        var phrase: Int
        var range: Range<Int>
        var firstToken: Int
    }

    let phrases: [Phrase]
    /// Phrases by the hash of their first word (in `byFirst.items`).
    let byFirst: WordLists
    /// Every phrase's word hashes, one after another: phrase `i` is
    /// `wordHashes[hashStarts[i]..<hashStarts[i + 1]]`. Plain values, so matching retains nothing.
    let wordHashes: [UInt64]
    let hashStarts: [Int]
    /// Every phrase's first word: most words start no phrase, and the filter
    /// says so without a table lookup (a 64-bit mask, one bit per word, let
    /// through about half the words for the longer phrase lists).
    let firstWordFilter: HashFilter

    init(_ texts: [String]) {
        var phrases: [Phrase] = []
        var firstWords: [(key: UInt64, value: Int)] = []
        var wordHashes: [UInt64] = []
        var hashStarts: [Int] = [0]
        for text in texts {
            let hashes = text.split(separator: " ").map { CompiledLexicon.hashWord(String($0)) }
            phrases.append(Phrase(text: text, hashes: hashes))
            firstWords.append((hashes[0], phrases.count - 1))
            wordHashes += hashes
            hashStarts.append(wordHashes.count)
        }
        self.phrases = phrases
        self.byFirst = WordLists(firstWords)
        self.wordHashes = wordHashes
        self.hashStarts = hashStarts
        self.firstWordFilter = HashFilter(phrases.map { $0.hashes[0] }, bitCount: 1024)
    }

    /// Each phrase's first word hash.
    var firstWords: [UInt64] { hashStarts.dropLast().map { wordHashes[$0] } }

    /// The longest phrase starting at `position`, as (phrase, word count).
    @inline(__always)
    private func longest(at position: Int, _ tokens: ArraySlice<Token>) -> (phrase: Int, count: Int)? {
        guard firstWordFilter.mayContain(tokens[position].hash) else { return nil }
        var best: (phrase: Int, count: Int)?
        for k in byFirst[tokens[position].hash] {
            let candidate = byFirst.items[k]
            let start = hashStarts[candidate], count = hashStarts[candidate + 1] - start
            guard position + count <= tokens.endIndex else { continue }
            var ok = true
            for offset in 0..<count where tokens[position + offset].hash != wordHashes[start + offset] { ok = false; break }
            if ok && (best == nil || count > best!.count) { best = (candidate, count) }
        }
        return best
    }

    func matches(_ tokens: ArraySlice<Token>) -> [Match] {
        var result: [Match] = []
        let base = tokens.startIndex
        var position = base
        while position < tokens.endIndex {
            if let best = longest(at: position, tokens) {
                result.append(Match(phrase: best.phrase, range: tokens[position].range.lowerBound..<tokens[position + best.count - 1].range.upperBound,
                                    firstToken: position - base))
                position += best.count
            } else {
                position += 1
            }
        }
        return result
    }

    /// Whether `matches(tokens)` would find anything: some phrase starts at some
    /// token (matching skips only tokens inside a match, so the first is always found).
    func hasMatch(_ tokens: ArraySlice<Token>) -> Bool {
        for position in tokens.indices where longest(at: position, tokens) != nil { return true }
        return false
    }

    /// Whether some phrase at some token passes `accept`, given the index of its
    /// first token and of the token after it (the longest phrase at each token).
    func hasMatch(_ tokens: ArraySlice<Token>, where accept: (_ first: Int, _ end: Int) -> Bool) -> Bool {
        for position in tokens.indices {
            if let best = longest(at: position, tokens), accept(position, position + best.count) { return true }
        }
        return false
    }
}
