/// Splits a block of prose (one or more line ranges) into sentences.
///
/// Breaks after `.`, `!`, `?` followed by white space, and right after the CJK
/// marks 。！？. Never breaks on abbreviations (e.g., i.e., Dr.), initials,
/// decimals and versions (no space follows their dot), ellipses, or inside
/// protected spans (template variables, inline code, URLs), or inside a quotation
/// that closes on the same line. A line break ends a
/// sentence when the next line starts like a new one (not in lower case) or the
/// line ends in ":"; otherwise it is a soft wrap.
enum SentenceSplitter {
    static func split(buffer: UnsafeBufferPointer<UInt8>, ranges: [Range<Int>], protected: [Range<Int>]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        guard let first = ranges.first, let last = ranges.last else { return result }
        // Each range is one line's content; consecutive lines are separated by a break.
        var protectedIndex = lowerBoundIndex(protected, first.lowerBound)
        var unitStart = -1
        var lastContentEnd = -1
        let sentenceStops = Self.sentenceStops

        func emit(_ end: Int) {
            if unitStart >= 0 {
                var upper = end
                while upper > unitStart && ByteClass.isWhitespace(buffer[upper - 1]) { upper -= 1 }
                if upper > unitStart { result.append(unitStart..<upper) }
            }
            unitStart = -1
        }

        for (lineNumber, line) in ranges.enumerated() {
            if lineNumber > 0 && unitStart >= 0 {
                // Decide whether the line break between the previous line and this one ends the unit.
                let prev = buffer[lastContentEnd - 1]
                let next = buffer[line.lowerBound]
                let continues = ByteClass.isLower(next) && prev != UInt8(ascii: ":")
                    || prev == UInt8(ascii: ",") || prev == UInt8(ascii: "(") || prev == UInt8(ascii: "-") && !ByteClass.isSpace(buffer[max(lastContentEnd - 2, 0)])
                if !continues { emit(lastContentEnd) }
            }
            var i = line.lowerBound
            let end = line.upperBound
            while i < end {
                while protectedIndex < protected.count && protected[protectedIndex].upperBound <= i { protectedIndex += 1 }
                if protectedIndex < protected.count && protected[protectedIndex].lowerBound <= i {
                    if unitStart < 0 { unitStart = i }
                    i = min(protected[protectedIndex].upperBound, end)
                    continue
                }
                let b = buffer[i]
                if unitStart < 0 {
                    if ByteClass.isWhitespace(b) { i += 1; continue }
                    unitStart = i
                }
                if b == UInt8(ascii: ".") || b == UInt8(ascii: "!") || b == UInt8(ascii: "?") {
                    var j = i
                    var dots = 0
                    while j < end && (buffer[j] == UInt8(ascii: ".") || buffer[j] == UInt8(ascii: "!") || buffer[j] == UInt8(ascii: "?")) {
                        if buffer[j] == UInt8(ascii: ".") { dots += 1 }
                        j += 1
                    }
                    let k = skipClosers(buffer, j, end)
                    if k >= end {
                        if b == UInt8(ascii: ".") && j - i == 1 && isAbbreviation(buffer, before: i, from: unitStart) && lineNumber < ranges.count - 1 {
                            i = k
                            continue
                        }
                        if dots >= 2 && j - i == dots { i = k; continue }  // an ellipsis at the end of a line: the break rule decides
                        emit(k)
                        i = k
                        continue
                    }
                    if ByteClass.isWhitespace(buffer[k]) {
                        if dots >= 2 && j - i == dots { i = k; continue }  // ellipsis
                        if b == UInt8(ascii: "."), j - i == 1 {
                            if isAbbreviation(buffer, before: i, from: unitStart) && !isEtcBeforeCapital(buffer, i, k, end) { i = k; continue }
                            if nextWordIsLower(buffer, k, end) { i = k; continue }
                        }
                        if isInsideQuote(buffer, from: unitStart, to: k, lineEnd: end) { i = k; continue }
                        emit(k)
                    }
                    i = k
                    continue
                }
                if b == 0xE3 && i + 2 < end && buffer[i + 1] == 0x80 && buffer[i + 2] == 0x82 {  // 。
                    let k = skipClosers(buffer, i + 3, end)
                    emit(k)
                    i = k
                    continue
                }
                if b == 0xEF && i + 2 < end && buffer[i + 1] == 0xBC && (buffer[i + 2] == 0x81 || buffer[i + 2] == 0x9F) {  // ！？
                    let k = skipClosers(buffer, i + 3, end)
                    emit(k)
                    i = k
                    continue
                }
                // Inside a unit only these bytes can end it: skip to the next one,
                // stopping where the next protected span starts.
                let limit = protectedIndex < protected.count ? min(end, protected[protectedIndex].lowerBound) : end
                i += 1
                while i < limit && !sentenceStops[buffer[i]] { i += 1 }
            }
            var contentEnd = end
            while contentEnd > line.lowerBound && ByteClass.isWhitespace(buffer[contentEnd - 1]) { contentEnd -= 1 }
            lastContentEnd = contentEnd
        }
        emit(last.upperBound)
        return result
    }

    /// Lead bytes of what can end a sentence: . ! ? and 。！？ (0xE3, 0xEF).
    static let sentenceStops = ByteSet([UInt8(ascii: "."), UInt8(ascii: "!"), UInt8(ascii: "?"), 0xE3, 0xEF])

