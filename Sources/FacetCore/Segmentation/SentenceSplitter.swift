/// Splits a block of prose (one or more line ranges) into sentences.
///
/// Breaks after `.`, `!`, `?` followed by white space, and right after a run of
/// the CJK marks 。！？ (unless a quotation around it closes on the line). Never
/// breaks on abbreviations (e.g., i.e., z. B., Dr., "No." before a number;
/// "etc.", "Inc.", "p.m." end a sentence before a capital), initials (after a
/// capitalised word, or one and a comma or dash: "John F. Kennedy", "Review,
/// B.D. Chaurasia", not "plan B. Tell" nor "in the E.U. Then"), decimals and
/// versions (no space follows their dot), ellipses, an inline item's number
/// ("1. Read"), a German date or ordinal ("3. Mai", "im 2. Absatz"), or inside
/// protected spans (template variables, inline code, URLs), or inside a quotation
/// that closes on the same line (an inch mark, `27"`, opens none), or after one
/// that closes before a word in lower case. A line break ends a sentence when the
/// next line starts like a new one (not in lower case, nor with a number or a
/// template variable) or the line ends in ":", or when the block is a list of
/// short lines with no full stop; otherwise, and after an abbreviation ("Dr.",
/// "e.g.", "z. B."; not "etc." nor one ending a name, "Baker St.", "Smith Jr.")
/// or a comma, it is a soft wrap.
enum SentenceSplitter {
    static func split(buffer: UnsafeBufferPointer<UInt8>, ranges: [Range<Int>], protected: [Range<Int>]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        split(buffer: buffer, ranges: ranges, protected: protected, into: &result)
        return result
    }

