/// A word of a unit, folded to lower case and hashed, for cue matching.
struct Token {
    var hash: UInt64
    var range: Range<Int>
    var isNumber: Bool
    var startsUpper: Bool
    /// The word's id in `Vocabulary.shared`, given by `WordIndex` (else `Vocabulary.unknown`).
    var id = Vocabulary.unknown
}

extension Token {
    /// Whether the word is `minLength` bytes or longer and ends in `suffix`, in any
    /// case: "Replying" in "ing" (a verb's -ing form), "Used" in "ed" (a participle).
    func endsIn<Bytes: RandomAccessCollection>(_ suffix: StaticString, minLength: Int, in bytes: Bytes) -> Bool
        where Bytes.Element == UInt8, Bytes.Index == Int {
        let count = suffix.utf8CodeUnitCount
        guard range.count >= max(minLength, count) else { return false }
        let tail = range.upperBound - count
        for k in 0..<count where bytes[tail + k] | 0x20 != suffix.utf8Start[k] { return false }
        return true
    }
}

extension ArraySlice where Element == Token {
    /// The index of the first word starting at or after `offset` (`endIndex` if none),
    /// by binary search: the words are in text order.
    func firstWord(from offset: Int) -> Int {
        var (low, high) = (startIndex, endIndex)
        while low < high {
            let mid = (low + high) / 2
            if self[mid].range.lowerBound < offset { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// Whether only spaces stand between the word at `index` and the next one.
    func onlySpaces(after index: Int, in bytes: [UInt8]) -> Bool {
        bytes[self[index].range.upperBound..<self[index + 1].range.lowerBound].allSatisfy { $0 == UInt8(ascii: " ") }
    }
}

/// Splits text into words: ASCII letters and digits, apostrophes and hyphens or
/// underscores inside words (not around them: "__Ideally,__" and "_never_" are
/// emphasis, their words "ideally" and "never"), and non-ASCII letters. Folds ASCII and Latin-1
/// capitals to lower case, and ’ to ', so cues match however they are written.
enum Tokenizer {
    static let fnvOffset: UInt64 = 0xcbf2_9ce4_8422_2325
    static let fnvPrime: UInt64 = 0x100_0000_01b3

    @inline(__always) static func mix(_ hash: UInt64, _ byte: UInt8) -> UInt64 { (hash ^ UInt64(byte)) &* fnvPrime }

    static let numberWords = WordSet(["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twelve", "fifteen", "twenty", "fifty", "hundred", "single", "a couple"].map { hash($0) })
    /// Most words are not number words, and the filter says so without a probe.
    static let numberWordFilter = HashFilter(numberWords.hashes, bitCount: 1024)

    static func hash(_ word: String) -> UInt64 { hash(bytes: word.utf8) }

    /// The hash of a word's (already folded) UTF-8 bytes.
    static func hash<Bytes: Sequence>(bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        bytes.reduce(fnvOffset, mix)
    }

    static func tokenize(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into tokens: inout [Token]) {
        tokens.removeAll(keepingCapacity: true)
        append(buffer, range, to: &tokens)
    }

    /// The words of the range, after those already in `tokens`. A caller that
    /// looks every word up in `Vocabulary` anyway marks the number words itself,
    /// by id (`markingNumberWords: false`; `Vocabulary.isNumberWord`), which saves a probe per word.
    static func append(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, to tokens: inout [Token],
                       markingNumberWords: Bool = true) {
        let numberWords = Self.numberWords, numberWordFilter = Self.numberWordFilter  // static lets, read once rather than per word
        // Words gather on the stack and join `tokens` some at a time: appending one by
        // one checked the array's uniqueness, a call into the runtime, for every word.
        withUnsafeTemporaryAllocation(of: Token.self, capacity: 32) { pending in
            var waiting = 0
            func flush() {
                tokens.append(contentsOf: UnsafeBufferPointer(rebasing: pending[..<waiting]))
                waiting = 0
            }
            @inline(__always) func add(_ token: Token) {
                if waiting == pending.count { flush() }
                pending.initializeElement(at: waiting, to: token)
                waiting += 1
            }
            var i = range.lowerBound
            let end = range.upperBound
            while i < end {
                // Skip separators.
                let b = buffer[i]
                if b < 0x80 {
                    if !ByteClass.isAlnum(b) { i += 1; continue }
                } else if let skip = separatorLength(buffer, i, end) {
                    i += skip
                    continue
                }
                let start = i
                var h = fnvOffset
                var isNumber = ByteClass.isDigit(b)
                let startsUpper = ByteClass.isUpper(b) || (b == 0xC3 && i + 1 < end && buffer[i + 1] >= 0x80 && buffer[i + 1] <= 0x9E)
                // The hash and end of the word before its latest run of underscores: it does
                // not end with one ("_never_").
                var beforeUnderscores = (hash: h, end: i)
                while i < end {
                    let c = buffer[i]
                    // Most bytes of a word are small letters: a run of them is hashed in a
                    // loop of its own, one test per byte, not the general ones below.
                    if ByteClass.isLower(c) {
                        h = mix(h, c)
                        i &+= 1  // within the buffer: cannot overflow
                        while i < end, case let next = buffer[i], ByteClass.isLower(next) {
                            h = mix(h, next)
                            i &+= 1
                        }
                        isNumber = false
                        continue
                    }
                    if c < 0x80 {
                        if c == UInt8(ascii: "_") {
                            if buffer[i - 1] != UInt8(ascii: "_") { beforeUnderscores = (h, i) }
                            h = mix(h, c)
                            i += 1
                        } else if ByteClass.isAlnum(c) {
                            h = mix(h, ByteClass.lower(c))
                            if !ByteClass.isDigit(c) { isNumber = false }
                            i += 1
                        } else if (c == UInt8(ascii: "'") || c == UInt8(ascii: "-") || c == UInt8(ascii: ".") && isNumber)
                                    && i + 1 < end && ByteClass.isAlnum(buffer[i + 1]) {
                            h = mix(h, c)
                            i += 1
                        } else {
                            break
                        }
                    } else if c == 0xE2 && i + 2 < end && buffer[i + 1] == 0x80 && buffer[i + 2] == 0x99 {
                        // ’ inside a word is an apostrophe.
                        guard i + 3 < end, buffer[i + 3] >= 0x80 || ByteClass.isAlnum(buffer[i + 3]) else { break }
                        h = mix(h, UInt8(ascii: "'"))
                        i += 3
                    } else if separatorLength(buffer, i, end) != nil {
                        break
                    } else if c == 0xC3 && i + 1 < end && buffer[i + 1] >= 0x80 && buffer[i + 1] <= 0x9E && buffer[i + 1] != 0x97 {
                        h = mix(mix(h, c), buffer[i + 1] + 0x20)  // Latin-1 capital to small
                        isNumber = false
                        i += 2
                    } else {
                        h = mix(h, c)
                        isNumber = false
                        i += 1
                    }
                }
                if i == start { i += 1; continue }
                if buffer[i - 1] == UInt8(ascii: "_") { (h, i) = beforeUnderscores }
                let isNumberWord = markingNumberWords && !isNumber && numberWordFilter.mayContain(h) && numberWords.contains(h)
                add(Token(hash: h, range: start..<i, isNumber: isNumber || isNumberWord, startsUpper: startsUpper))
            }
            flush()
        }
    }

    /// Length of a non-ASCII punctuation mark at `i` (quotes, dashes, ellipsis,
    /// bullets and shapes, box drawing, CJK and full-width punctuation, ¿ ¡ « »),
    /// or nil for a letter.
    @inline(__always)
    static func separatorLength(_ buffer: UnsafeBufferPointer<UInt8>, _ i: Int, _ end: Int) -> Int? {
        let b = buffer[i]
        if b == 0xC2 && i + 1 < end {
            let c = buffer[i + 1]
            if c == 0xA0 || c == 0xA1 || c == 0xBF || c == 0xAB || c == 0xBB || c == 0xB7 { return 2 }
        }
        // General punctuation, arrows, box drawing, geometric shapes (● ■), dingbats, ⦁.
        if b == 0xE2 && i + 2 < end {
            let c = buffer[i + 1]
            if c == 0x80 || c == 0x86 || c == 0x94 || c == 0x95 || c == 0x96 || c == 0x97 || c == 0x9C || c == 0x9D || c == 0x9E || c == 0xA6 { return 3 }
        }
        if b == 0xE3 && i + 2 < end && buffer[i + 1] == 0x80 { return 3 }
        if b == 0xEF && i + 2 < end && buffer[i + 1] == 0xBC {
            let c = buffer[i + 2]
            if c < 0x90 || (c >= 0x9A && c <= 0xA0) { return 3 }  // full-width punctuation, not letters/digits
        }
        if b == 0xEF && i + 2 < end && buffer[i + 1] == 0xBB && buffer[i + 2] == 0xBF { return 3 }  // BOM
        if b == 0xF0 && i + 3 < end && buffer[i + 1] == 0x9F { return 4 }  // emoji
        return nil
    }
}