    static func lowerBoundIndex(_ spans: [Range<Int>], _ offset: Int) -> Int {
        var low = 0
        var high = spans.count
        while low < high {
            let mid = (low + high) / 2
            if spans[mid].upperBound <= offset { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// Skips closing quotes and brackets after sentence punctuation.
    static func skipClosers(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var k = start
        while k < end {
            let b = buffer[k]
            if b == UInt8(ascii: ")") || b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") || b == UInt8(ascii: "]")
                || b == UInt8(ascii: "*") || b == UInt8(ascii: "_") || b == UInt8(ascii: "`") {
                k += 1
            } else if b == 0xE2 && k + 2 < end && buffer[k + 1] == 0x80 && (buffer[k + 2] == 0x9D || buffer[k + 2] == 0x99) {
                k += 3  // ” ’
            } else if b == 0xC2 && k + 1 < end && buffer[k + 1] == 0xBB {
                k += 2  // »
            } else if b == 0xE3 && k + 2 < end && buffer[k + 1] == 0x80 && (buffer[k + 2] == 0x8D || buffer[k + 2] == 0x8F) {
                k += 3  // 」』
            } else {
                break
            }
        }
        return k
    }

    static let abbreviations: Set<String> = [
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "etc", "inc", "ltd", "co", "corp", "no", "nr",
        "fig", "cf", "al", "approx", "dept", "est", "misc", "ca", "resp", "e.g", "i.e", "eg", "ie", "viz",
        "a.m", "p.m", "u.s", "u.k", "ph.d", "sgt", "capt", "gen", "gov", "rev", "hon", "mt", "ft", "vol", "pp",
        "z.b", "bzw", "usw", "ggf", "d.h", "u.a", "sra", "sr", "srta", "ud", "uds", "av", "p.ej", "mme", "mlle",
    ]

    /// `abbreviations` packed as in `packed(_:_:_:)`, so a candidate is looked up
    /// without building a String (this ran for every dot followed by a space).
    static let packedAbbreviations: Set<UInt64> = Set(abbreviations.map { word in
        let bytes = Array(word.utf8)
        return bytes.withUnsafeBufferPointer { packed($0, 0, bytes.count)! }
    })

    /// Up to 8 ASCII bytes, lower-cased, in one integer (first byte lowest); nil
    /// when longer. The bytes are letters and dots, never 0, so lengths cannot collide.
    @inline(__always)
    static func packed(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> UInt64? {
        guard end - start <= 8 else { return nil }
        var key: UInt64 = 0
        for index in stride(from: end - 1, through: start, by: -1) { key = key << 8 | UInt64(ByteClass.lower(buffer[index])) }
        return key
    }

    /// The word before the dot at `dot` is an abbreviation or an initial.
    static func isAbbreviation(_ buffer: UnsafeBufferPointer<UInt8>, before dot: Int, from start: Int) -> Bool {
        var k = dot
        while k > start && (ByteClass.isAlpha(buffer[k - 1]) || buffer[k - 1] == UInt8(ascii: ".")) { k -= 1 }
        guard k < dot else { return false }
        if dot - k == 1 && ByteClass.isUpper(buffer[k]) { return true }  // an initial: "J. Smith"
        guard let key = packed(buffer, k, dot) else { return false }  // longer than any abbreviation
        return packedAbbreviations.contains(key)
    }

    /// Whether the stop just before `k` is inside a quotation that closes later
    /// on its line (within 200 bytes): `Reply "Sorry. I can't help." and stop.`
    /// is one instruction. Straight quotes pair up by count, curly ones by kind.
    static func isInsideQuote(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, to k: Int, lineEnd end: Int) -> Bool {
        var straight = 0
        var curly = 0
        var p = start
        while p < k {
            if buffer[p] == 0x22 {
                straight += 1
            } else if buffer[p] == 0xE2, p + 2 < k, buffer[p + 1] == 0x80 {
                if buffer[p + 2] == 0x9C { curly += 1 } else if buffer[p + 2] == 0x9D { curly = max(0, curly - 1) }
            }
            p += 1
        }
        let limit = min(end, k + 200)
        if straight % 2 == 1, ByteSearch.first(0x22, in: buffer, from: k, to: limit) != nil { return true }
        if curly > 0 {
            var q = k
            while q + 2 < limit {
                if buffer[q] == 0xE2 && buffer[q + 1] == 0x80 && buffer[q + 2] == 0x9D { return true }
                q += 1
            }
        }
        return false
    }

    /// "etc." ends the sentence when a capitalised word follows it.
    static func isEtcBeforeCapital(_ buffer: UnsafeBufferPointer<UInt8>, _ dot: Int, _ after: Int, _ end: Int) -> Bool {
        guard dot >= 3, ByteClass.lower(buffer[dot - 3]) == UInt8(ascii: "e"), ByteClass.lower(buffer[dot - 2]) == UInt8(ascii: "t"),
              ByteClass.lower(buffer[dot - 1]) == UInt8(ascii: "c")
        else { return false }
        var k = after
        while k < end && ByteClass.isWhitespace(buffer[k]) { k += 1 }
        return k < end && ByteClass.isUpper(buffer[k])
    }

    static func nextWordIsLower(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var k = start
        while k < end && ByteClass.isWhitespace(buffer[k]) { k += 1 }
        return k < end && ByteClass.isLower(buffer[k])
    }
}
