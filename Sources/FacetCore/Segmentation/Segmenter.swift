import Yams

/// Splits a system message into units and structure, in one pass over lines
/// after a pre-pass that finds code fences, comments, tags and variables.
/// Never fails: anything it cannot make sense of becomes plain prose.
public enum Segmenter {
    public static func segment(_ source: SourceText) -> Document {
        var document = Document(source: source)
        source.bytes.withUnsafeBufferPointer { buffer in
            var state = SegmenterState(buffer: buffer, lines: source.lines, contentStart: source.textStart)
            state.run()
            document.units = state.units
            document.sections = state.sections
            document.strayClosingTags = state.strayCloses
            document.crossedSections = state.crossings
            document.codeBlocks = state.codeBlocks
            document.quotedPrompts = state.quotedPrompts
            document.quotes = state.quotes
            document.comments = state.comments
            document.variables = state.variables
            document.statementNames = state.statementNames
            document.frontMatter = state.frontMatter
        }
        return document
    }
}

/// A tag found by the pre-pass, and what it turned out to be.
struct TagToken {
    enum Role { case sectionOpen, sectionClose, inline, variable, unclosedOpen, strayClose }
    var name: String
    /// The name in lower case: tags pair whatever the case of their names, as in HTML.
    var key: String
    var range: Range<Int>
    var isClose: Bool
    var hasAttributes: Bool
    var atLineStart: Bool
    var restOfLineBlank: Bool
    var role: Role = .inline
    var partner: Int?
    /// Where the closing tag of a section opened here starts.
    var closeStart: Int?
    /// For `<name_end>` and `</name_end>`: the key of the `<name_start>` (or `<name_begin>`)
    /// sections they close when one is open; otherwise they pair by their own name.
    var endsMarker: String?
}

struct SegmenterState {
    let buffer: UnsafeBufferPointer<UInt8>
    let lines: LineIndex
    var units: [Unit] = []
    var sections: [Section] = []
    var strayCloses: [Section] = []
    var crossings: [SectionCrossing] = []
    var codeBlocks: [Range<Int>] = []
    var quotedPrompts: [Range<Int>] = []
    var quotes: [Range<Int>] = []
    var comments: [Comment] = []
    var variables: [TemplateVariable] = []
    var statementNames = TemplateStatementNames()
    var frontMatter: FrontMatter?

    /// Byte ranges the prose scanner must not look into (front matter, code, comments).
    var opaque: [Range<Int>] = []
    /// Spans a sentence never breaks inside (variables, inline code, URLs), sorted.
    var protected: [Range<Int>] = []
    /// Structural tags by start offset.
    var boundaryTags: [Int: TagToken] = [:]
    /// Fence lines of prose fences: structure, like a blank line.
    var transparentFenceLines: Set<Int> = []
    /// `opaque` as the line pass walks it.
    var lineCursor = OpaqueCursor([])
    /// `codeBlocks` (in order, as found) walked alongside: which opaque regions are code.
    /// Searching the whole list per region made thousands of fences quadratic.
    var codeBlockCursor = OpaqueCursor([])

    // Line-pass state.
    /// Names of the open XML-style sections, outermost first (at most
    /// `maximumSectionDepth`). Every unit records
    /// them, sharing this one array; kept up to date tag by tag, as rebuilding it
    /// at each tag made thousands of nested tags take seconds.
    private(set) var currentSections: [EnclosingSection] = []
    /// The most nested sections a unit records, as many as the outline shows.
    static let maximumSectionDepth = 32
    /// Where each of `currentSections` is closed; nil for one never closed.
    private var currentSectionCloses: [Int?] = []
    /// How many open sections are examples: units inside any of them are examples.
    private var openExampleSections = 0
    var inExample: Bool { openExampleSections > 0 }
    /// The headings the next unit sits under, outermost first (levels rising
    /// within each section or quoted prompt). Each records where it was opened: the innermost open
    /// section (by its start; past `maximumSectionDepth`, the deepest one kept)
    /// and the quoted prompt, if any. A heading ends with that section or
    /// prompt: left open, one heading in an example made the rest of the file
    /// an example. Headings opened before a section still apply after it.
    var headingStack: [(level: Int, unit: Int, section: Int?, quotedPrompt: Int?)] = []
    /// The quoted prompt the line pass is in (its number, counting from 0); nil outside one.
    var currentQuotedPrompt: Int?
    var quotedPromptsEntered = 0
    var blockCounter = 0
    var pendingLeadIn: Int?
    var paragraph: [Range<Int>] = []
    /// The sentences `flushAll` splits a paragraph or list item into, kept from one to the next.
    var pieces: [Range<Int>] = []
    /// The next block (paragraph, list item or table) is a user's or
    /// assistant's turn of a written-out dialogue, so its units are examples.
    /// "User: …" opens its own block; a label alone on its line ("USER") opens
    /// the blocks after it up to the next label, or only the next block when
    /// no label follows (the last turn does not swallow the instructions after
    /// it). Structure (a heading, a rule, a tag, a quoted prompt's fence) ends
    /// the turn.
    var inTurn = false
    var turnSpansBlocks = false
    /// Where the last line of prose that starts with a speaker label starts; nil when none does.
    var lastSpeakerLabel: Int?
    /// The rows of a table in a turn are its block: the turn ends with the table.
    var tableInTurn = false
    /// Both a user and an assistant speak somewhere: "User: …" lines are then a dialogue.
    var hasDialogue = false
    var listItem: (content: [Range<Int>], indent: Int)?

    /// Where the text starts (`SourceText.textStart`: after a byte order mark).
    let contentStart: Int

    init(buffer: UnsafeBufferPointer<UInt8>, lines: LineIndex, contentStart: Int) {
        self.buffer = buffer
        self.lines = lines
        self.contentStart = contentStart
    }

    mutating func run() {
        let bodyStart = parseFrontMatter()
        findOpaqueRegions(from: bodyStart)
        findTags(from: bodyStart)
        findVariablesAndProtectedSpans(from: bodyStart)
        findSpeakerLines(from: bodyStart)
        linePass(from: bodyStart)
    }

    // MARK: Helpers

    func lineEnd(_ line: Int) -> Int { lines.lineContentEnd(line) }
    /// Where a line's text starts: after the byte order mark some editors put
    /// at the start of a file, which is no part of its first line's text.
    func lineStart(_ line: Int) -> Int { line == 0 ? contentStart : lines.lineStarts[line] }

    func trimmed(_ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper && ByteClass.isWhitespace(buffer[lower]) { lower += 1 }
        while upper > lower && ByteClass.isWhitespace(buffer[upper - 1]) { upper -= 1 }
        return lower..<upper
    }

    /// Whether `range` holds only white space. Read forwards only, up to the first
    /// other byte: trimming from the end too, per tag, read a long run of trailing
    /// spaces once per tag before it.
    func isBlank(_ range: Range<Int>) -> Bool {
        var i = range.lowerBound
        while i < range.upperBound && ByteClass.isWhitespace(buffer[i]) { i += 1 }
        return i == range.upperBound
    }