    /// As `split`, into `result`, emptied first with its storage kept: the segmenter
    /// splits every paragraph and list item into one array rather than a new one each.
    static func split(buffer: UnsafeBufferPointer<UInt8>, ranges: [Range<Int>], protected: [Range<Int>], into result: inout [Range<Int>]) {
        result.removeAll(keepingCapacity: true)
        guard let first = ranges.first, let last = ranges.last else { return }
        // Each range is one line's content; consecutive lines are separated by a break.
        var protectedIndex = lowerBoundIndex(protected, first.lowerBound)
        var unitStart = -1
        var lastContentEnd = -1
        var quotes = OpenQuotations()
        // Where the last abbreviation that holds its sentence across a line break ends.
        var abbreviationEnd = -1
        let sentenceStops = Self.sentenceStops
        // A block of short lines with no full stop at all is a list of lines, not
        // wrapped prose: "you are a helpful assistant / answer in english / be
        // concise" are three instructions. Wrapped prose ends its sentence somewhere.
        let linesAreUnits = ranges.count > 1 && ranges.allSatisfy { $0.count <= shortLine } && !ranges.contains { hasStop(buffer, $0) }

        func emit(_ end: Int) {
            if unitStart >= 0 {
                var upper = end
                while upper > unitStart, case let length = spaceLength(buffer, endingAt: upper, from: unitStart), length > 0 { upper -= length }
                if upper > unitStart { result.append(unitStart..<upper) }
            }
            unitStart = -1
        }

        for (lineNumber, line) in ranges.enumerated() {
            if lineNumber > 0 && unitStart >= 0 {
                // Decide whether the line break between the previous line and this one ends the unit.
                let prev = buffer[lastContentEnd - 1]
                // "Dr.\nSmith", "e.g.\nParis": an abbreviation at the line's end holds the sentence.
                let abbreviationGoesOn = abbreviationEnd == lastContentEnd
                let previousLine = ranges[lineNumber - 1].lowerBound..<lastContentEnd
                let continues = abbreviationGoesOn
                    // "summarise reports written by the analysts in the / London office": no sentence ends on "the".
                    || endsWithJoiningWord(buffer, from: previousLine.lowerBound, to: lastContentEnd, inLowerCase: true)
                    || startsInLowerCase(buffer, line) && prev != UInt8(ascii: ":")
                    && !(linesAreUnits && !endsWithJoiningWord(buffer, from: ranges[lineNumber - 1].lowerBound, to: lastContentEnd)
                         && !startsWithJoiningWord(buffer, from: line.lowerBound, to: line.upperBound))
                    || numberOrVariableGoesOn(buffer, after: previousLine, line, protected: protected, mustJoin: linesAreUnits)
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
                    let space = spaceLength(buffer, i, end)
                    if space > 0 { i += space; continue }
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
                        if b == UInt8(ascii: ".") && j - i == 1 && isAbbreviation(buffer, before: i, from: unitStart, next: k, end) && lineNumber < ranges.count - 1 {
                            if k == j && holdsItsSentence(buffer, dot: i, from: unitStart) { abbreviationEnd = k }
                            i = k
                            continue
                        }
                        // "z. B." at the end of a line holds its sentence as "z.B." does.
                        if b == UInt8(ascii: ".") && j - i == 1 && k == j && lineNumber < ranges.count - 1
                            && isSpacedAbbreviation(buffer, from: unitStart, dot: i, end) && spacedAbbreviationHoldsItsSentence(buffer, dot: i) {
                            abbreviationEnd = k
                            i = k
                            continue
                        }
                        if dots >= 2 && j - i == dots { i = k; continue }  // an ellipsis at the end of a line: the break rule decides
                        emit(k)
                        i = k
                        continue
                    }
                    if spaceLength(buffer, k, end) > 0 {
                        if dots >= 2 && j - i == dots { i = k; continue }  // ellipsis
                        if b == UInt8(ascii: "."), j - i == 1 {
                            if isAbbreviation(buffer, before: i, from: unitStart, next: k, end) && !endsWithAnAbbreviation(buffer, i, k, end) {
                                if k == j && holdsItsSentence(buffer, dot: i, from: unitStart) { abbreviationEnd = k }
                                i = k
                                continue
                            }
                            if nextWordIsLower(buffer, k, end) { i = k; continue }
                            // "1. Read the input." inline: the number goes with its item.
                            if i > unitStart && i - unitStart <= 3 && (unitStart..<i).allSatisfy({ ByteClass.isDigit(buffer[$0]) }) { i = k; continue }
                            // "Follow these steps: 1. Read the file. 2. ...": the lead-in ends at its colon, the item starts at its number.
                            if startsAnInlineList(buffer, from: unitStart, dot: i, blockEnd: last.upperBound) {
                                // Not inside a quotation: `Reply: "Next steps: 1. Restart it. 2. Call us."` is one instruction.
                                quotes.read(buffer, unitStart: unitStart, to: i)
                                if !quotes.closesLater(buffer, from: i, lineEnd: end) {
                                    emit(i - 1)
                                    unitStart = i - 1
                                    i = k
                                    continue
                                }
                            }
                            if isDayBeforeMonth(buffer, from: unitStart, dot: i, next: k, end) { i = k; continue }
                            if isGermanOrdinal(buffer, from: unitStart, dot: i) { i = k; continue }
                            if isSpacedAbbreviation(buffer, from: unitStart, dot: i, end) { i = k; continue }
                        }
                        // `reply "You are welcome!" and end the chat`: a quotation closed, the sentence goes on.
                        if b != UInt8(ascii: "."), k > j, nextWordIsLower(buffer, k, end) { i = k; continue }
                        quotes.read(buffer, unitStart: unitStart, to: k)
                        if quotes.closesLater(buffer, from: k, lineEnd: end) { i = k; continue }
                        emit(k)
                    }
                    i = k
                    continue
                }
                if isCJKStop(buffer, i, end) {
                    // A run of marks is one stop ("本当！？"); a run of 。 is an ellipsis, as "..." is.
                    var j = i
                    var onlyFullStops = true
                    while j < end {
                        if isCJKStop(buffer, j, end) {
                            onlyFullStops = onlyFullStops && buffer[j] == 0xE3
                            j += 3
                        } else if buffer[j] == UInt8(ascii: "!") || buffer[j] == UInt8(ascii: "?") {
                            onlyFullStops = false
                            j += 1
                        } else {
                            break
                        }
                    }
                    let k = skipClosers(buffer, j, end)
                    if onlyFullStops && j - i >= 6 { i = k; continue }
                    // 请回答“我不知道。”然后结束对话。: a quotation closes on the line, the sentence goes on.
                    if k < end {
                        quotes.read(buffer, unitStart: unitStart, to: i)
                        if quotes.closesLater(buffer, from: i, lineEnd: end) { i = k; continue }
                    }
                    emit(k)
                    i = k
                    continue
                }
                // Inside a unit only these bytes can end it: skip to the next one,
                // stopping where the next protected span starts.
                let limit = protectedIndex < protected.count ? min(end, protected[protectedIndex].lowerBound) : end
                i = sentenceStops.first(in: buffer, from: i + 1, to: limit)
            }
            var contentEnd = end
            while contentEnd > line.lowerBound, case let length = spaceLength(buffer, endingAt: contentEnd, from: line.lowerBound), length > 0 {
                contentEnd -= length
            }
            lastContentEnd = contentEnd
        }
        emit(last.upperBound)
    }

    /// Whether 。, ！ or ？ starts at `i`.
    @inline(__always)
    static func isCJKStop(_ buffer: UnsafeBufferPointer<UInt8>, _ i: Int, _ end: Int) -> Bool {
        guard i + 2 < end else { return false }
        return buffer[i] == 0xE3 && buffer[i + 1] == 0x80 && buffer[i + 2] == 0x82
            || buffer[i] == 0xEF && buffer[i + 1] == 0xBC && (buffer[i + 2] == 0x81 || buffer[i + 2] == 0x9F)
    }

    /// Bytes of white space at `i`: ASCII, or a Unicode space such as U+00A0 or U+3000
    /// ("Be polite.\u{00A0}Never swear." is two sentences); 0 for none.
    @inline(__always)
    static func spaceLength(_ buffer: UnsafeBufferPointer<UInt8>, _ i: Int, _ end: Int) -> Int {
        let b = buffer[i]
        if b < 0x80 { return ByteClass.isWhitespace(b) ? 1 : 0 }
        return ByteClass.wideSpaceLength(buffer, i, end)
    }

    /// Bytes of white space ending just before `i`, not before `start`.
    @inline(__always)
    static func spaceLength(_ buffer: UnsafeBufferPointer<UInt8>, endingAt i: Int, from start: Int) -> Int {
        ByteClass.isWhitespace(buffer[i - 1]) ? 1 : ByteClass.wideSpaceLength(buffer, endingAt: i, from: start)
    }

    static func skipSpaces(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var k = start
        while k < end, case let length = spaceLength(buffer, k, end), length > 0 { k += length }
        return k
    }

    /// Lead bytes of what can end a sentence: . ! ? and 。！？ (0xE3, 0xEF).
    static let sentenceStops = ByteSet([UInt8(ascii: "."), UInt8(ascii: "!"), UInt8(ascii: "?"), 0xE3, 0xEF])

    /// The longest line (in bytes) of a block read as a list of lines. Prose is
    /// wrapped at 60 columns or more.
    static let shortLine = 48
    /// Words a line ends with when its sentence goes on: "reply in / english".
    static let joiningWords = WordSet(["a", "an", "the", "and", "or", "but", "nor", "of", "to", "in", "on", "at", "for", "with",
                                       "by", "from", "into", "as", "than", "that", "which", "who", "your", "their", "its", "our",
                                       "is", "are", "be", "not", "if", "when", "so"].map(Tokenizer.hash))
    /// Words a number goes on after: "at most / 3 times", "up to / 5 items", "every / 2 hours".
    static let numberLeadIns = WordSet(["most", "least", "about", "around", "approximately", "roughly", "under", "over", "every",
                                        "within", "exactly", "only", "after", "before", "last", "first", "next", "up",
                                        "between", "below", "above"].map(Tokenizer.hash))
    /// Words a line starts with when it goes on from the line before: "be concise / and polite".
    static let continuingWords = WordSet(["and", "or", "but", "nor", "than", "that", "which", "who", "whom", "whose", "to", "of", "as", "so",
                                          "in", "into", "on", "at", "for", "with", "within", "without", "by", "from", "about", "using",
                                          "unless", "except", "when", "whenever", "where", "while", "if", "because", "after", "before",
                                          "until", "including", "like", "via", "per", "over", "under", "then", "instead", "rather"]
        .map(Tokenizer.hash))

    /// Whether a sentence ends in the range: ".", "!" or "?" before a space or at its end.
    static func hasStop(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        for i in range where buffer[i] == UInt8(ascii: ".") || buffer[i] == UInt8(ascii: "!") || buffer[i] == UInt8(ascii: "?") {
            if i + 1 == range.upperBound || spaceLength(buffer, i + 1, range.upperBound) > 0 { return true }
        }
        return false
    }

    /// Whether a line starts in lower case, in any script: "über das Thema".
    static func startsInLowerCase(_ buffer: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) -> Bool {
        let first = buffer[line.lowerBound]
        if first < 0x80 { return ByteClass.isLower(first) }
        var bytes = UnsafeBufferPointer(rebasing: buffer[line.lowerBound..<min(line.upperBound, line.lowerBound + 4)]).makeIterator()
        var decoder = UTF8()
        if case .scalarValue(let scalar) = decoder.decode(&bytes) { return scalar.properties.isLowercase }
        return false
    }

    /// Whether a line that starts with a number or a template variable, inline
    /// code or a URL goes on the sentence before it: "at most / 3 times before",
    /// "ask for / {{order_id}} before you". The line before must stop mid-phrase
    /// (on a joining word such as "for" or "most"; before a variable, also any word
    /// in lower case ending a line of wrapped prose) and the number or variable go
    /// on in words, so a table's rows, "0 = Low / 1 = High", a title over "9 equal
    /// tiles" and "... depending on their needs / 1 month costs $10." stay apart;
    /// after a joining word (in any case, "Respond Within") a number may also end
    /// the phrase: with its unit ("within / 24h."), before a stop ("within /
    /// 180-300.") or at the end of the line.
    /// `mustJoin` (in a block of short lines that are each a unit) asks for the joining
    /// word whatever follows: "respond within / 180-300 days" is still one instruction.
    static func numberOrVariableGoesOn(_ buffer: UnsafeBufferPointer<UInt8>, after previous: Range<Int>, _ line: Range<Int>,
                                       protected: [Range<Int>], mustJoin: Bool = false) -> Bool {
        guard let afterStart = numberOrVariableEnd(buffer, line, protected: protected),
              !previous.isEmpty, ByteClass.isLower(buffer[previous.upperBound - 1]),
              numberOrVariableEnd(buffer, previous, protected: protected) == nil else { return false }
        var wordStart = previous.upperBound
        while wordStart > previous.lowerBound && ByteClass.isAlpha(buffer[wordStart - 1]) { wordStart -= 1 }
        // A number needs a joining word before it ("at most / 3 times"), in any case ("Respond
        // Within / 180-300 days."): after any other word, "... depending on their needs / 1 month
        // costs $10." starts a line of its own.
        let joins = isWord(buffer, wordStart..<previous.upperBound, of: joiningWords)
            || isWord(buffer, wordStart..<previous.upperBound, of: numberLeadIns)
        guard joins || ByteClass.isLower(buffer[wordStart]) && !mustJoin && previous.count >= 24
                && !ByteClass.isDigit(buffer[line.lowerBound]) else { return false }
        // Columns: "Slack/Teams:      Real-time updates".
        var spaces = 0
        for index in previous {
            if buffer[index] == 0x09 { return false }
            spaces = buffer[index] == 0x20 ? spaces + 1 : 0
            if spaces == 3 { return false }
        }
        // Words go on after it: "3 times before", "{{order_id}} before", "`web_search` again.".
        let isVariable = !ByteClass.isDigit(buffer[line.lowerBound])
        if afterStart < line.upperBound, isVariable, [UInt8(ascii: ","), UInt8(ascii: "."), UInt8(ascii: ";")].contains(buffer[afterStart]) { return true }
        var after = afterStart
        if joins && !isVariable {
            // After a joining word the number finishes the phrase it opened: with its unit
            // ("within / 24h to every ticket", "within / 24h."), before the sentence's stop
            // ("within / 180-300.") or at the end of the line.
            while after < line.upperBound && ByteClass.isAlpha(buffer[after]) { after += 1 }
            if after == line.upperBound { return true }
            if [UInt8(ascii: "."), UInt8(ascii: "!"), UInt8(ascii: "?"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":"),
                UInt8(ascii: ")")].contains(buffer[after]) {
                return after + 1 == line.upperBound || ByteClass.isSpace(buffer[after + 1])
            }
        }
        return after + 1 < line.upperBound && ByteClass.isSpace(buffer[after]) && ByteClass.isLower(buffer[after + 1])
    }

    /// Where the number ("3", "2,500", "10%", a range: "180-300", "180–300", "180 - 300") or
    /// the protected span (but not an empty code span, "``") that starts `line` ends; nil when
    /// it starts with neither.
    static func numberOrVariableEnd(_ buffer: UnsafeBufferPointer<UInt8>, _ line: Range<Int>, protected: [Range<Int>]) -> Int? {
        var k = line.lowerBound
        let end = line.upperBound
        func numberEnd(_ start: Int) -> Int {
            var k = start
            while k < end && (ByteClass.isDigit(buffer[k]) || buffer[k] == UInt8(ascii: ",") || buffer[k] == UInt8(ascii: ".")
                              || buffer[k] == UInt8(ascii: "%") || buffer[k] == UInt8(ascii: "-")) { k += 1 }
            return k
        }
        if ByteClass.isDigit(buffer[k]) {
            k = numberEnd(k)
            // A range written with an en dash, or with a dash between spaces, goes on to its second number.
            var j = k
            if j < end && buffer[j] == 0x20 { j += 1 }
            if j + 2 < end && buffer[j] == 0xE2 && buffer[j + 1] == 0x80 && buffer[j + 2] == 0x93 {
                j += 3
            } else if j > k && j < end && buffer[j] == UInt8(ascii: "-") {
                j += 1
            } else {
                return k
            }
            if j < end && buffer[j] == 0x20 { j += 1 }
            return j < end && ByteClass.isDigit(buffer[j]) ? numberEnd(j) : k
        }
        let span = lowerBoundIndex(protected, k)
        guard span < protected.count, protected[span].lowerBound <= k, protected[span].count > 2 else { return nil }
        return min(protected[span].upperBound, line.upperBound)
    }

    /// Whether the line's first word goes on from the line before: "and politely".
    static func startsWithJoiningWord(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Bool {
        var wordEnd = start
        while wordEnd < end && ByteClass.isAlpha(buffer[wordEnd]) { wordEnd += 1 }
        return isWord(buffer, start..<wordEnd, of: continuingWords)
    }

    /// Whether the line's last word is one a sentence cannot end with; `inLowerCase`,
    /// written so ("Plan A" ends on a name).
    static func endsWithJoiningWord(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, inLowerCase: Bool = false) -> Bool {
        var wordStart = end
        while wordStart > start && ByteClass.isAlpha(buffer[wordStart - 1]) { wordStart -= 1 }
        if inLowerCase && (wordStart == end || !ByteClass.isLower(buffer[wordStart])) { return false }
        return isWord(buffer, wordStart..<end, of: joiningWords)
    }

    /// Whether the letters in `word`, in any case, are one of `words`.
    static func isWord(_ buffer: UnsafeBufferPointer<UInt8>, _ word: Range<Int>, of words: WordSet) -> Bool {
        guard !word.isEmpty, word.count <= 9 else { return false }
        return words.contains(Tokenizer.hash(bytes: buffer[word].lazy.map(ByteClass.lower)))
    }

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
            let width = closerWidth(buffer, at: k, end)
            if width == 0 { break }
            k += width
        }
        return k
    }

    /// Skips the same closers backwards from `end`: where a line's text ends before them.
    static func skipClosers(_ buffer: UnsafeBufferPointer<UInt8>, backFrom end: Int, to start: Int) -> Int {
        var k = end
        while k > start {
            if closers[buffer[k - 1]] {
                k -= 1
            } else if k - 2 >= start && closerWidth(buffer, at: k - 2, end) == 2 {
                k -= 2
            } else if k - 3 >= start && closerWidth(buffer, at: k - 3, end) == 3 {
                k -= 3
            } else {
                break
            }
        }
        return k
    }

    /// The byte length of the closer at `k` (a closing quote or bracket, or emphasis), 0 for none.
    static func closerWidth(_ buffer: UnsafeBufferPointer<UInt8>, at k: Int, _ end: Int) -> Int {
        let b = buffer[k]
        if closers[b] { return 1 }
        if b == 0xE2 && k + 2 < end && buffer[k + 1] == 0x80 && (buffer[k + 2] == 0x9D || buffer[k + 2] == 0x99) {
            return 3  // ” ’
        }
        if b == 0xC2 && k + 1 < end && buffer[k + 1] == 0xBB { return 2 }  // »
        if b == 0xE3 && k + 2 < end && buffer[k + 1] == 0x80 && (buffer[k + 2] == 0x8D || buffer[k + 2] == 0x8F) {
            return 3  // 」』
        }
        return 0
    }

    /// The one-byte closers: quotes, brackets and emphasis marks.
    static let closers = ByteSet([UInt8(ascii: ")"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "]"),
                                  UInt8(ascii: "*"), UInt8(ascii: "_"), UInt8(ascii: "`")])

    static let abbreviations: Set<String> = [
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "etc", "inc", "ltd", "co", "corp", "no", "nr",
        "fig", "cf", "al", "approx", "dept", "est", "misc", "ca", "resp", "e.g", "i.e", "eg", "ie", "viz",
        "a.m", "p.m", "u.s", "u.k", "ph.d", "sgt", "capt", "gen", "gov", "rev", "hon", "mt", "ft", "vol", "pp",
        "z.b", "z.t", "bzw", "usw", "ggf", "d.h", "u.a", "u.u", "v.a", "s.o", "s.u", "sra", "sr", "srta", "ud", "uds", "av", "p.ej", "mme", "mlle",
    ]

    /// `abbreviations` packed as in `packed(_:_:_:)`, so a candidate is looked up
    /// without building a String (this ran for every dot followed by a space). A
    /// `WordSet`, as the sets below: a `Set` hashed each key with SipHash, at every dot.
    static let packedAbbreviations = WordSet(abbreviations.map { word in
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

    /// The word before the dot at `dot` is an abbreviation or an initial. `next`
    /// is where the text after the dot starts (up to `end`).
    static func isAbbreviation(_ buffer: UnsafeBufferPointer<UInt8>, before dot: Int, from start: Int, next: Int, _ end: Int) -> Bool {
        let k = abbreviationStart(buffer, dot: dot, from: start)
        guard k < dot else { return false }
        if dot - k == 1 && ByteClass.isUpper(buffer[k]) { return isInitial(buffer, at: k, from: start) }
        // Initials written together ("B.D. Chaurasia", "J.R.R. Tolkien"), but not a dotted
        // acronym that ends a sentence ("in the E.U. Then"): as for one initial, by the word before.
        if areInitials(buffer, k, dot) && !packedAbbreviations.contains(packed(buffer, k, dot) ?? 0) {
            return isInitial(buffer, at: k, from: start)
        }
        guard let key = packed(buffer, k, dot) else { return false }  // longer than any abbreviation
        // "No. 5", "Oct. 2023", "Sec. 4", "p. 45", but "Answer yes or no. Then explain."
        if beforeANumber.contains(key) { return nextIsDigit(buffer, next, end) }
        // "Mon. Jan. 6"
        if weekdays.contains(key) { return nextIsDigit(buffer, next, end) || nextIsMonth(buffer, next, end) }
        // "EST." is a time zone, not "est." (estimated).
        if dot - k >= 3 && (k..<dot).allSatisfy({ ByteClass.isUpper(buffer[$0]) }) { return false }
        return packedAbbreviations.contains(key)
    }

    static let months = ["jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"]
    /// Abbreviations that stand before a number, and words that end sentences otherwise
    /// ("yes or no.", "the cat sat.", "a sec."): numbers, months, sections, chapters, articles, pages.
    static let beforeANumber = WordSet((["no", "nr"] + months + ["sec", "ch", "chap", "art", "p", "para"]).map(packedAbbreviation))
    static let packedMonths = WordSet(months.map(packedAbbreviation))
    static let weekdays = WordSet(["mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun"].map(packedAbbreviation))

    /// Whether the next word is a month's abbreviation with a capital: "Mon. Jan. 6".
    static func nextIsMonth(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        let k = skipSpaces(buffer, start, end)
        guard k < end, ByteClass.isUpper(buffer[k]) else { return false }
        var wordEnd = k
        while wordEnd < end && ByteClass.isAlpha(buffer[wordEnd]) { wordEnd += 1 }
        return wordEnd < end && buffer[wordEnd] == UInt8(ascii: ".") && packed(buffer, k, wordEnd).map(packedMonths.contains) == true
    }

    static func packedAbbreviation(_ word: String) -> UInt64 {
        let bytes = Array(word.utf8)
        return bytes.withUnsafeBufferPointer { packed($0, 0, bytes.count)! }
    }

    /// A capital letter alone is an initial when it opens the unit or follows a
    /// capitalised word or another initial ("J. Smith", "John F. Kennedy"), not after
    /// a word in lower case ("Use plan B. Tell the user", "A, B, C or D. Do not").
    /// A comma or a dash may stand between ("Gray's Anatomy, B.D. Chaurasia", "OBG —
    /// D.C. Dutta"), after a word longer than a letter: "A, B, C, D. Then" lists letters.
    static func isInitial(_ buffer: UnsafeBufferPointer<UInt8>, at letter: Int, from start: Int) -> Bool {
        var k = letter
        while k > start && ByteClass.isWhitespace(buffer[k - 1]) { k -= 1 }
        if k == start { return true }
        let separator = separatorWidth(buffer, endingAt: k, from: start)
        if separator > 0 {
            k -= separator
            while k > start && ByteClass.isWhitespace(buffer[k - 1]) { k -= 1 }
        }
        var wordStart = k
        while wordStart > start && (ByteClass.isAlpha(buffer[wordStart - 1]) || buffer[wordStart - 1] == UInt8(ascii: ".")) { wordStart -= 1 }
        return wordStart < k && ByteClass.isUpper(buffer[wordStart]) && (separator == 0 || k - wordStart >= 2)
    }

    /// The byte length of a comma, em dash or en dash ending at `end`, else 0.
    static func separatorWidth(_ buffer: UnsafeBufferPointer<UInt8>, endingAt end: Int, from start: Int) -> Int {
        if end - 1 >= start && buffer[end - 1] == UInt8(ascii: ",") { return 1 }
        if end - 3 >= start && buffer[end - 3] == 0xE2 && buffer[end - 2] == 0x80 && (buffer[end - 1] == 0x94 || buffer[end - 1] == 0x93) { return 3 }
        return 0
    }

    /// Whether `start..<end` is two or more capitals each after a dot but the last: "B.D", "J.R.R".
    static func areInitials(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard end - start >= 3, (end - start) % 2 == 1 else { return false }
        for index in start..<end where (index - start) % 2 == 0 ? !ByteClass.isUpper(buffer[index]) : buffer[index] != UInt8(ascii: ".") {
            return false
        }
        return true
    }

    static func nextIsDigit(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        let k = skipSpaces(buffer, start, end)
        return k < end && ByteClass.isDigit(buffer[k])
    }

    /// "am 3. Mai": a German day of the month before its month's name.
    static func isDayBeforeMonth(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, dot: Int, next: Int, _ end: Int) -> Bool {
        guard dot > start, ByteClass.isDigit(buffer[dot - 1]), dot - 2 < start || !ByteClass.isAlpha(buffer[dot - 2]) else { return false }
        var k = next
        while k < end && ByteClass.isSpace(buffer[k]) { k += 1 }
        var wordEnd = k
        while wordEnd < end && !ByteClass.isWhitespace(buffer[wordEnd]) && buffer[wordEnd] != UInt8(ascii: ".") && buffer[wordEnd] != UInt8(ascii: ",") { wordEnd += 1 }
        return germanMonths.contains(String(decoding: UnsafeBufferPointer(rebasing: buffer[k..<wordEnd]), as: UTF8.self))
    }

    /// Whether the dot at `dot` follows the "1" of a list written inline after a
    /// colon: "steps: 1. Read the file. 2. Summarise it." A "2." must follow in the
    /// block (within 400 bytes), so "Max retries: 1. Then stop." is no list.
    static func startsAnInlineList(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, dot: Int, blockEnd: Int) -> Bool {
        guard dot - 2 > start, buffer[dot - 1] == UInt8(ascii: "1"), ByteClass.isSpace(buffer[dot - 2]) else { return false }
        var colon = dot - 2
        while colon > start && ByteClass.isSpace(buffer[colon]) { colon -= 1 }
        guard colon > start, buffer[colon] == UInt8(ascii: ":") else { return false }
        let limit = min(blockEnd, dot + 400)
        var two = dot + 1
        while let found = ByteSearch.first(UInt8(ascii: "2"), in: buffer, from: two, to: limit - 1) {
            if ByteClass.isWhitespace(buffer[found - 1]) && buffer[found + 1] == UInt8(ascii: ".")
                && (found + 2 == blockEnd || ByteClass.isWhitespace(buffer[found + 2])) { return true }
            two = found + 1
        }
        return false
    }

    /// "im 2. Absatz", "ab dem 3. Tag": a number of one or two digits after an
    /// article or preposition is a German ordinal, not the end of a sentence
    /// ("Go to step 2. Then", "Lies Kapitel 3. Danach" still end there).
    static func isGermanOrdinal(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, dot: Int) -> Bool {
        var numberStart = dot
        while numberStart > start && ByteClass.isDigit(buffer[numberStart - 1]) { numberStart -= 1 }
        guard dot - numberStart == 1 || dot - numberStart == 2, numberStart > start, ByteClass.isSpace(buffer[numberStart - 1]) else { return false }
        var wordEnd = numberStart - 1
        while wordEnd > start && ByteClass.isSpace(buffer[wordEnd - 1]) { wordEnd -= 1 }
        var wordStart = wordEnd
        while wordStart > start && ByteClass.isAlpha(buffer[wordStart - 1]) { wordStart -= 1 }
        return isWord(buffer, wordStart..<wordEnd, of: germanOrdinalLeads)
    }

    /// German articles and prepositions an ordinal follows.
    static let germanOrdinalLeads = WordSet(["im", "am", "zum", "zur", "vom", "beim", "ins", "ans", "der", "die", "das", "den", "dem", "des",
                                             "jeden", "jede", "jedes", "jedem", "jeder"].map(Tokenizer.hash))

    /// "z. B.", "d. h.", "e. g.": an abbreviation with a space after each of its
    /// dots, checked at either dot.
    static func isSpacedAbbreviation(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, dot: Int, _ end: Int) -> Bool {
        func isLoneLetter(_ at: Int) -> Bool {
            at >= start && ByteClass.isAlpha(buffer[at]) && (at == start || !ByteClass.isAlpha(buffer[at - 1]))
        }
        guard isLoneLetter(dot - 1) else { return false }
        // The first dot: a letter and its dot follow.
        var next = dot + 1
        while next < end && ByteClass.isSpace(buffer[next]) { next += 1 }
        if next > dot + 1, next + 1 < end, ByteClass.isAlpha(buffer[next]), buffer[next + 1] == UInt8(ascii: "."),
           next + 2 == end || !ByteClass.isAlpha(buffer[next + 2]),
           packedAbbreviations.contains(packedPair(buffer[dot - 1], buffer[next])) {
            return true
        }
        // The second dot: a letter and its dot come before.
        var previous = dot - 2
        while previous >= start && ByteClass.isSpace(buffer[previous]) { previous -= 1 }
        return previous < dot - 2 && previous > start && buffer[previous] == UInt8(ascii: ".") && isLoneLetter(previous - 1)
            && packedAbbreviations.contains(packedPair(buffer[previous - 1], buffer[dot - 1]))
    }

    /// Two letters as the abbreviation "x.y" packed as in `packed(_:_:_:)`.
    static func packedPair(_ first: UInt8, _ second: UInt8) -> UInt64 {
        UInt64(ByteClass.lower(second)) << 16 | UInt64(UInt8(ascii: ".")) << 8 | UInt64(ByteClass.lower(first))
    }

    static let germanMonths: Set<String> = ["Januar", "Jänner", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
                                            "September", "Oktober", "November", "Dezember"]

    /// The quotations open at a point of a unit, read once from the unit's start
    /// as its stops come (rescanning from the start at each stop was quadratic).
    /// Straight quotes pair up by count; curly ones and corner brackets (“” 「」 『』)
    /// by kind.
    struct OpenQuotations {
        var unitStart = -1
        var readUpTo = -1
        var straightIsOpen = false
        var pairedDepth = 0

        /// Reads the unit's bytes up to `end`, from where the last read stopped.
        mutating func read(_ buffer: UnsafeBufferPointer<UInt8>, unitStart: Int, to end: Int) {
            if unitStart != self.unitStart { self = OpenQuotations(unitStart: unitStart, readUpTo: unitStart) }
            var p = readUpTo
            while p < end {
                // Only `"` and the lead bytes of curly quotes and corner brackets count: plain
                // ASCII without `"` is passed eight bytes at a time, and the next eight byte by byte.
                p = ASCIIRun.end(buffer, from: p, to: end, without: 0x22)
                let stop = min(end, p + 8)
                while p < stop {
                    if buffer[p] == 0x22 {
                        // An inch mark (the 27" monitor) opens nothing; after a digit a mark only closes.
                        if straightIsOpen || p == unitStart || !ByteClass.isDigit(buffer[p - 1]) { straightIsOpen.toggle() }
                    } else if p + 2 < end, let opens = Self.opensOrCloses(buffer, p) {
                        pairedDepth = opens ? pairedDepth + 1 : max(0, pairedDepth - 1)
                    }
                    p += 1
                }
            }
            readUpTo = max(readUpTo, end)
        }

        /// Whether a quotation open where reading stopped closes later on its line
        /// (within 200 bytes): `Reply "Sorry. I can't help." and stop.` is one
        /// instruction. A straight mark that opens a word (`Say "hi"`) opens the
        /// next quotation: a stray mark before it closed nothing.
        func closesLater(_ buffer: UnsafeBufferPointer<UInt8>, from k: Int, lineEnd end: Int) -> Bool {
            let limit = min(end, k + 200)
            if straightIsOpen, let mark = ByteSearch.first(0x22, in: buffer, from: k, to: limit) {
                let opensAWord = ByteClass.isWhitespace(buffer[mark - 1]) && mark + 1 < end && (ByteClass.isAlnum(buffer[mark + 1]) || buffer[mark + 1] >= 0x80)
                if !opensAWord { return true }
            }
            if pairedDepth > 0 {
                var q = k
                while q + 2 < limit {
                    if Self.opensOrCloses(buffer, q) == false { return true }
                    q += 1
                }
            }
            return false
        }

        /// True at “ 「 『, false at ” 」 』, nil elsewhere (three bytes must follow `p`).
        @inline(__always)
        static func opensOrCloses(_ buffer: UnsafeBufferPointer<UInt8>, _ p: Int) -> Bool? {
            if buffer[p] == 0xE2 && buffer[p + 1] == 0x80 {
                if buffer[p + 2] == 0x9C { return true }
                if buffer[p + 2] == 0x9D { return false }
            } else if buffer[p] == 0xE3 && buffer[p + 1] == 0x80 {
                if buffer[p + 2] == 0x8C || buffer[p + 2] == 0x8E { return true }
                if buffer[p + 2] == 0x8D || buffer[p + 2] == 0x8F { return false }
            }
            return nil
        }
    }

    /// Whether the abbreviation whose dot is at `dot` leaves its sentence open at
    /// the end of a line ("Dr.", "e.g."): a word, not an initial, and not one that
    /// often ends a sentence ("etc."), nor one that follows a name ("Baker St.",
    /// "John Smith Jr."; before a name, "the St. / Lawrence", it holds it).
    /// `unitStart` is where the sentence starts.
    static func holdsItsSentence(_ buffer: UnsafeBufferPointer<UInt8>, dot: Int, from unitStart: Int) -> Bool {
        let start = abbreviationStart(buffer, dot: dot)
        guard dot - start > 1, let key = packed(buffer, start, dot) else { return false }
        if afterNameAbbreviations.contains(key) { return !followsAName(buffer, at: start, from: unitStart) }
        return packedAbbreviations.contains(key) && !sentenceFinalAbbreviations.contains(key)
            && !beforeANumber.contains(key) && !weekdays.contains(key)
    }

    /// Abbreviations that end a name ("Baker St.", "John Smith Jr.", "Robert Smith Sr.")
    /// but also stand before one as a title ("St. Lawrence", Spanish "Sr. García").
    static let afterNameAbbreviations = WordSet(["st", "jr", "sr"].map(packedAbbreviation))

    /// Whether the word before `start` (after spaces) is a name or a number: it starts
    /// with a capital or a digit and is not the sentence's first word ("Visit St." may
    /// be a title). "the St.", "el Sr." are titles.
    static func followsAName(_ buffer: UnsafeBufferPointer<UInt8>, at start: Int, from unitStart: Int) -> Bool {
        var wordEnd = start
        while wordEnd > unitStart && ByteClass.isWhitespace(buffer[wordEnd - 1]) { wordEnd -= 1 }
        guard wordEnd < start else { return false }
        var wordStart = wordEnd
        while wordStart > unitStart && (ByteClass.isAlnum(buffer[wordStart - 1]) || buffer[wordStart - 1] >= 0x80) { wordStart -= 1 }
        guard wordStart < wordEnd, wordStart > unitStart else { return false }
        return ByteClass.isUpper(buffer[wordStart]) || ByteClass.isDigit(buffer[wordStart])
    }

    /// Whether a spaced abbreviation whose second dot is at `dot` ("z. B.", "d. h.")
    /// leaves its sentence open at the end of a line, as its unspaced form does.
    static func spacedAbbreviationHoldsItsSentence(_ buffer: UnsafeBufferPointer<UInt8>, dot: Int) -> Bool {
        var previous = dot - 2
        while previous > 0 && ByteClass.isSpace(buffer[previous]) { previous -= 1 }
        guard previous > 0, buffer[previous] == UInt8(ascii: ".") else { return false }
        return !sentenceFinalAbbreviations.contains(packedPair(buffer[previous - 1], buffer[dot - 1]))
    }

    /// Abbreviations that often end a sentence: "etc.", "Acme Inc.", "5 p.m.".
    static let sentenceFinalAbbreviations = WordSet(["etc", "inc", "ltd", "corp", "co", "llc", "a.m", "p.m"].map(packedAbbreviation))

    /// One of `sentenceFinalAbbreviations` ends the sentence when a capitalised word follows it.
    static func endsWithAnAbbreviation(_ buffer: UnsafeBufferPointer<UInt8>, _ dot: Int, _ after: Int, _ end: Int) -> Bool {
        guard let key = packed(buffer, abbreviationStart(buffer, dot: dot), dot), sentenceFinalAbbreviations.contains(key) else { return false }
        let k = skipSpaces(buffer, after, end)
        return k < end && ByteClass.isUpper(buffer[k])
    }

    /// Where the letters and dots before the dot at `dot` begin ("e.g" in "e.g."), not before `bound`.
    static func abbreviationStart(_ buffer: UnsafeBufferPointer<UInt8>, dot: Int, from bound: Int = 0) -> Int {
        var start = dot
        while start > bound && (ByteClass.isAlpha(buffer[start - 1]) || buffer[start - 1] == UInt8(ascii: ".")) { start -= 1 }
        return start
    }

    /// In any script: "std. éclair", Russian "т. е. в".
    static func nextWordIsLower(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        let k = skipSpaces(buffer, start, end)
        return k < end && startsInLowerCase(buffer, k..<end)
    }
}
