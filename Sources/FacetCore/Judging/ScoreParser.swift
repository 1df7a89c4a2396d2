/// What a judge's reply says: a score from 1 to 5 with the feedback before
/// it, or why no score could be read. An unreadable reply is never a score.
public enum JudgeReading: Sendable, Equatable {
    case score(Int, feedback: String)
    case unparseable(String)

    public var score: Int? { if case .score(let n, _) = self { return n } else { return nil } }
}

/// Reads the score from a judge's reply. The markers, strongest first:
/// `[RESULT] N`, `[SCORE] N`, `Result: N`, `Final score: N`, `Score: N`,
/// `Rating: N`; the last occurrence of the strongest marker present wins (a
/// judge that quotes the format first and then answers is read right).
/// Accepted around the number: `**`, brackets, `N/5`, `N out of 5`, `N.0`,
/// and any trailing text. A number outside 1-5 (negative too), a fraction, a
/// range or another scale is reported, not rounded.
public enum ScoreParser {
    static let markers: [String] = ["[result]", "[score]", "result:", "final score", "overall score", "score:", "score is", "score of", "rating:"]

    public static func read(_ reply: String) -> JudgeReading {
        let bytes = Array(reply.utf8)
        let folded = bytes.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
        for marker in markers {
            guard let at = lastIndex(of: Array(marker.utf8), in: folded) else { continue }
            let feedback = feedbackText(bytes[..<at])
            switch number(after: at + marker.utf8.count, in: folded) {
            case .success(let score): return .score(score, feedback: feedback.isEmpty ? trailing(bytes, from: at) : feedback)
            case .failure(let problem): return .unparseable("'\(String(decoding: bytes[at..<min(bytes.count, at + marker.utf8.count + 12)], as: UTF8.self))…': \(problem.message)")
            }
        }
        let trimmed = reply.trimmingWhitespaceEdges()
        if trimmed.count == 1, let digit = Int(trimmed), (1...5).contains(digit) { return .score(digit, feedback: "") }
        return .unparseable(reply.trimmingWhitespaceEdges().isEmpty ? "the reply is empty" : "no score found (expected '[RESULT] N' with N from 1 to 5)")
    }

    struct Problem: Error { var message: String }

    /// The score after a marker: skips `: * [ ( # = -` and "is"/"of", reads digits, checks the scale.
    static func number(after start: Int, in text: [UInt8]) -> Result<Int, Problem> {
        var i = start
        let skippable: Set<UInt8> = Set(" \t\r\n:*[(#=-\"'_`".utf8)
        func skip() { while i < text.count, skippable.contains(text[i]) { i += 1 } }
        func isDigit(_ at: Int) -> Bool { at < text.count && text[at] >= 48 && text[at] <= 57 }
        skip()
        for word in ["is", "of"] where text[i...].starts(with: word.utf8) && (i + 2 == text.count || skippable.contains(text[i + 2])) {
            i += 2
            skip()
        }
        let digitsStart = i
        while isDigit(i) { i += 1 }
        guard i > digitsStart, let value = Int(String(decoding: text[digitsStart..<i], as: UTF8.self)) else {
            return .failure(Problem(message: "no number after the marker"))
        }
        // "-1": the dash skipped as a list marker is a minus sign glued to the number.
        if digitsStart > start, text[digitsStart - 1] == UInt8(ascii: "-") {
            return .failure(Problem(message: "-\(value) is outside 1-5"))
        }
        // "3-4", "2 to 4", "4,5": a range or a decimal comma is not one whole score.
        if i < text.count, (text[i] == UInt8(ascii: "-") && isDigit(i + 1)) || text[i...].starts(with: " to ".utf8) && isDigit(i + 4)
            || text[i...].starts(with: "\u{2013}".utf8) && isDigit(i + 3) {
            return .failure(Problem(message: "a range, not one score from 1 to 5"))
        }
        if i < text.count, text[i] == UInt8(ascii: ","), isDigit(i + 1) {
            return .failure(Problem(message: "\(value),\(Character(UnicodeScalar(text[i + 1]))) is not a whole score from 1 to 5"))
        }
        if i < text.count, text[i] == 46, isDigit(i + 1) {
            var j = i + 1
            while isDigit(j) { j += 1 }
            guard text[(i + 1)..<j].allSatisfy({ $0 == 48 }) else {
                return .failure(Problem(message: "\(String(decoding: text[digitsStart..<j], as: UTF8.self)) is not a whole score from 1 to 5"))
            }
            i = j
        }
        var k = i
        while k < text.count, text[k] == 32 || text[k] == 42 || text[k] == 93 || text[k] == 41 { k += 1 }
        var denominatorStart: Int?
        if k < text.count, text[k] == 47 { denominatorStart = k + 1 } else if text[k...].starts(with: "out of ".utf8) { denominatorStart = k + 7 }
        if let from = denominatorStart {
            var end = from
            while end < text.count, text[end] == 32 { end += 1 }
            let digits = end
            while isDigit(end) { end += 1 }
            if let scale = Int(String(decoding: text[digits..<end], as: UTF8.self)), scale != 5 {
                return .failure(Problem(message: "a score out of \(scale), not on the 1-5 scale"))
            }
        }
        guard (1...5).contains(value) else { return .failure(Problem(message: "\(value) is outside 1-5")) }
        return .success(value)
    }

    static func lastIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        var i = haystack.count - needle.count
        while i >= 0 {
            if haystack[i] == needle[0], haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i -= 1
        }
        return nil
    }

    /// The reply before the score, without a leading "Feedback:" and markdown emphasis at its ends.
    static func feedbackText(_ before: ArraySlice<UInt8>) -> String {
        var text = String(decoding: before, as: UTF8.self).trimmingWhitespaceEdges()
        for prefix in ["###Feedback:", "Feedback:", "**Feedback:**", "**Feedback**:"] where text.hasPrefix(prefix) {
            text = String(text.dropFirst(prefix.count)).trimmingWhitespaceEdges()
        }
        while text.hasSuffix("*") || text.hasSuffix("#") { text.removeLast() }
        return text.trimmingWhitespaceEdges()
    }

    /// Text after the score line, for judges that give the score first.
    static func trailing(_ bytes: [UInt8], from marker: Int) -> String {
        guard let lineEnd = bytes[marker...].firstIndex(of: 10) else { return "" }
        return String(decoding: bytes[lineEnd...], as: UTF8.self).trimmingWhitespaceEdges()
    }
}