    func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: buffer[range]), as: UTF8.self)
    }

    func hasPrefix(_ prefix: [UInt8], at offset: Int, limit: Int? = nil) -> Bool {
        let limit = limit ?? buffer.count
        guard offset + prefix.count <= limit else { return false }
        for (k, b) in prefix.enumerated() where buffer[offset + k] != b { return false }
        return true
    }

    /// `hasPrefix` and `find` for a literal, read in place: these run per byte
    /// or per line, where building an array from a string each time showed up.
    func hasPrefix(_ literal: StaticString, at offset: Int, limit: Int? = nil) -> Bool {
        literal.withUTF8Buffer { prefix in
            let limit = limit ?? buffer.count
            guard offset + prefix.count <= limit else { return false }
            for k in 0..<prefix.count where buffer[offset + k] != prefix[k] { return false }
            return true
        }
    }

    func find(_ literal: StaticString, from: Int, to: Int) -> Int? {
        let count = literal.utf8CodeUnitCount
        guard count > 0, to - from >= count else { return nil }
        let first = literal.utf8Start.pointee
        var i = next(first, from: from, to: to - count + 1)
        while i + count <= to {
            if hasPrefix(literal, at: i) { return i }
            i = next(first, from: i + 1, to: to - count + 1)
        }
        return nil
    }

    func find(_ needle: [UInt8], from: Int, to: Int) -> Int? {
        guard !needle.isEmpty, to - from >= needle.count else { return nil }
        let first = needle[0]
        var i = next(first, from: from, to: to - needle.count + 1)
        while i + needle.count <= to {
            if hasPrefix(needle, at: i) { return i }
            i = next(first, from: i + 1, to: to - needle.count + 1)
        }
        return nil
    }

    /// Walks `opaque` (sorted, never overlapping) along with a scan whose offset
    /// never goes back, so each byte's test is O(1): a binary search per byte
    /// was a sixth of segmentation.
    struct OpaqueCursor {
        let regions: [Range<Int>]
        var index = 0

        init(_ regions: [Range<Int>]) { self.regions = regions }

        /// The region holding `offset`, if any; offsets must not decrease from call to call.
        @inline(__always)
        mutating func region(at offset: Int) -> Range<Int>? {
            while index < regions.count && regions[index].upperBound <= offset { index += 1 }
            return index < regions.count && regions[index].lowerBound <= offset ? regions[index] : nil
        }

        /// Where the next region starts, after `region(at:)` found none at an offset.
        var nextStart: Int { index < regions.count ? regions[index].lowerBound : Int.max }
    }

    /// The first offset in `start..<limit` whose byte is in `stops`, or `limit`:
    /// the pre-pass scans skip plain text with it rather than running their
    /// whole loop body per byte.
    @inline(__always)
    func skip(from start: Int, to limit: Int, until stops: ByteSet) -> Int {
        stops.first(in: buffer, from: start, to: limit)
    }

    /// The first offset in `start..<limit` holding `byte`, or `limit` (`start`
    /// when that is past it): the line pass and `find` run this over most of the text.
    @inline(__always)
    func next(_ byte: UInt8, from start: Int, to limit: Int) -> Int {
        ByteSearch.first(byte, in: buffer, from: start, to: limit) ?? max(start, limit)
    }

    /// Bytes the tag scan acts on; it skips the rest.
    static let tagScanStops = ByteSet([0x0A, 0x0D, UInt8(ascii: "`"), UInt8(ascii: "<")])
    /// Bytes the variable and protected-span scan acts on.
    static let variableScanStops = ByteSet([UInt8(ascii: "`"), UInt8(ascii: "{"), UInt8(ascii: "$"), UInt8(ascii: "h"), UInt8(ascii: "w")])

    // MARK: Front matter

    mutating func parseFrontMatter() -> Int {
        let start = contentStart
        guard lines.lineCount > 1, hasPrefix("---", at: start),
              trimmed(start + 3..<lineEnd(0)).isEmpty
        else { return contentStart }
        for line in 1..<lines.lineCount {
            let content = trimmed(lineStart(line)..<lineEnd(line))
            let text = string(content)
            if text == "---" || text == "..." {
                let bodyRange = lineStart(1)..<lineStart(line)
                // "---" rules around prose ("---\nYou are a support agent.\n---") are no front matter.
                guard startsWithAKey(1..<line) else { return contentStart }
                let end = line + 1 < lines.lineCount ? lineStart(line + 1) : buffer.count
                frontMatter = FrontMatterParser.parse(yaml: string(bodyRange), bodyOffset: bodyRange.lowerBound,
                                                      range: 0..<end, lines: lines)
                opaque.append(0..<end)
                return end
            }
        }
        return contentStart
    }

    /// Whether the block's first line with content (comments aside) is a YAML key
    /// ("variables:", "name: Nova", "\"title\": x"), or the block is empty. A
    /// key is one word: "You are an agent: you help" is prose.
    func startsWithAKey(_ blockLines: Range<Int>) -> Bool {
        for line in blockLines {
            let content = trimmed(lineStart(line)..<lineEnd(line))
            guard !content.isEmpty, buffer[content.lowerBound] != UInt8(ascii: "#") else { continue }
            var i = content.lowerBound
            if buffer[i] == UInt8(ascii: "\"") || buffer[i] == UInt8(ascii: "'") {
                let quote = buffer[i]
                i += 1
                while i < content.upperBound && buffer[i] != quote { i += 1 }
                i += 1
            } else {
                guard ByteClass.isIdentStart(buffer[i]) else { return false }
                while i < content.upperBound && (ByteClass.isIdent(buffer[i]) || buffer[i] == UInt8(ascii: "-") || buffer[i] == UInt8(ascii: ".")) { i += 1 }
            }
            while i < content.upperBound && buffer[i] == UInt8(ascii: " ") { i += 1 }
            return i < content.upperBound && buffer[i] == UInt8(ascii: ":")
                && (i + 1 == content.upperBound || ByteClass.isSpace(buffer[i + 1]))
        }
        return true
    }

    // MARK: Code fences and comments

    /// Records fenced code blocks and HTML comments, which the prose scanner skips.
    mutating func findOpaqueRegions(from bodyStart: Int) {
        var line = lines.line(containing: bodyStart)
        if bodyStart == 0 { line = 0 }
        var fence: (char: UInt8, count: Int, start: Int, line: Int, info: String, holdsExample: Bool, margin: Int)?
        var exampleFenceEnd: Int?  // the closing line of the last fence that held an example
        // Where the text of each list item open here starts, outermost first: a fence in
        // an item is indented from there ("1. Call it:\n    ```python" is a fence, not prose).
        var listContentColumns: [Int] = []
        var previousLineBlank = true
        while line < lines.lineCount {
            let start = lineStart(line)
            let end = lineEnd(line)
            if start < bodyStart { line += 1; continue }
            var i = start
            var indent = 0
            while i < end && ByteClass.isSpace(buffer[i]) { i += 1; indent += 1 }
            // A list item indented with Unicode spaces is one too (as in the line pass); they indent nothing else.
            if fence == nil, i < end, ByteClass.wideSpaceLength(buffer, i, end) > 0 {
                let after = afterUnicodeIndent(i..<end)
                if after.start < end, !isThematicBreak(trimmed(after.start..<end)), listMarker(after.start..<end) != nil {
                    i = after.start
                    indent += after.columns
                }
            }
            if let open = fence {
                let run = fenceRun(at: i, to: end)
                // Indented four or more past its opening's margin, a fence line is code.
                if let run, run.char == open.char, run.count >= open.count, indent - open.margin <= 3, trimmed(run.end..<end).isEmpty {
                    let blockEnd = line + 1 < lines.lineCount ? lineStart(line + 1) : buffer.count
                    let contentRange = (open.line + 1 < lines.lineCount ? lineStart(open.line + 1) : blockEnd)..<lineStart(line)
                    if !open.holdsExample && isProseFence(info: open.info, content: contentRange) {
                        // Prompt collections wrap whole prompts in ```markdown fences: read them as prose.
                        transparentFenceLines.insert(open.line)
                        transparentFenceLines.insert(line)
                        quotedPrompts.append(contentRange)
                        addEscapedSamples(in: contentRange)
                        findComments(in: contentRange)
                    } else {
                        codeBlocks.append(open.start..<blockEnd)
                        opaque.append(open.start..<blockEnd)
                    }
                    if open.holdsExample { exampleFenceEnd = line }
                    fence = nil
                    previousLineBlank = false
                }
                line += 1
                continue
            }
            if i == end {
                previousLineBlank = true
                line += 1
                continue
            }
            let marker = isThematicBreak(trimmed(i..<end)) ? nil : listMarker(i..<end)
            let opensFence = buffer[i] == UInt8(ascii: "`") || buffer[i] == UInt8(ascii: "~") || hasPrefix("\\`", at: i, limit: end)
            // A line indented less than an item's text ends the item, unless it continues
            // the item's paragraph (a wrapped line need not be indented).
            if let innermost = listContentColumns.last, indent < innermost,
               marker != nil || opensFence || previousLineBlank || buffer[i] == UInt8(ascii: "#") {
                while let last = listContentColumns.last, last > indent { listContentColumns.removeLast() }
            }
            previousLineBlank = false
            let margin = listContentColumns.last ?? 0
            if opensFence && indent >= margin && indent - margin <= 3, let run = fenceRun(at: i, to: end) {
                let info = string(trimmed(run.end..<end)).lowercased()
                let holdsExample = Self.plainInfo.contains(info)
                    && (followsExampleLeadIn(line, bodyStart: bodyStart) || continuesExamples(line, after: exampleFenceEnd))
                fence = (run.char, run.count, start, line, info, holdsExample, margin)
                line += 1
                continue
            }
            if let marker {
                listContentColumns.append(indent + marker.contentOffset)
            }
            line = findComments(line: line, from: i, limit: buffer.count) + 1
        }
        if let open = fence {  // an unclosed fence runs to the end
            let contentStart = open.line + 1 < lines.lineCount ? lineStart(open.line + 1) : buffer.count
            if !open.holdsExample && isProseFence(info: open.info, content: contentStart..<buffer.count) {
                transparentFenceLines.insert(open.line)
                quotedPrompts.append(contentStart..<buffer.count)
                addEscapedSamples(in: contentStart..<buffer.count)
                findComments(in: contentStart..<buffer.count)
            } else {
                codeBlocks.append(open.start..<buffer.count)
                opaque.append(open.start..<buffer.count)
            }
        }
        opaque.sort { $0.lowerBound < $1.lowerBound }
    }

    /// Records the comments on `line` from `start` on. Comments may start anywhere
    /// on the line and run over several lines (up to `limit`); the line a comment
    /// ends on is scanned on from its end. Returns the last line scanned.
    @discardableResult
    mutating func findComments(line: Int, from start: Int, limit: Int) -> Int {
        var k = start
        var scanEnd = min(lineEnd(line), limit)
        var scanLine = line
        while let open = findCommentOpen(from: k, to: scanEnd) {
            let close = find("-->", from: open + 4, to: limit)
            let commentEnd = close.map { $0 + 3 } ?? limit
            let body = close.map { string(open + 4..<$0) } ?? string(open + 4..<limit)
            comments.append(Comment(range: open..<commentEnd, body: body.trimmingWhitespace()))
            opaque.append(open..<commentEnd)
            if commentEnd > scanEnd {
                scanLine = lines.line(containing: commentEnd)
                scanEnd = min(lineEnd(scanLine), limit)
            }
            k = commentEnd
        }
        return scanLine
    }

    /// The comments of a quoted prompt, whose lines the fence scan stepped over: there
    /// too a `facet-disable` comment silences, and is no sentence of the prompt.
    mutating func findComments(in range: Range<Int>) {
        var line = lines.line(containing: range.lowerBound)
        while line < lines.lineCount && lineStart(line) < range.upperBound {
            line = findComments(line: line, from: lineStart(line), limit: range.upperBound) + 1
        }
    }

    /// A run of three or more fence characters at `i`: backticks, tildes, or
    /// backticks escaped with backslashes (\`\`\`, as prompts pasted from a
    /// JSON string or a Markdown source write a fence). `char` is the backslash
    /// for an escaped run, so it is closed only by another.
    func fenceRun(at i: Int, to end: Int) -> (char: UInt8, count: Int, end: Int)? {
        guard i < end else { return nil }
        let char = buffer[i]
        var j = i
        if char == UInt8(ascii: "\\") {
            while j + 1 < end && buffer[j] == char && buffer[j + 1] == UInt8(ascii: "`") { j += 2 }
            return j - i >= 6 ? (char, (j - i) / 2, j) : nil
        }
        guard char == UInt8(ascii: "`") || char == UInt8(ascii: "~") else { return nil }
        while j < end && buffer[j] == char { j += 1 }
        return j - i >= 3 ? (char, j - i, j) : nil
    }

    /// The code samples of a quoted prompt fenced with escaped backticks, which
    /// cannot close its own fence: code, as they are outside one.
    mutating func addEscapedSamples(in content: Range<Int>) {
        var open: Int?
        var line = lines.line(containing: content.lowerBound)
        while line < lines.lineCount && lineStart(line) < content.upperBound {
            let text = trimmed(lineStart(line)..<lineEnd(line))
            if !text.isEmpty, buffer[text.lowerBound] == UInt8(ascii: "\\"), fenceRun(at: text.lowerBound, to: text.upperBound) != nil {
                if let start = open {
                    let blockEnd = min(line + 1 < lines.lineCount ? lineStart(line + 1) : buffer.count, content.upperBound)
                    codeBlocks.append(start..<blockEnd)
                    opaque.append(start..<blockEnd)
                    open = nil
                } else {
                    open = text.lowerBound
                }
            }
            line += 1
        }
    }

    /// Where the first `<!--` outside inline code starts in `start..<end`: "`<!--`" names
    /// the syntax, and reading it as a comment hid the rest of the file. A code span
    /// closes with a run of as many backticks as opened it; an unclosed run is text.
    func findCommentOpen(from start: Int, to end: Int) -> Int? {
        var i = start
        // Most lines hold no "<!--": their backticks are never looked at.
        while let open = find("<!--", from: i, to: end) {
            if let codeEnd = endOfCodeSpan(around: open, from: i, to: end) {
                i = codeEnd
            } else if let quotedEnd = endOfQuotedComment(open, to: end) {
                i = quotedEnd
            } else {
                return open
            }
        }
        return nil
    }

    /// Where a comment between quotation marks ends, if the one at `open` is: a sentence
    /// that names it ("Do not leave comments like "<!-- more items -->"") is talking about it.
    func endOfQuotedComment(_ open: Int, to end: Int) -> Int? {
        let opensQuote = open >= 1 && (buffer[open - 1] == UInt8(ascii: "\"") || buffer[open - 1] == UInt8(ascii: "'"))
            || open >= 3 && buffer[open - 3] == 0xE2 && buffer[open - 2] == 0x80 && (buffer[open - 1] == 0x9C || buffer[open - 1] == 0x98)
        guard opensQuote, let close = find("-->", from: open + 4, to: end) else { return nil }
        let after = close + 3
        let closesQuote = after < end && (buffer[after] == UInt8(ascii: "\"") || buffer[after] == UInt8(ascii: "'"))
            || after + 2 < end && buffer[after] == 0xE2 && buffer[after + 1] == 0x80 && (buffer[after + 2] == 0x9D || buffer[after + 2] == 0x99)
        return closesQuote ? after : nil
    }

    /// The end of the inline code span in `start..<end` that holds `offset`, if one does.
    func endOfCodeSpan(around offset: Int, from start: Int, to end: Int) -> Int? {
        var i = start
        while true {
            i = next(UInt8(ascii: "`"), from: i, to: offset)
            guard i < offset else { return nil }
            let runStart = i
            while buffer[i] == UInt8(ascii: "`") { i += 1 }
            guard let close = closingBacktickRun(length: i - runStart, from: i, to: end) else { continue }
            if close - (i - runStart) > offset { return close }
            i = close
        }
    }

    /// The end of the first run of exactly `length` backticks in `start..<end`.
    func closingBacktickRun(length: Int, from start: Int, to end: Int) -> Int? {
        var i = start
        while i < end {
            i = next(UInt8(ascii: "`"), from: i, to: end)
            guard i < end else { return nil }
            let runStart = i
            while i < end && buffer[i] == UInt8(ascii: "`") { i += 1 }
            if i - runStart == length { return i }
        }
        return nil
    }

    /// Info strings that say nothing of what a fence holds.
    static let plainInfo: Set<String> = ["", "text", "txt", "plain", "plaintext"]

    /// Whether the last line with text before `line` announces an example ("For example:",
    /// "Example output:", "### Example 2", "Two samples:", "**Example**"): a plain fence after it holds the
    /// example, which reads like prose but is no instruction, so it is code, not a quoted prompt.
    func followsExampleLeadIn(_ line: Int, bodyStart: Int) -> Bool {
        var previous = line - 1
        while previous >= 0 && lineStart(previous) >= bodyStart {
            let text = trimmed(lineStart(previous)..<lineEnd(previous))
            if text.isEmpty { previous -= 1; continue }
            // It introduces what follows: a heading, a line ending in ":", one that starts
            // with the word ("Example 2"), or ends with it ("Here are two samples.").
            var end = text.upperBound
            while end > text.lowerBound && (buffer[end - 1] == UInt8(ascii: "*") || buffer[end - 1] == UInt8(ascii: "_")) { end -= 1 }
            var first = text.lowerBound
            while first < end && !ByteClass.isAlpha(buffer[first]) && buffer[first] != UInt8(ascii: "#") { first += 1 }
            var firstEnd = first
            while firstEnd < end && ByteClass.isAlpha(buffer[firstEnd]) { firstEnd += 1 }
            let introduces = buffer[text.lowerBound] == UInt8(ascii: "#") || end > text.lowerBound && buffer[end - 1] == UInt8(ascii: ":")
                || Self.exampleWords.contains(string(first..<firstEnd).lowercased())
            let words = lowercasedWords(text)
            // A prompt announced ("the system prompt we use, with examples of tone") is quoted, not an example.
            if words.contains("prompt") || words.contains("prompts") { return false }
            // Else the example word anywhere in a line that introduces, or among the last two words.
            return words.enumerated().contains { index, word in
                Self.exampleWords.contains(word) && (introduces || index >= words.count - 2)
            }
        }
        return false
    }

    static let exampleWords: Set<String> = ["example", "examples", "sample", "samples"]

    /// Whether a plain fence at `line` comes right after one that held an example, or after
    /// one short line that follows it ("Or:", "A shorter reply:"): the lead-in announced the
    /// fences one after another, not only the first. A longer line is prose, a heading starts
    /// another part, and a line that names a prompt ("The new prompt:", "System message:",
    /// "System:", "Instructions:") announces a quoted prompt.
    func continuesExamples(_ line: Int, after fenceEnd: Int?) -> Bool {
        guard let fenceEnd else { return false }
        var between: Range<Int>?
        for previous in fenceEnd + 1..<line {
            let text = trimmed(lineStart(previous)..<lineEnd(previous))
            if text.isEmpty { continue }
            if between != nil { return false }
            between = text
        }
        guard let between else { return true }
        if buffer[between.lowerBound] == UInt8(ascii: "#") { return false }
        let words = lowercasedWords(between)
        let namesAPrompt = words == ["system"] || words.contains { Self.promptWords.contains($0) }
            || zip(words, words.dropFirst()).contains { $0 == "system" && ($1 == "message" || $1 == "messages") }
        return words.count <= 4 && !namesAPrompt
    }

    /// Words of a line that announces the text of a prompt, not one more example.
    static let promptWords: Set<String> = ["prompt", "prompts", "instructions"]

    /// The words of a range, letters only, in lower case.
    func lowercasedWords(_ range: Range<Int>) -> [String] {
        var words: [String] = []
        var i = range.lowerBound
        while i < range.upperBound {
            let wordStart = i
            while i < range.upperBound && ByteClass.isAlpha(buffer[i]) { i += 1 }
            if i > wordStart { words.append(string(wordStart..<i).lowercased()) }
            i = max(i, wordStart + 1)
        }
        return words
    }

    /// A fenced block that holds prose (a prompt quoted in Markdown), not code:
    /// its info string is empty or a prose language, and its text has few code
    /// symbols. In a block declared Markdown, the prompt's own code samples
    /// (lines indented four more than the text, or fenced with escaped
    /// backticks) are not counted: a custom GPT's instructions quoted with a
    /// `print(1)` sample were read as code, and the whole prompt went unchecked.
    /// (In an unmarked block, indented lines are as likely nested JSON.)
    func isProseFence(info: String, content: Range<Int>) -> Bool {
        guard Self.proseLanguages.contains(info), content.count >= 40 else { return false }
        let skipsSamples = ["markdown", "md", "prompt"].contains(info)
        // Lines end at LF, CR or CRLF, so the same text decides the same way with any line breaks.
        var lineRanges: [Range<Int>] = []
        var lineStart = content.lowerBound
        for i in content where buffer[i] == 0x0A || buffer[i] == 0x0D && !(i + 1 < content.upperBound && buffer[i + 1] == 0x0A) {
            lineRanges.append(lineStart..<i)
            lineStart = i + 1
        }
        if lineStart < content.upperBound { lineRanges.append(lineStart..<content.upperBound) }
        func indentation(_ line: Range<Int>) -> Int? {
            var width = 0
            for i in line {
                switch buffer[i] {
                case UInt8(ascii: " "): width += 1
                case 0x09: width += 4
                case 0x0D: return nil
                default: return width
                }
            }
            return nil  // blank
        }
        let textIndentation = lineRanges.compactMap(indentation).min() ?? 0
        var symbols = 0
        var letters = 0
        var length = 0  // without the CR of CRLF breaks: the same text decides the same way with any line breaks
        var inSample = false
        for line in lineRanges {
            let indent = indentation(line)
            let first = line.lowerBound + min(indent ?? 0, line.count)
            if skipsSamples {
                if hasPrefix("```", at: first) || hasPrefix("\\`\\`\\`", at: first) || hasPrefix("~~~", at: first) {
                    inSample.toggle()
                    continue
                }
                if inSample || (indent ?? 0) >= textIndentation + 4 { continue }
            }
            length += 1  // the line break
            length += line.count - (line.last.map { buffer[$0] == 0x0D } == true ? 1 : 0)  // not the CR of a CRLF
            // Counted by a table of each byte's kind, not a chain of tests per byte.
            Self.fenceByteKinds.withUnsafeBufferPointer { kinds in
                for i in line {
                    let kind = kinds[Int(buffer[i])]
                    symbols += Int(kind & 1)
                    letters += Int(kind >> 1)
                }
            }
        }
        return length >= 40 && symbols * 50 < length && letters * 2 > length
    }

    /// Info strings of a fence that may hold prose: a plain one, Markdown or a prompt.
    static let proseLanguages = plainInfo.union(["markdown", "md", "prompt"])

    /// Per byte, what `isProseFence` counts it as: 1 a code symbol (`{ } ; = ( )`),
    /// 2 a letter (ASCII, or any byte of a non-ASCII character), 0 neither.
    static let fenceByteKinds: [UInt8] = (0...255).map { (b: Int) -> UInt8 in
        let byte = UInt8(b)
        if "{};=()".utf8.contains(byte) { return 1 }
        return ByteClass.isAlpha(byte) || byte >= 0x80 ? 2 : 0
    }

    // MARK: Tags

    /// Finds `<name>` and `</name>` tags, pairs them, and decides which are
    /// section boundaries, which are inline markup and which are variables.
    mutating func findTags(from bodyStart: Int) {
        var tokens: [TagToken] = []
        var i = bodyStart
        let n = buffer.count
        var inlineCode = false
        var opening = LineOpening()
        var cursor = OpaqueCursor(opaque)
        // Per name, where the first opening tag not read as a tag starts: one in `code`
        // ("`<Thinking>`") or whose attributes run over lines (`<button` then `onClick={...}`).
        var unreadOpens: [String: Int] = [:]
        while i < n {
            if let region = cursor.region(at: i) { i = region.upperBound; inlineCode = false; continue }
            let b = buffer[i]
            if b == 0x0A || b == 0x0D { inlineCode = false; i += 1; continue }
            if b == UInt8(ascii: "`") { inlineCode.toggle(); i += 1; continue }
            // A SEARCH/REPLACE block ("<<<<<<< SEARCH" ... "=======" ... ">>>>>>> REPLACE") holds the
            // text to find and to write: its tags ("<STRING_TO_REPLACE>") are that text, not sections.
            if b == UInt8(ascii: "<") && (i == bodyStart || ByteClass.isNewline(buffer[i - 1])) && hasPrefix("<<<<<<<", at: i),
               let end = find("\n>>>>>>>", from: i, to: n) {
                i = end + 1
                inlineCode = false
                continue
            }
            if b == UInt8(ascii: "<") && !inlineCode, let token = parseTag(at: i, opening: &opening) {
                tokens.append(token)
                i = token.range.upperBound
                continue
            }
            if b == UInt8(ascii: "<"), let name = openingName(at: i), unreadOpens[name] == nil { unreadOpens[name] = i }
            i = skip(from: i + 1, to: min(n, cursor.nextStart), until: Self.tagScanStops)
        }
        // Pair closes with the nearest open of the same name, in any case ("<Rules> ... </rules>").
        // Opens that start a line, still open inside one that closes, are set aside by name
        // with that close: a later close of their name pairs with them, and the two cross,
        // when it starts a line or follows that close with only closing tags and white
        // space between ("Be brief.</a> </b>").
        var stack: [Int] = []
        // Per name, the places in `stack` of its opens: a close finds its open at once,
        // where a search down the stack made thousands of unmatched tags quadratic.
        var onStack: [String: [Int]] = [:]
        var cutOff: [String: [(open: Int, cutBy: Int)]] = [:]
        var crossed: [(outerClose: Int, innerOpen: Int)] = []
        var closesFrom = 0  // the first of the closing tags that follow one another up to here
        var excused: Set<Int> = []  // stray closes whose opening tag was there but not read as one
        for index in tokens.indices {
            // `<prompt_start> ... </prompt_end>` (or `<prompt_end>`): one section marked by its ends.
            if let marker = tokens[index].endsMarker, onStack[marker]?.last != nil || cutOff[marker]?.last != nil {
                tokens[index].isClose = true
                tokens[index].key = marker
            }
            if tokens[index].isClose {
                let key = tokens[index].key
                if index == 0 || !tokens[index - 1].isClose
                    || !(tokens[index - 1].range.upperBound..<tokens[index].range.lowerBound).allSatisfy({ ByteClass.isWhitespace(buffer[$0]) }) {
                    closesFrom = index
                }
                if var position = onStack[key]?.last {
                    // A closing tag that starts a line closes the section whose opening tag starts one,
                    // not the tag named in a sentence inside it ("... at the same time as <insert>.").
                    if tokens[index].atLineStart && !tokens[stack[position]].atLineStart,
                       let lineOpen = onStack[key]?.suffix(8).last(where: { tokens[stack[$0]].atLineStart }) {  // a few: no quadratic search
                        position = lineOpen
                    }
                    let open = stack[position]
                    tokens[open].partner = index
                    tokens[index].partner = open
                    Self.setAside(from: position + 1, cutBy: index, tokens, &stack, &onStack, &cutOff)
                    onStack[key]?.removeLast()
                    stack.removeLast()
                } else if let (open, cutBy) = cutOff[key]?.last, tokens[index].atLineStart || cutBy >= closesFrom {
                    // Not one named in a sentence ("ends with </example>"): that is text, and
                    // pairing it made the lines between an example.
                    cutOff[key]?.removeLast()
                    tokens[open].partner = index
                    tokens[index].partner = open
                    crossed.append((cutBy, open))
                    // Opens still on the stack from after it were opened inside it, and this close
                    // cuts across them too (`<a> <b> </a> <c> </b> </c>`). The stack is in text
                    // order, so they are its top; each leaves it once.
                    var inside = stack.count
                    while inside > 0 && stack[inside - 1] > open { inside -= 1 }
                    Self.setAside(from: inside, cutBy: index, tokens, &stack, &onStack, &cutOff)
                } else if tokens[index].atLineStart && tokens[index].restOfLineBlank {
                    tokens[index].role = .strayClose
                    // Code's closing tag, or one whose opening tag is quoted in `code`: still structure, not stray.
                    if let unread = unreadOpens[key], unread < tokens[index].range.lowerBound { excused.insert(index) }
                }  // else markup named in a sentence ("before </body>"): inline
            } else {
                onStack[tokens[index].key, default: []].append(stack.count)
                stack.append(index)
            }
        }
        let declared = Set(frontMatter?.declaredVariables ?? [])
        // The line a placeholder opened: the tags after it there fill blanks too ("<time>  <title>").
        var placeholderLine = -1
        for index in tokens.indices {
            var token = tokens[index]
            if token.isClose {
                if let open = token.partner {
                    token.role = tokens[open].atLineStart ? .sectionClose : .inline
                }
            } else if let close = token.partner {
                token.role = token.atLineStart ? .sectionOpen : .inline
                token.closeStart = tokens[close].range.lowerBound
            } else if Self.emptyElements.contains(token.key) {
                // HTML's empty elements (<br>, <img src=...>) never close: markup. Closed, <input> is a section.
                token.role = .inline
            } else if !token.hasAttributes && declared.contains(token.name) {
                // A name the front matter declares is a placeholder, even alone on its line.
                token.role = .variable
            } else if Self.itemTags.contains(token.key) || token.atLineStart && Self.chatTurnTags.contains(token.key) {
                // HTML items whose end tag may be left out (<li>, <p>), alone on their line or not,
                // and a chat template's turn markers (<start_of_turn>user, <assistant>Paris.): markup.
                token.role = .inline
            } else if token.atLineStart && token.restOfLineBlank {
                if lines.line(containing: token.range.lowerBound) == placeholderLine {
                    token.role = .variable
                } else {
                    // The very last thing in the message is a tag left open for the model to fill.
                    token.role = onlySpaceAfter(token.range.upperBound) ? .inline : .unclosedOpen
                }
            } else if token.atLineStart && !token.hasAttributes && textFollows(token.range.upperBound)
                        && !Self.optionalEndTags.contains(token.key) && !Self.inlineMarkup.contains(token.key) {
                // "<rules>Be brief." opens a section; "<user_name> asked" and "<var>," are placeholders.
                token.role = .unclosedOpen
            } else if !token.hasAttributes {
                token.role = .variable
                if token.atLineStart { placeholderLine = lines.line(containing: token.range.lowerBound) }
            }
            tokens[index] = token
        }
        for (index, token) in tokens.enumerated() {
            switch token.role {
            case .sectionOpen, .sectionClose, .unclosedOpen:
                boundaryTags[token.range.lowerBound] = token
            case .strayClose:
                // A lone closing tag on its own line is structure too.
                boundaryTags[token.range.lowerBound] = token
                if !excused.contains(index) { strayCloses.append(Section(name: token.name, openRange: token.range, closeRange: nil)) }
            case .variable:
                variables.append(TemplateVariable(name: token.name, range: token.range, syntax: .angle))
            case .inline:
                break
            }
        }
        func section(_ open: TagToken) -> Section {
            Section(name: open.name, openRange: open.range, closeRange: open.partner.map { tokens[$0].range },
                    closeName: open.partner.map { tokens[$0].name })
        }
        for token in tokens where !token.isClose && (token.role == .sectionOpen || token.role == .unclosedOpen) {
            sections.append(section(token))
        }
        // Only sections cross: markup in a sentence ("<b><i>x</b></i>") is the model's to read.
        for (outerClose, innerOpen) in crossed.sorted(by: { ($0.outerClose, $0.innerOpen) < ($1.outerClose, $1.innerOpen) })
        where tokens[outerClose].role == .sectionClose && tokens[innerOpen].role == .sectionOpen {
            crossings.append(SectionCrossing(outer: section(tokens[tokens[outerClose].partner!]), inner: section(tokens[innerOpen])))
        }
    }

    /// Takes the opens of `stack` from `first` on off it, cut across by the close at
    /// `close`: those that start a line wait in `cutOff`, by name, for a close that
    /// pairs with them. Each open leaves the stack once, so this is linear over the whole text.
    static func setAside(from first: Int, cutBy close: Int, _ tokens: [TagToken], _ stack: inout [Int],
                         _ onStack: inout [String: [Int]], _ cutOff: inout [String: [(open: Int, cutBy: Int)]]) {
        for inner in stack[first...] where tokens[inner].atLineStart {
            cutOff[tokens[inner].key, default: []].append((inner, close))
        }
        for popped in stack[first...] { onStack[tokens[popped].key]?.removeLast() }
        stack.removeSubrange(first...)
    }

    /// What the tags found so far tell of how their line opens, so a line of
    /// thousands of tags is read once rather than again from its start per tag.
    struct LineOpening {
        var lineStart = -1
        /// Up to here the line holds only tags and spaces,
        var tagsEnd = -1
        /// unless something else came before the last tag.
        var broken = false
    }

    /// The name, in lower case, of an opening tag starting at `start` that `parseTag`
    /// did not read: "<button" with its attributes on the lines below, "<Trigger asChild>",
    /// or one in `code`. Nil when no name follows the "<".
    func openingName(at start: Int) -> String? {
        guard start + 1 < buffer.count, ByteClass.isIdentStart(buffer[start + 1]) else { return nil }
        return string(start + 1..<tagNameEnd(from: start + 1)).lowercased()
    }

    /// Where a tag's name that starts at `start` ends: letters, digits, "_", "-", "." and ":".
    func tagNameEnd(from start: Int) -> Int {
        var i = start
        while i < buffer.count && (ByteClass.isIdent(buffer[i]) || buffer[i] == UInt8(ascii: "-") || buffer[i] == UInt8(ascii: ".") || buffer[i] == UInt8(ascii: ":")) { i += 1 }
        return i
    }

    /// The tag starting at `start`, if one does; `opening` is kept for the next tag.
    func parseTag(at start: Int, opening: inout LineOpening) -> TagToken? {
        let n = buffer.count
        var i = start + 1
        var isClose = false
        if i < n && buffer[i] == UInt8(ascii: "/") { isClose = true; i += 1 }
        guard i < n, ByteClass.isIdentStart(buffer[i]) else { return nil }
        let nameStart = i
        i = tagNameEnd(from: i)
        let nameEnd = i
        var hasAttributes = false
        if isClose {
            while i < n && ByteClass.isSpace(buffer[i]) { i += 1 }  // "</a >" closes <a> too
        } else if i < n && ByteClass.isSpace(buffer[i]) {
            // Attributes: anything up to '>' on the same line, no '<'; at least one "=".
            // Words without one are a placeholder ("<insert the topic here>"), not a tag.
            // A value quoted after "=" may hold either ('<rules note="a > b">'); a quote
            // left open on the line is read as no quote, as before.
            let attributes = i
            var sawEquals = false
            for readsQuotes in [true, false] {
                i = attributes
                sawEquals = false
                var quote: UInt8?
                var previous: UInt8 = 0  // the last byte before this one that is not a space
                while i < n && !ByteClass.isNewline(buffer[i]) {
                    let b = buffer[i]
                    if let open = quote {
                        if b == open { quote = nil }
                    } else if b == UInt8(ascii: ">") || b == UInt8(ascii: "<") {
                        break
                    } else if b == UInt8(ascii: "=") {
                        sawEquals = true
                    } else if readsQuotes && (b == UInt8(ascii: "\"") || b == UInt8(ascii: "'")) && previous == UInt8(ascii: "=") {
                        quote = b
                    }
                    if !ByteClass.isSpace(b) { previous = b }
                    i += 1
                }
                if quote == nil { break }
            }
            hasAttributes = true
            if !sawEquals { return nil }
        }
        guard i < n else { return nil }
        if buffer[i] == UInt8(ascii: "/") { return nil }  // self-closing: not a section
        if hasAttributes && i > 0 && buffer[i - 1] == UInt8(ascii: "/") { return nil }
        guard buffer[i] == UInt8(ascii: ">") else { return nil }
        let end = i + 1
        let line = lines.line(containing: start)
        let lineBegins = lineStart(line)
        if opening.lineStart != lineBegins { opening = LineOpening(lineStart: lineBegins, tagsEnd: lineBegins) }
        var atLineStart = !opening.broken
        var k = opening.tagsEnd
        while atLineStart && k < start {
            if !ByteClass.isSpace(buffer[k]) {
                // Another tag just before still counts as line start: "<a><b>".
                atLineStart = boundaryLikeBefore(k, start)
                break
            }
            k += 1
        }
        if atLineStart { opening.tagsEnd = end } else { opening.broken = true }
        let name = string(nameStart..<nameEnd)
        var key = name.lowercased()
        var endsMarker: String?
        if let marker = Self.marker(key) {
            if marker.isEnd { endsMarker = marker.key } else { key = marker.key }
        }
        return TagToken(name: name, key: key, range: start..<end, isClose: isClose,
                        hasAttributes: hasAttributes, atLineStart: atLineStart,
                        restOfLineBlank: isBlank(end..<max(end, lineEnd(line))), endsMarker: endsMarker)
    }

    /// `prompt_start`, `prompt-begin`, `prompt_end`: a name that marks where a section
    /// starts or ends, and the key its start and end share (with a space, so no tag
    /// name has it). Not a chat template's turn markers (`<im_start>` ... `<im_end>`).
    static func marker(_ key: String) -> (key: String, isEnd: Bool)? {
        guard key.count > 4, !chatTurnTags.contains(key) else { return nil }
        for (suffix, isEnd) in markerSuffixes where key.hasSuffix(suffix) {
            let stem = key.dropLast(suffix.count)
            guard let last = stem.last, last.isLetter || last.isNumber else { return nil }
            return (stem + " start-end", isEnd)
        }
        return nil
    }
    static let markerSuffixes: [(String, Bool)] = [("_start", false), ("-start", false), ("_begin", false), ("-begin", false),
                                                   ("_end", true), ("-end", true)]

    static let emptyElements: Set<String> = ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                                             "track", "wbr"]

    /// Those of them that mark one item of a list, a paragraph or a cell: markup even alone on their line.
    static let itemTags: Set<String> = ["li", "p", "dt", "dd", "tr", "td", "th"]
    /// HTML that marks up words in a line: "<b>Important: never share passwords." opens no section.
    static let inlineMarkup: Set<String> = ["b", "i", "u", "s", "em", "strong", "span", "a", "code", "small", "mark", "sub", "sup",
                                            "font", "big", "q", "abbr", "kbd", "var", "samp"]
    /// Turn markers of chat templates and transcripts.
    static let chatTurnTags: Set<String> = ["start_of_turn", "end_of_turn", "user", "assistant", "system", "model", "human", "bot",
                                            "im_start", "im_end", "s", "bos", "eos"]

    /// HTML elements whose end tag may be left out ("<li>Apples" with no "</li>").
    static let optionalEndTags: Set<String> = ["li", "p", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead", "tbody", "tfoot",
                                               "colgroup", "caption", "rt", "rp", "html", "head", "body"]

    /// Whether a letter comes right after `offset`, with no space: text inside a tag just opened.
    func textFollows(_ offset: Int) -> Bool { offset < buffer.count && ByteClass.isAlpha(buffer[offset]) }

    /// Whether nothing but white space follows `offset`.
    func onlySpaceAfter(_ offset: Int) -> Bool {
        var i = offset
        while i < buffer.count && (ByteClass.isSpace(buffer[i]) || ByteClass.isNewline(buffer[i])) { i += 1 }
        return i == buffer.count
    }

    /// Whether everything in [from, to) is tags and spaces (so a tag after them starts the line).
    func boundaryLikeBefore(_ from: Int, _ to: Int) -> Bool {
        var i = from
        while i < to {
            if ByteClass.isSpace(buffer[i]) { i += 1; continue }
            guard buffer[i] == UInt8(ascii: "<") else { return false }
            guard let close = find([UInt8(ascii: ">")], from: i, to: to) else { return false }
            i = close + 1
        }
        return true
    }

    // MARK: Variables, inline code and URLs

    mutating func findVariablesAndProtectedSpans(from bodyStart: Int) {
        let n = buffer.count
        var i = bodyStart
        var spans: [Range<Int>] = variables.map(\.range)
        var cursor = OpaqueCursor(opaque)
        let stops = Self.variableScanStops  // a static let, read once rather than at every stop
        while i < n {
            if let region = cursor.region(at: i) { i = region.upperBound; continue }
            let b = buffer[i]
            switch b {
            case UInt8(ascii: "`"):
                // Inline code span on one line.
                let end = lineEnd(lines.line(containing: i))
                if let close = find([UInt8(ascii: "`")], from: i + 1, to: end) {
                    spans.append(i..<close + 1)
                    collectDoubleBraceVariables(in: i + 1..<close)
                    i = close + 1
                    continue
                }
            case UInt8(ascii: "{"):
                if let (variable, span) = braceVariable(at: i) {
                    if let variable { variables.append(variable) }
                    if buffer[i + 1] == UInt8(ascii: "%") { readStatement(i + 2..<span.upperBound - 2) }
                    spans.append(span)
                    i = span.upperBound
                    continue
                }
            case UInt8(ascii: "$"):
                if let variable = dollarVariable(at: i) {
                    variables.append(variable)
                    spans.append(variable.range)
                    i = variable.range.upperBound
                    continue
                }
            case UInt8(ascii: "h"), UInt8(ascii: "w"):
                // Only at the start of a word (urlSpan checks it too, after its prefixes).
                if i == 0 || !ByteClass.isAlnum(buffer[i - 1]), let url = urlSpan(at: i) {
                    spans.append(url)
                    i = url.upperBound
                    continue
                }
            default:
                break
            }
            i = skip(from: i + 1, to: min(n, cursor.nextStart), until: stops)
        }
        for block in codeBlocks where block.lowerBound >= bodyStart { collectDoubleBraceVariables(in: block) }
        variables.sort { $0.range.lowerBound < $1.range.lowerBound }
        // A `<name>` inside "{{ answer <name> }}" is part of the outer variable, not one of its own.
        var outerEnd = 0
        variables.removeAll { variable in
            defer { outerEnd = max(outerEnd, variable.range.upperBound) }
            return variable.range.lowerBound < outerEnd
        }
        protected = spans.sorted { $0.lowerBound < $1.lowerBound }
    }

    /// The `{{ name }}` variables in code (a fence or an inline span): a template
    /// engine fills them in there too ("`Hello {{user_name}},`"), while `{name}`
    /// and `$NAME` in code are more often the code's own (a format string, a shell variable).
    mutating func collectDoubleBraceVariables(in range: Range<Int>) {
        var i = range.lowerBound
        while let open = find("{{", from: i, to: range.upperBound) {
            if let (variable, span) = braceVariable(at: open), span.upperBound <= range.upperBound {
                if let variable { variables.append(variable) }
                i = span.upperBound
            } else {
                i = open + 2
            }
        }
    }

    /// `{{ name }}`, `{% ... %}`, `{name}`. Returns the variable (nil for template logic) and its span.
    func braceVariable(at i: Int) -> (TemplateVariable?, Range<Int>)? {
        let n = buffer.count
        let limit = min(n, i + 256)
        if i + 1 < n && (buffer[i + 1] == UInt8(ascii: "{") || buffer[i + 1] == UInt8(ascii: "%")) {
            let closer: StaticString = buffer[i + 1] == UInt8(ascii: "{") ? "}}" : "%}"
            guard let close = find(closer, from: i + 2, to: limit) else { return nil }
            // "{{name} warmly ... {{plan}}": a second opener first means this one was never closed.
            if find("{{", from: i + 2, to: close) != nil { return nil }
            let span = i..<close + 2
            if buffer[i + 1] == UInt8(ascii: "%") { return (nil, span) }
            guard let name = leadingIdentifier(in: i + 2..<close) else { return (nil, span) }
            return (TemplateVariable(name: name, range: span, syntax: .doubleBrace), span)
        }
        var j = i + 1
        guard j < n, identifierStart(at: j) else { return nil }
        while j < limit {
            if buffer[j] == UInt8(ascii: ".") || buffer[j] == UInt8(ascii: "-") { j += 1 } else if let length = identifierLength(at: j) { j += length } else { break }
        }
        guard j < n, buffer[j] == UInt8(ascii: "}") else { return nil }
        let span = i..<j + 1
        return (TemplateVariable(name: string(i + 1..<j), range: span, syntax: .singleBrace), span)
    }

    /// Jinja's words, not names.
    static let statementKeywords: Set<String> = ["for", "in", "if", "elif", "else", "endif", "endfor", "set", "endset", "macro",
        "endmacro", "call", "endcall", "with", "endwith", "not", "and", "or", "is", "true", "false", "none", "True", "False", "None",
        "block", "endblock", "extends", "include", "import", "from", "as", "filter", "endfilter", "raw", "endraw", "defined",
        "recursive", "ignore", "missing", "context", "without", "do", "break", "continue"]

    /// Records what a `{% ... %}` statement binds and reads: `for a, b in pairs`
    /// binds a and b (and `loop`), `set x = ...` and `with x = ...` bind x, `macro
    /// name(args)` binds the name and its arguments; other names are read.
    mutating func readStatement(_ range: Range<Int>) {
        var words: [(name: String, end: Int)] = []
        var i = range.lowerBound
        while i < range.upperBound {
            if buffer[i] == UInt8(ascii: "\"") || buffer[i] == UInt8(ascii: "'") {
                // A string literal is not a name.
                let quote = buffer[i]
                i += 1
                while i < range.upperBound && buffer[i] != quote { i += 1 }
                i += 1
            } else if identifierStart(at: i) {
                let start = i
                while i < range.upperBound, let length = identifierLength(at: i) { i += length }
                // After a dot, an attribute ("user.name"), not a name of its own.
                if start > range.lowerBound && buffer[start - 1] == UInt8(ascii: ".") { continue }
                words.append((string(start..<i), i))
            } else {
                i += 1
            }
        }
        guard let first = words.first?.name else { return }
        var binding: Set<Int> = []
        switch first {
        case "for":
            if let inIndex = words.firstIndex(where: { $0.name == "in" }) { binding = Set(1..<inIndex) }
            statementNames.bound.insert("loop")
        case "set", "with":
            // Up to the "=": `set a, b = ...`.
            if let equals = (range.lowerBound..<range.upperBound).first(where: { buffer[$0] == UInt8(ascii: "=") }) {
                binding = Set(words.indices.dropFirst().filter { words[$0].end <= equals })
            }
        case "macro":
            binding = Set(words.indices.dropFirst())
        default:
            break
        }
        for (index, word) in words.enumerated() where !Self.statementKeywords.contains(word.name) {
            if binding.contains(index) { statementNames.bound.insert(word.name) } else { statementNames.read.insert(word.name) }
        }
    }

    func leadingIdentifier(in range: Range<Int>) -> String? {
        var i = range.lowerBound
        while i < range.upperBound && ByteClass.isSpace(buffer[i]) { i += 1 }
        let start = i
        guard i < range.upperBound, identifierStart(at: i) else { return nil }
        // A hyphen before a letter is part of the name ({{user-name}}, as `{user-name}`);
        // "{{ count - 1 }}" and "{{ count-1 }}" are still "count".
        while i < range.upperBound {
            if buffer[i] == UInt8(ascii: ".") || buffer[i] == UInt8(ascii: "-") && i + 1 < range.upperBound && identifierStart(at: i + 1) {
                i += 1
            } else if let length = identifierLength(at: i), i + length <= range.upperBound {
                i += length
            } else {
                break
            }
        }
        return string(start..<i)
    }

    /// The length of the name character at `i`: an ASCII letter, digit or "_", or a
    /// letter, mark or digit of another script ({{café}}, {{用户输入}}). Nil for anything else.
    func identifierLength(at i: Int) -> Int? {
        if buffer[i] < 0x80 { return ByteClass.isIdent(buffer[i]) ? 1 : nil }
        let (scalar, length) = UTF8Scalar.decode(buffer, at: i)
        guard let value = Unicode.Scalar(scalar) else { return nil }
        let properties = value.properties
        return properties.isAlphabetic || properties.generalCategory == .decimalNumber
            || properties.generalCategory == .nonspacingMark || properties.generalCategory == .spacingMark ? length : nil
    }

    /// Whether a name can start at `i`: a letter or "_".
    func identifierStart(at i: Int) -> Bool {
        if buffer[i] < 0x80 { return ByteClass.isIdentStart(buffer[i]) }
        let (scalar, _) = UTF8Scalar.decode(buffer, at: i)
        return Unicode.Scalar(scalar)?.properties.isAlphabetic == true
    }

    /// `${name}` or `$NAME` (upper case, two characters or more, so "$5" is money).
    func dollarVariable(at i: Int) -> TemplateVariable? {
        let n = buffer.count
        if i + 1 < n && buffer[i + 1] == UInt8(ascii: "{") {
            var j = i + 2
            guard j < n, identifierStart(at: j) else { return nil }
            while j < n, let length = identifierLength(at: j) { j += length }
            guard j < n, buffer[j] == UInt8(ascii: "}") else { return nil }
            return TemplateVariable(name: string(i + 2..<j), range: i..<j + 1, syntax: .dollarBrace)
        }
        var j = i + 1
        guard j < n, ByteClass.isUpper(buffer[j]) || buffer[j] == UInt8(ascii: "_") else { return nil }
        if i > 0 && ByteClass.isAlnum(buffer[i - 1]) { return nil }
        while j < n && (ByteClass.isUpper(buffer[j]) || ByteClass.isDigit(buffer[j]) || buffer[j] == UInt8(ascii: "_")) { j += 1 }
        guard j - i >= 3 else { return nil }
        if j < n && ByteClass.isLower(buffer[j]) { return nil }
        return TemplateVariable(name: string(i + 1..<j), range: i..<j, syntax: .dollar)
    }

    /// A URL up to white space, without trailing punctuation that ends a sentence.
    func urlSpan(at i: Int) -> Range<Int>? {
        guard hasPrefix("http://", at: i) || hasPrefix("https://", at: i) || hasPrefix("www.", at: i) else { return nil }
        if i > 0 && ByteClass.isAlnum(buffer[i - 1]) { return nil }
        var j = i
        while j < buffer.count && !ByteClass.isWhitespace(buffer[j]) && buffer[j] != UInt8(ascii: "<") && buffer[j] != UInt8(ascii: ">") { j += 1 }
        while j > i && [UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":"), UInt8(ascii: "!"), UInt8(ascii: "?"), UInt8(ascii: ")"), UInt8(ascii: "\""), UInt8(ascii: "'")].contains(buffer[j - 1]) { j -= 1 }
        return i..<j
    }

    // MARK: Line pass

    mutating func linePass(from bodyStart: Int) {
        lineCursor = OpaqueCursor(opaque)
        codeBlockCursor = OpaqueCursor(codeBlocks)
        var line = bodyStart == 0 ? 0 : lines.line(containing: bodyStart)
        while line < lines.lineCount {
            let start = max(lineStart(line), bodyStart)
            let end = lineEnd(line)
            if start >= buffer.count && start >= end { break }
            if transparentFenceLines.contains(line) {
                flushAll()
                inTurn = false  // each quoted prompt is a text of its own
                // Fence lines alternate: opening, closing (an unclosed one is the last).
                if currentQuotedPrompt == nil {
                    currentQuotedPrompt = quotedPromptsEntered
                    quotedPromptsEntered += 1
                } else {
                    currentQuotedPrompt = nil
                    endHeadingsOfClosedScopes()
                }
            } else {
                processLine(start..<end)
            }
            line += 1
        }
        flushAll()
    }

    /// Splits one line at opaque regions and structural tags, and handles each piece.
    mutating func processLine(_ lineRange: Range<Int>) {
        var i = lineRange.lowerBound
        var pieceStart = i
        var atLineStart = true
        var sawBoundary = false
        while i < lineRange.upperBound {
            if let region = lineCursor.region(at: i) {
                if pieceStart < i { handlePiece(pieceStart..<i, atLineStart: atLineStart) }
                atLineStart = false
                let isCode = codeBlockCursor.region(at: region.lowerBound) == region
                if isCode || (region.upperBound > lineRange.upperBound) {
                    flushAll()
                    if isCode { pendingLeadIn = nil }
                }
                if region.upperBound >= lineRange.upperBound { return }
                i = region.upperBound
                pieceStart = i
                continue
            }
            if buffer[i] == UInt8(ascii: "<"), let tag = boundaryTags[i] {
                if pieceStart < i { handlePiece(pieceStart..<i, atLineStart: atLineStart) }
                atLineStart = false
                sawBoundary = true
                handleTag(tag)
                i = tag.range.upperBound
                pieceStart = i
                continue
            }
            // Nothing happens before the next "<" or opaque region: straight to it.
            i = next(UInt8(ascii: "<"), from: i + 1, to: min(lineRange.upperBound, lineCursor.nextStart))
        }
        if pieceStart < lineRange.upperBound || (pieceStart == lineRange.upperBound && atLineStart) {
            handlePiece(pieceStart..<lineRange.upperBound, atLineStart: atLineStart)
        }
        if sawBoundary && !trimmed(pieceStart..<lineRange.upperBound).isEmpty {
            // Text after a closing tag on the same line stands alone.
            flushAll()
        }
    }

    mutating func handleTag(_ tag: TagToken) {
        flushAll()
        pendingLeadIn = nil
        if tag.role != .inline && tag.role != .variable { inTurn = false }
        switch tag.role {
        case .sectionOpen, .unclosedOpen:
            // Every unit keeps its own copy of the names once the array changes after it:
            // 50,000 nested sections took 20 GB. Deeper than the outline shows, they are not kept.
            guard currentSections.count < Self.maximumSectionDepth else { break }
            currentSections.append(EnclosingSection(name: tag.name, start: tag.range.lowerBound))
            currentSectionCloses.append(tag.closeStart)
            if SectionNames.isExample(tag.name) { openExampleSections += 1 }
        case .sectionClose:
            // Closes the section the tag was paired with (so units agree with `sections`,
            // whatever the case of the names) and any left open inside it; one opened
            // inside it and closed later (crossed tags) stays open up to its own close.
            if let position = currentSectionCloses.lastIndex(of: tag.range.lowerBound) {
                var kept = position
                for index in position..<currentSections.count {
                    if index > position, currentSectionCloses[index] != nil {
                        currentSections[kept] = currentSections[index]
                        currentSectionCloses[kept] = currentSectionCloses[index]
                        kept += 1
                    } else if SectionNames.isExample(currentSections[index].name) {
                        openExampleSections -= 1
                    }
                }
                currentSections.removeSubrange(kept...)
                currentSectionCloses.removeSubrange(kept...)
                endHeadingsOfClosedScopes()
            }
        default:
            break
        }
    }

    /// One piece of a line: blank, heading, rule, quote, table row, list item or prose.
    mutating func handlePiece(_ range: Range<Int>, atLineStart: Bool) {
        let content = trimmed(range)
        if tableInTurn && (content.isEmpty || buffer[content.lowerBound] != UInt8(ascii: "|")) {
            (inTurn, tableInTurn) = (false, false)
        }
        if content.isEmpty {
            if atLineStart { flushAll() }
            return
        }
        var i = range.lowerBound
        var indent = 0
        while i < content.lowerBound {
            indent += buffer[i] == 0x09 ? 4 : 1
            i += 1
        }
        // No-break and other Unicode spaces before the text indent it too, for list items:
        // "\u{00A0}\u{00A0}- Be brief." (pasted from a web page or a word processor) is one.
        var indented = content
        if atLineStart, ByteClass.wideSpaceLength(buffer, content.lowerBound, content.upperBound) > 0 {
            let after = afterUnicodeIndent(content)
            if after.start < content.upperBound {
                indented = after.start..<content.upperBound
                indent += after.columns
            }
        }
        let first = buffer[content.lowerBound]
        if atLineStart {
            if first == UInt8(ascii: "#"), let heading = headingText(content) {
                flushAll()
                addHeading(heading.text, level: heading.level)
                return
            }
            // "Title" over "=====" or "-----" (Markdown's setext heading). Only a line that reads as a
            // title: under a sentence ("You are a tutor." / "---") the line is a rule between parts.
            if indent < 4, paragraph.count == 1, let level = setextLevel(content), listItem == nil, !inTurn,
               !endsSentence(paragraph[0]) {
                let text = paragraph.removeLast()
                addHeading(text, level: level)
                return
            }
            if isThematicBreak(content) {
                flushAll()
                inTurn = false
                return
            }
            // "--- Examples ---", "=== Template 2 ===": a label framed by rules titles what follows;
            // "--- END OF EXAMPLE ---" ends the part such a label opened, as a closing tag does.
            if indent < 4, let title = framedHeading(content) {
                flushAll()
                if closesFramedHeading(title) {
                    blockCounter += 1
                    inTurn = false
                    headingStack.removeLast()
                } else {
                    addHeading(title, level: 7)
                }
                return
            }
            if first == UInt8(ascii: ">") {
                flushAll()
                quotes.append(content)
                return
            }
            if first == UInt8(ascii: "|") {
                flushAll()
                if !isTableSeparator(content) { addTableRow(content) }
                return
            }
            if let item = listMarker(indented) {
                flushAll()
                listItem = (content: [item.text], indent: indent)
                return
            }
            if let bold = boldHeading(content) {
                flushAll()
                addHeading(bold, level: 7)
                return
            }
            if let openIndent = listItem?.indent, let lastLine = listItem?.content.last {
                // An indented line continues the item; so does an unindented one that goes on
                // with its sentence, in lower case as a soft wrap is (Markdown's lazy continuation).
                if indent > openIndent
                    || SentenceSplitter.startsInLowerCase(buffer, indented) && !endsSentence(lastLine) {
                    // In place, with no copy of the item held: one taken out and put back
                    // copied all of its lines so far, for every line.
                    listItem!.content.append(indented)
                    return
                }
                flushAll()
            }
            if let speaker = SpeakerLabel.parse(buffer, content) {
                // A label starts a turn, so a new paragraph.
                flushAll()
                // `User: "…"` quotes a request; otherwise it takes both sides labelled somewhere.
                inTurn = speaker.side != .system && (speaker.quoted || hasDialogue)
                turnSpansBlocks = inTurn && speaker.bare && lastSpeakerLabel.map { $0 > content.lowerBound } == true
                if speaker.bare { return }  // the label alone is structure, like a heading
            }
            // "RESPONSE GUIDELINES:" alone at a block's start titles what follows, as "**Response guidelines**" does.
            if paragraph.isEmpty, listItem == nil, let title = capitalsHeading(content) {
                addHeading(title, level: 7)
                return
            }
        }
        paragraph.append(content)
    }

    /// Finds the last line of prose that starts with a speaker label, and whether
    /// both a user and an assistant speak (a dialogue inside a code block does not count).
    mutating func findSpeakerLines(from bodyStart: Int) {
        var cursor = OpaqueCursor(opaque)
        var speakerSides: (user: Bool, assistant: Bool) = (false, false)
        for line in (bodyStart == 0 ? 0 : lines.line(containing: bodyStart))..<lines.lineCount {
            let content = trimmed(max(lineStart(line), bodyStart)..<lineEnd(line))
            // Only lines that start with a capital can hold a label: most are skipped at their first byte.
            guard !content.isEmpty, ByteClass.isUpper(buffer[content.lowerBound]),
                  cursor.region(at: content.lowerBound) == nil,
                  let speaker = SpeakerLabel.parse(buffer, content) else { continue }
            lastSpeakerLabel = content.lowerBound
            if speaker.side == .user { speakerSides.user = true }
            if speaker.side == .assistant { speakerSides.assistant = true }
        }
        hasDialogue = speakerSides.user && speakerSides.assistant
    }

    /// Where the text of `content` starts after the Unicode spaces (`ByteClass.wideSpaceLength`:
    /// U+00A0, U+3000, ...) and ASCII spaces that start it, and how many columns they take: one
    /// for each space, four for a tab.
    func afterUnicodeIndent(_ content: Range<Int>) -> (start: Int, columns: Int) {
        var i = content.lowerBound
        var columns = 0
        while i < content.upperBound {
            if ByteClass.isSpace(buffer[i]) {
                columns += buffer[i] == 0x09 ? 4 : 1
                i += 1
                continue
            }
            let length = ByteClass.wideSpaceLength(buffer, i, content.upperBound)
            guard length > 0 else { break }
            columns += 1
            i += length
        }
        return (i, columns)
    }

    struct ListMarker {
        var text: Range<Int>
        /// How many columns after the marker's first the item's text starts, as
        /// CommonMark counts them: the marker and one to four spaces (one when
        /// more follow, which then indent code). Lines under the item indent from there.
        var contentOffset: Int
    }

    /// The last two bytes of the three-byte bullets that mark list items:
    /// • – ‣ ⁃ ● ○ ◦ ■ ▪ ➤ ⦁ (prompts pasted from documents and chat apps use them all).
    static let bulletMarkers: Set<UInt16> = [0x80A2, 0x8093, 0x80A3, 0x8183, 0x978F, 0x978B, 0x97A6, 0x96A0, 0x96AA, 0x9EA4, 0xA681]

    /// Whether 0xE2 followed by `second`, `third` is one of those bullets.
    static func isBullet(_ second: UInt8, _ third: UInt8) -> Bool {
        bulletMarkers.contains(UInt16(second) << 8 | UInt16(third))
    }

    /// `- `, `* `, `+ `, `• ` (and the other `bulletMarkers`), `1. `, `1) `, `a) ` at the start of a line.
    func listMarker(_ content: Range<Int>) -> ListMarker? {
        var i = content.lowerBound
        var bulletBytes = 0
        let end = content.upperBound
        let b = buffer[i]
        if b == UInt8(ascii: "-") || b == UInt8(ascii: "*") || b == UInt8(ascii: "+") {
            i += 1
        } else if b == 0xE2, i + 2 < end, Self.isBullet(buffer[i + 1], buffer[i + 2]) {
            i += 3
            bulletBytes = 2  // three bytes, one column
        } else if ByteClass.isDigit(b) {
            while i < end && ByteClass.isDigit(buffer[i]) && i - content.lowerBound < 3 { i += 1 }
            guard i < end, buffer[i] == UInt8(ascii: ".") || buffer[i] == UInt8(ascii: ")") else { return nil }
            i += 1
        } else if ByteClass.isLower(b), i + 1 < end, buffer[i + 1] == UInt8(ascii: ")") {
            i += 2
        } else {
            return nil
        }
        let markerWidth = i - content.lowerBound - bulletBytes
        // Spaces and tabs, or wide spaces, a column each: text pasted from a word
        // processor puts a no-break space after its bullets ("•\u{A0}Be brief").
        var spaces = 0
        while i < end {
            let width = ByteClass.isSpace(buffer[i]) ? 1 : ByteClass.wideSpaceLength(buffer, i, end)
            guard width > 0 else { break }
            spaces += 1
            i += width
        }
        guard spaces > 0 else { return nil }
        let contentOffset = markerWidth + (spaces > 4 ? 1 : spaces)
        // Task-list boxes "[ ]", "[x]" and "[X]" are part of the marker; "[A]" and "[1]" are text.
        var text = trimmed(i..<end)
        if text.count >= 3, buffer[text.lowerBound] == UInt8(ascii: "["), buffer[text.lowerBound + 2] == UInt8(ascii: "]"),
           Self.taskBoxMarks[buffer[text.lowerBound + 1]] {
            text = trimmed(text.lowerBound + 3..<end)
        }
        guard !text.isEmpty else { return nil }
        return ListMarker(text: text, contentOffset: contentOffset)
    }

    /// Whether a line ends on what ends a sentence (. ! ? : ; 。！？), closing
    /// quotes, brackets and emphasis aside.
    func endsSentence(_ line: Range<Int>) -> Bool {
        let end = SentenceSplitter.skipClosers(buffer, backFrom: line.upperBound, to: line.lowerBound)
        guard end > line.lowerBound else { return false }
        switch buffer[end - 1] {
        case UInt8(ascii: "."), UInt8(ascii: "!"), UInt8(ascii: "?"), UInt8(ascii: ":"), UInt8(ascii: ";"):
            return true
        default:
            return end - 3 >= line.lowerBound && SentenceSplitter.isCJKStop(buffer, end - 3, end)
        }
    }

    /// What stands between the brackets of a task-list box.
    static let taskBoxMarks = ByteSet([UInt8(ascii: " "), UInt8(ascii: "x"), UInt8(ascii: "X")])

    func headingText(_ content: Range<Int>) -> (text: Range<Int>, level: Int)? {
        var i = content.lowerBound
        while i < content.upperBound && buffer[i] == UInt8(ascii: "#") { i += 1 }
        let level = i - content.lowerBound
        guard level >= 1, level <= 6 else { return nil }
        guard i == content.upperBound || ByteClass.isSpace(buffer[i]) else { return nil }
        var text = trimmed(i..<content.upperBound)
        // Closing hashes: "## Title ##".
        var upper = text.upperBound
        while upper > text.lowerBound && buffer[upper - 1] == UInt8(ascii: "#") { upper -= 1 }
        if upper < text.upperBound && (upper == text.lowerBound || ByteClass.isSpace(buffer[upper - 1])) {
            text = trimmed(text.lowerBound..<upper)
        }
        guard !text.isEmpty else { return nil }
        return (text, level)
    }

    /// A line that is only bold text, like `**Output format**` or `**Rules:**`.
    func boldHeading(_ content: Range<Int>) -> Range<Int>? {
        guard content.count >= 5 else { return nil }
        let open2 = hasPrefix("**", at: content.lowerBound) || hasPrefix("__", at: content.lowerBound)
        guard open2 else { return nil }
        var upper = content.upperBound
        if buffer[upper - 1] == UInt8(ascii: ":") { upper -= 1 }
        guard upper - content.lowerBound >= 5,
              buffer[upper - 1] == buffer[content.lowerBound], buffer[upper - 2] == buffer[content.lowerBound]
        else { return nil }
        let inner = trimmed(content.lowerBound + 2..<upper - 2)
        guard !inner.isEmpty, inner.count <= 80, find("**", from: inner.lowerBound, to: inner.upperBound) == nil else { return nil }
        // "**Always answer in English!**" stresses an instruction: a sentence, not a title.
        let last = buffer[inner.upperBound - 1]
        if last == UInt8(ascii: ".") || last == UInt8(ascii: "!") || last == UInt8(ascii: "?") { return nil }
        return inner
    }

    /// A line in capitals only (letters, digits, spaces and a little punctuation),
    /// with at least four letters, that ends no sentence: its text without a
    /// closing ":". "DO NOT SHARE THIS." is a sentence.
    func capitalsHeading(_ content: Range<Int>) -> Range<Int>? {
        guard content.count <= 80 else { return nil }
        var upper = content.upperBound
        if buffer[upper - 1] == UInt8(ascii: ":") { upper -= 1 }
        var letters = 0
        for i in content.lowerBound..<upper {
            let b = buffer[i]
            if ByteClass.isUpper(b) { letters += 1; continue }
            if ByteClass.isDigit(b) || b == UInt8(ascii: " ") || Self.titlePunctuation[b] { continue }
            return nil
        }
        guard letters >= 4 else { return nil }
        let text = trimmed(content.lowerBound..<upper)
        return text.isEmpty ? nil : text
    }

    static let titlePunctuation = ByteSet(Array("&/-,()'".utf8))
    static let sentenceEnd = ByteSet(Array(".!?".utf8))

    /// Whether a framed label ends the heading last opened, when that one is of the
    /// deepest level (framed, bold or in capitals): "END", "END OF EXAMPLE", or "End"
    /// and that heading's words ("--- START RULES ---" ... "--- END RULES ---").
    /// "--- End-user rules ---" opens a part of its own.
    func closesFramedHeading(_ label: Range<Int>) -> Bool {
        guard let open = headingStack.last, open.level == 7 else { return false }
        let words = lowercasedWords(label)
        guard words.first == "end", label.count == 3 || buffer[label.lowerBound + 3] == UInt8(ascii: " ") else { return false }
        if words.count == 1 || words[1] == "of" { return true }
        var opened = lowercasedWords(units[open.unit].range)[...]
        if let first = opened.first, ["start", "begin", "beginning"].contains(first) { opened = opened.dropFirst() }
        return Array(opened) == Array(words.dropFirst())
    }

    /// A label between two runs of at least three "-" or "=" on a line of its own,
    /// with a space inside each ("--- Template 2 (Original Index: 2440) ---",
    /// "=== OUTPUT ==="): the label, unless it ends a sentence. Such lines were read
    /// into the sentence after them.
    func framedHeading(_ content: Range<Int>) -> Range<Int>? {
        guard content.count >= 9, content.count <= 100 else { return nil }
        let c = buffer[content.lowerBound]
        guard c == UInt8(ascii: "-") || c == UInt8(ascii: "=") else { return nil }
        var start = content.lowerBound, end = content.upperBound
        while start < end, buffer[start] == c { start += 1 }
        while end > start, buffer[end - 1] == c { end -= 1 }
        guard start - content.lowerBound >= 3, content.upperBound - end >= 3,
              start < end, buffer[start] == UInt8(ascii: " "), buffer[end - 1] == UInt8(ascii: " ") else { return nil }
        let label = trimmed(start..<end)
        guard !label.isEmpty, !Self.sentenceEnd[buffer[label.upperBound - 1]] else { return nil }
        return label
    }

    /// 1 for a line of "=" only, 2 for a line of "-" only (no spaces between: "- - -" is a rule).
    func setextLevel(_ content: Range<Int>) -> Int? {
        let c = buffer[content.lowerBound]
        guard c == UInt8(ascii: "=") || c == UInt8(ascii: "-") else { return nil }
        for i in content where buffer[i] != c { return nil }
        return c == UInt8(ascii: "=") ? 1 : 2
    }

    func isThematicBreak(_ content: Range<Int>) -> Bool {
        guard content.count >= 3 else { return false }
        let c = buffer[content.lowerBound]
        guard c == UInt8(ascii: "-") || c == UInt8(ascii: "*") || c == UInt8(ascii: "_") || c == UInt8(ascii: "=") else { return false }
        for i in content where buffer[i] != c && !ByteClass.isSpace(buffer[i]) { return false }
        return true
    }

    func isTableSeparator(_ content: Range<Int>) -> Bool {
        for i in content {
            let b = buffer[i]
            if b != UInt8(ascii: "|") && b != UInt8(ascii: "-") && b != UInt8(ascii: ":") && !ByteClass.isSpace(b) { return false }
        }
        return true
    }

    // MARK: Emitting units

    /// `isExample`: an example whatever the sections around it say.
    mutating func makeUnit(_ range: Range<Int>, kind: UnitKind, leadIn: Int? = nil, isExample: Bool = false) -> Unit {
        var unit = Unit(range: range, kind: kind)
        unit.parentHeading = headingStack.last?.unit
        unit.leadIn = leadIn
        unit.enclosingSections = currentSections
        unit.isExample = inExample || isExample
        unit.block = blockCounter
        return unit
    }

    mutating func addHeading(_ range: Range<Int>, level: Int) {
        blockCounter += 1
        // Only headings of the same section or quoted prompt give way: one written inside
        // `<rules>` ended the heading the section sits under, for the rest of the file.
        let section = currentSections.last?.start
        while let last = headingStack.last, last.level >= level,
              last.section == section, last.quotedPrompt == currentQuotedPrompt { headingStack.removeLast() }
        inTurn = false
        var unit = makeUnit(range, kind: .heading)
        unit.headingLevel = level
        // A subheading of "## Examples" ("### Refund request", "**Angry customer**") names one of them.
        if headingIsExample || SectionNames.mayNameExample(UnsafeBufferPointer(rebasing: buffer[range])) && SectionNames.isExample(string(range)) {
            unit.isExample = true
        }
        units.append(unit)
        headingStack.append((level, units.count - 1, section, currentQuotedPrompt))
        pendingLeadIn = nil
    }

    mutating func addTableRow(_ range: Range<Int>) {
        blockCounter += 1
        var unit = makeUnit(range, kind: .tableRow)
        unit.isExample = unit.isExample || headingIsExample || inTurn
        units.append(unit)
        tableInTurn = inTurn && !turnSpansBlocks
    }

    /// Drops the headings opened in a section or quoted prompt that has just ended.
    /// With crossed tags one may sit under a heading still open, so the whole
    /// stack is filtered; it holds seven a scope at most.
    mutating func endHeadingsOfClosedScopes() {
        guard !headingStack.isEmpty else { return }
        headingStack.removeAll { heading in
            heading.section.map { start in !currentSections.contains { $0.start == start } } == true
                || heading.quotedPrompt.map { $0 != currentQuotedPrompt } == true
        }
    }

    var headingIsExample: Bool {
        guard let heading = headingStack.last?.unit else { return false }
        return units[heading].isExample
    }

    mutating func flushAll() {
        if let item = listItem {
            listItem = nil
            blockCounter += 1
            SentenceSplitter.split(buffer: buffer, ranges: item.content, protected: protected, into: &pieces)
            // Made in place in `units`: a unit set up in a local and appended was copied twice.
            let isExample = headingIsExample || inTurn
            for piece in pieces {
                units.append(makeUnit(piece, kind: .listItem, leadIn: pendingLeadIn, isExample: isExample))
            }
            if !turnSpansBlocks { inTurn = false }
        }
        if !paragraph.isEmpty {
            blockCounter += 1
            SentenceSplitter.split(buffer: buffer, ranges: paragraph, protected: protected, into: &pieces)
            // Emptied in place: the next paragraph's lines reuse its storage, not a new array each.
            paragraph.removeAll(keepingCapacity: true)
            let isExample = headingIsExample || inTurn
            for piece in pieces {
                units.append(makeUnit(piece, kind: .sentence, isExample: isExample))
            }
            if !turnSpansBlocks { inTurn = false }
            // A short line ending in ":" introduces what follows ("Output format:").
            if let last = pieces.last, buffer[last.upperBound - 1] == UInt8(ascii: ":") {
                pendingLeadIn = units.count - 1
            } else {
                pendingLeadIn = nil
            }
        }
    }
}

