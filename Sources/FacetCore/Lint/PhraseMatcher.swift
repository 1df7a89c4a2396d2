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
    let byFirst: WordTable<[Int]>

    init(_ texts: [String]) {
        var phrases: [Phrase] = []
        var byFirst = WordTable<[Int]>()
        for text in texts {
            let hashes = text.split(separator: " ").map { CompiledLexicon.hashWord(String($0)) }
            phrases.append(Phrase(text: text, hashes: hashes))
            byFirst.update(hashes[0], default: []) { $0.append(phrases.count - 1) }
        }
        self.phrases = phrases
        self.byFirst = byFirst
    }

    func matches(_ tokens: ArraySlice<Token>) -> [Match] {
        var result: [Match] = []
        let base = tokens.startIndex
        var position = base
        while position < tokens.endIndex {
            var best: Match?
            for candidate in byFirst[tokens[position].hash] ?? [] {
                let hashes = phrases[candidate].hashes
                guard position + hashes.count <= tokens.endIndex else { continue }
                var ok = true
                for (k, h) in hashes.enumerated() where tokens[position + k].hash != h { ok = false; break }
                if ok && (best == nil || hashes.count > phrases[best!.phrase].hashes.count) {
                    best = Match(phrase: candidate, range: tokens[position].range.lowerBound..<tokens[position + hashes.count - 1].range.upperBound,
                                 firstToken: position - base)
                }
            }
            if let best {
                result.append(best)
                position += phrases[best.phrase].hashes.count
            } else {
                position += 1
            }
        }
        return result
    }
}