/// Section and heading names with a fixed meaning for segmentation.
enum SectionNames {
    static func isExample(_ name: String) -> Bool {
        var name = name
        guard name.withUTF8(mayNameExample) else { return false }
        // Headings end in punctuation the tests below must not see: "## Good examples:", "**Debugging Example:**";
        // and start with symbols they must not see either: "## 🔹 Example 1", "## *Example 2*", "## → Samples".
        var lowered = Substring(name.lowercased())
        while let last = lowered.last, !last.isLetter && !last.isNumber { lowered.removeLast() }
        while let first = lowered.first, !first.isLetter && !first.isNumber { lowered.removeFirst() }
        return lowered.hasPrefix("example") || lowered.hasSuffix("example") || lowered.hasSuffix("examples")
            || lowered.hasPrefix("sample") || lowered == "quote" || lowered == "transcript"
            || lowered.hasSuffix("_example") || lowered.hasPrefix("few-shot") || lowered.hasPrefix("few_shot")
    }

    /// Whether the bytes hold "ampl", "quot", "transcr" or "few" in any case of
    /// ASCII letters, as every name `isExample` accepts does: most names are
    /// turned down here, before a lower-cased copy is made and trimmed. (No
    /// other character lower-cases to these letters.)
    static func mayNameExample(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        func holds(_ stem: StaticString, at i: Int) -> Bool {
            guard i + stem.utf8CodeUnitCount <= bytes.count else { return false }
            for k in 1..<stem.utf8CodeUnitCount where bytes[i + k] | 0x20 != stem.utf8Start[k] { return false }
            return true
        }
        for i in bytes.indices {
            switch bytes[i] | 0x20 {  // an ASCII letter in lower case; no other byte becomes one
            case UInt8(ascii: "a"): if holds("ampl", at: i) { return true }
            case UInt8(ascii: "q"): if holds("quot", at: i) { return true }
            case UInt8(ascii: "t"): if holds("transcr", at: i) { return true }
            case UInt8(ascii: "f"): if holds("few", at: i) { return true }
            default: continue
            }
        }
        return false
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
