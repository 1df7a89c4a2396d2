/// Hedges that make an instruction optional ("try to", "if possible").
struct WeakInstruction: LintRule {
    let id = "weak-instruction"
    let defaultSeverity = Severity.info
    let summary = "A hedge (\"try to\", \"if possible\", \"maybe\") that makes an instruction optional"
    let explanation = """
    "Try to be concise" tells the model that being concise is optional. If you \
    mean it, say it: "Be concise." If it really is optional, say when it applies.

    A reply shown in an `<assistant>` section (or between lines \
    "`<assistant>`" and "`</assistant>`") is not checked: its hedges are not \
    the model's to follow. Nor is text the model is told to print as it \
    stands, after a line that asks for it with a verb of output and, right \
    before its closing ":", "this text", "the following text", "exactly" or \
    "verbatim" ("End your reply with exactly this text:", "Print the \
    following text:"; not "Here is the prompt, verbatim:"), up to the next \
    heading.

    ```
    Try to answer in under 100 words.
    ^^^^^^ weak-instruction: state it directly
    ```

    Fix: removes the hedge ("Answer in under 100 words.") and a comma next to it \
    (not the comma that ends an opening clause: "When greeting the user, joke", \
    nor one after a hedge that follows a word, which opens what comes next: "You \
    should probably, if needed, ask" becomes "You should, if needed, ask"), or \
    the marks that set it apart ("**Try to**", "**If possible:**", \
    "__Ideally,__", "(if \
    possible)", "— if possible —"), or a colon after an opening hedge ("If \
    possible: cite" becomes "Cite"); "try to not" becomes "do not", "should try to not" "should not" and \
    "always try to not" "never"; "should probably" keeps "should". "It would be \
    nice if" has no fix: what follows it is not an instruction ("you replied in \
    English"), so rewrite it by hand. Nor has a hedge after a comma \
    that something other than a preposition or a conjunction follows: "any \
    statement, ideally one to two words" would read "any statement one to two \
    words" (but "Explain grammar, maybe with a table" becomes "Explain grammar \
    with a table"). A guess or an estimate is not a \
    hedge: "maybe the user is confused", "maybe two sentences", "if possible \
    dates" uses "possible" as an adjective, and "ideally suited" states a fact. \
    "If you can" followed by its verb is a condition ("if you can find relevant \
    news"), not a hedge. "try to" counts only at the start of an instruction or right after "and" \
    ("Add the dependencies and try to avoid `npm i`"), so "users who try to \
    bypass the rules" is left alone, and so is "users who log in and try to \
    bypass the rules", where "and" joins the verbs of a relative clause \
    ("who", "which") whose subject tries; so does "possibly" ("Possibly add a \
    chart"): elsewhere it qualifies a noun or another verb ("and possibly \
    multiple examples", "how to possibly update one's understanding"). A hedge whose unit, or the next, says what \
    to do otherwise ("If possible, call the user by name; otherwise say 'you'", \
    "If possible, avoid pronouns, or use the person's name instead") \
    is optional on purpose and is left alone too, as is a hedge in quotation \
    marks or `code` (words to say verbatim), in square brackets (a blank of \
    a template and what may fill it: "[Yes / No / Maybe]"), or in parentheses whose words all \
    start with a capital ("C Tier: (Maybe Skip It)"): a label names a \
    category rather than giving an instruction. "You may want to" or "you \
    might want to" with only the ":" of a lead-in after it ("Next, you may \
    want to:" over a list) offers the items below as options. "When possible", "where \
    possible" and "whenever possible" are not reported: they say when the \
    instruction applies ("use the `--no-pager` flag when possible"), and \
    reviewers of real prompts found nearly all of them deliberate.
    """

    /// Hedges that count anywhere, and those that count only where an instruction starts.
    static let anywhere = ["if possible", "if you can",
                           "maybe", "perhaps", "you might want to", "you may want to", "ideally", "it would be nice if",
                           "should probably", "it might be good to"]
    /// "possibly" elsewhere qualifies a noun or another verb: "and possibly multiple
    /// examples", "how to possibly update one's understanding".
    static let atStart = ["try to", "try and", "attempt to", "possibly"]
    static let matcher = PhraseMatcher(anywhere + atStart)
    static let andWord = Tokenizer.hash("and")
    static let leaders = WordSet(["please", "always", "also", "you", "should", "must", "and", "then", "so"].map(Tokenizer.hash))

    /// Words that say what to do when the hedged thing cannot be done:
    /// "otherwise ...", "if not, ...", "if you cannot, ...", "or else ...".
    static let fallbacks = PhraseMatcher(["otherwise", "fallback", "if not", "or else", "fall back", "you cannot", "you can't", "if unavailable"])
    static let (orWord, insteadWord, ofWord) = (Tokenizer.hash("or"), Tokenizer.hash("instead"), Tokenizer.hash("of"))

    /// Whether `tokens` say what to do otherwise: a `fallbacks` phrase, or "or"
    /// with a later "instead" that ends its phrase ("rephrase to avoid pronouns,
    /// or use the person's name instead"; not "use tables instead of prose").
    static func offersAFallback(_ tokens: ArraySlice<Token>) -> Bool {
        if fallbacks.hasMatch(tokens) { return true }
        guard let or = tokens.firstIndex(where: { $0.hash == orWord }) else { return false }
        return tokens[(or + 1)...].indices.contains { index in
            tokens[index].hash == insteadWord && (index + 1 == tokens.endIndex || tokens[index + 1].hash != ofWord)
        }
    }

    func check(_ context: LintContext) -> [Finding] {
        var findings: [Finding] = []
        let units = context.proseUnits
        let verbatim = Self.verbatimText(context)
        for (position, unit) in units.enumerated() where context.document.units[unit].kind != .heading && !verbatim[unit] {
            let tokens = context.tokens(unit)
            var fallback: Bool?  // looked up once a hedge is found
            var quoted: QuotedSpans?  // likewise
            var brackets: SquareBrackets?  // likewise
            for match in Self.matcher.matches(tokens) {
                let phrase = Self.matcher.phrases[match.phrase].text
                if Self.atStart.contains(phrase) {
                    let before = tokens.prefix(match.firstToken)
                    // "Add the dependencies and try to avoid `npm i`": "and" starts a second instruction.
                    let afterAnd = phrase != "possibly" && before.last?.hash == Self.andWord
                    guard afterAnd || before.allSatisfy({ Self.leaders.contains($0.hash) }) else { continue }
                    // "Block users who log in and try to bypass the rules": "and" joins the verbs of a
                    // relative clause, whose subject tries, not the model.
                    if afterAnd, Self.inRelativeClause(before, context.source.bytes) { continue }
                }
                // "Next, you may want to:" over a list offers its items as options: no instruction is hedged.
                if Self.offersOptions.contains(phrase), Self.endsLeadIn(match.range.upperBound, unit: context.document.units[unit].range, context.source.bytes) {
                    continue
                }
                // "... if you can find relevant news": a condition with its verb, not a hedge.
                if phrase == "if you can", Self.verbFollows(match, in: tokens, context.source.bytes) { continue }
                // Not a hedge on an instruction: "maybe the user is confused" (a guess),
                // "maybe two sentences" (an estimate), "ask if possible dates work" (an adjective).
                if let next = Self.nextWord(after: match, in: tokens, context.source.bytes) {
                    if Self.guesses.contains(phrase), next.isNumber || Self.notAnInstruction.contains(next.hash) { continue }
                    if phrase == "if possible", !Self.stillAHedgeAfterIfPossible.contains(next.hash) { continue }
                    // "The Team plan is ideally suited for groups": a fact, not a hedge.
                    if phrase == "ideally", Self.ideallyOfAFact.contains(next.hash) { continue }
                }
                if fallback == nil {
                    fallback = Self.offersAFallback(tokens) || position + 1 < units.count && Self.offersAFallback(context.tokens(units[position + 1]))
                }
                if fallback == true { continue }
                if quoted == nil { quoted = QuotedSpans(context.source.bytes, unit: context.document.units[unit].range) }
                if quoted!.contains(match.range.lowerBound) { continue }
                // "[Yes / No / Maybe]": a blank of a template and what may fill it.
                if brackets == nil { brackets = SquareBrackets(context.source.bytes, unit: context.document.units[unit].range) }
                if brackets!.contain(match.range.lowerBound) { continue }
                // "C Tier: (Maybe Skip It)": the name of a category, not an instruction.
                if Self.inTitleCaseLabel(context.source.bytes, match.range, within: context.document.units[unit].range) { continue }
                let fix = removalFix(context, unit: unit, phrase: match.range, text: phrase)
                findings.append(context.finding(self, "\"\(phrase)\" makes this optional: state the instruction directly, or say when it applies",
                                                range: match.range, unit: unit, fixes: fix.map { [$0] } ?? []))
            }
        }
        return findings
    }

    /// Words that, right before the ":" ending a unit with an output verb, ask for the
    /// text after it as it stands ("End your reply with exactly this text:").
    static let verbatimEndings = PhraseMatcher(["this text", "following text", "this message", "following message", "word for word",
                                                "verbatim", "exactly"])
    /// Verbs that ask for output (not "Here's the prompt, verbatim:", which shows one).
    static let outputVerbs = WordSet(["print", "output", "say", "reply", "respond", "write", "display", "show", "end", "append",
                                      "copy", "repeat", "type", "start", "begin", "return", "send"].map(Tokenizer.hash))

    static let (assistantTag, assistantEnd) = (Array("`<assistant>`".utf8), Array("`</assistant>`".utf8))

    /// Per unit of the document, whether it is text the model must print as it
    /// stands: after a unit ending in ":" that asks for it with an output verb and, before
    /// the colon, `verbatimEndings` ("End your reply with exactly this text:", "Print
    /// the following text:"), up to the next heading;
    /// or a reply shown in an `<assistant>` section, or between lines that are
    /// only "`<assistant>`" and "`</assistant>`".
    static func verbatimText(_ context: LintContext) -> [Bool] {
        let units = context.document.units
        let bytes = context.source.bytes
        var result = [Bool](repeating: false, count: units.count)
        var inside = false, inTurn = false
        // By index: iterating the units copies each, retaining its section names.
        for index in units.indices {
            let range = units[index].range
            if units[index].kind == .heading { (inside, inTurn) = (false, false); continue }
            if bytes[range].elementsEqual(assistantTag) { inTurn = true } else if bytes[range].elementsEqual(assistantEnd) { inTurn = false }
            result[index] = inside || inTurn || units[index].enclosingSections.contains { $0.name.utf8.count == 9 && $0.name.lowercased() == "assistant" }
            guard !range.isEmpty, bytes[range.upperBound - 1] == UInt8(ascii: ":") else { continue }
            let tokens = context.tokens(index)
            if tokens.contains(where: { outputVerbs.contains($0.hash) })
                && verbatimEndings.matches(tokens).contains(where: { $0.range.upperBound == range.upperBound - 1 }) {
                inside = true
            }
        }
        return result
    }

    /// Whether `range` is inside parentheses that hold only words with a capital
    /// first letter, at least two: a label ("C Tier: (Maybe Skip It)") names a
    /// category rather than giving an instruction.
    static func inTitleCaseLabel(_ bytes: [UInt8], _ range: Range<Int>, within unit: Range<Int>) -> Bool {
        let (open, close) = (UInt8(ascii: "("), UInt8(ascii: ")"))
        // A label is a few words: looking further for its brackets read a long unit once per hedge.
        let (from, to) = (max(unit.lowerBound, range.lowerBound - labelReach), min(unit.upperBound, range.upperBound + labelReach))
        guard let start = bytes[from..<range.lowerBound].lastIndex(where: { $0 == open || $0 == close }), bytes[start] == open,
              let end = bytes[range.upperBound..<to].firstIndex(where: { $0 == open || $0 == close }), bytes[end] == close
        else { return false }
        var words = 0
        var index = start + 1
        while index < end {
            if ByteClass.isAlpha(bytes[index]) {
                guard ByteClass.isUpper(bytes[index]) else { return false }
                words += 1
                while index < end && !(bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\n")) { index += 1 }
            } else {
                index += 1
            }
        }
        return words >= 2
    }

    /// How far from a hedge, in bytes, the brackets of a label around it may be.
    static let labelReach = 100

    static let conjunctions = WordSet(["and", "or", "but", "then", "so"].map(Tokenizer.hash))

    /// Words that open a relative clause about someone else: "users who ...", "scripts which ...".
    static let relativePronouns = WordSet(["who", "which"].map(Tokenizer.hash))

    /// Whether the words before "and" open a relative clause that nothing has closed
    /// (no punctuation but spaces after the pronoun): "users who log in and".
    /// Read back from "and", so the first mark settles it; a clause of more than
    /// `relativeReach` words is not looked through.
    static func inRelativeClause(_ before: ArraySlice<Token>, _ bytes: [UInt8]) -> Bool {
        guard let and = before.last else { return false }
        var checkedFrom = and.range.lowerBound  // the bytes from here to "and" hold words and spaces only
        for index in before.indices.dropLast().reversed().prefix(relativeReach) {
            let word = before[index]
            guard bytes[word.range.upperBound..<checkedFrom].allSatisfy(inAClause) else { return false }
            if relativePronouns.contains(word.hash) { return true }
            guard bytes[word.range].allSatisfy(inAClause) else { return false }  // a word of a pronoun's clause further back
            checkedFrom = word.range.lowerBound
        }
        return false
    }

    /// How many words back from "and" a relative pronoun is looked for.
    static let relativeReach = 24
    /// What a relative clause with nothing closing it holds: words and spaces.
    static func inAClause(_ byte: UInt8) -> Bool {
        ByteClass.isAlnum(byte) || byte == UInt8(ascii: " ") || byte == UInt8(ascii: "'") || byte == UInt8(ascii: "-")
    }

    /// Hedges that, with nothing after them but the ":" of a lead-in, offer the items below as options.
    static let offersOptions: Set<String> = ["you might want to", "you may want to"]

    /// Whether only a ":" (and spaces) follows `offset` to the end of the unit.
    static func endsLeadIn(_ offset: Int, unit: Range<Int>, _ bytes: [UInt8]) -> Bool {
        let rest = bytes[offset..<unit.upperBound]
        guard let colon = rest.firstIndex(where: { $0 != UInt8(ascii: " ") }), bytes[colon] == UInt8(ascii: ":") else { return false }
        return rest[(colon + 1)...].allSatisfy { $0 == UInt8(ascii: " ") }
    }

    /// Past participles "ideally" describes a fact with ("ideally suited", "ideally located").
    static let ideallyOfAFact = WordSet(["suited", "placed", "positioned", "located", "situated", "equipped", "matched"].map(Tokenizer.hash))

    /// Hedges that also express a guess or an estimate.
    static let guesses: Set<String> = ["maybe", "perhaps", "possibly"]
    /// After "maybe", words that start a statement or an amount, not an instruction:
    /// "maybe the user is confused", "maybe longer in December", "maybe two sentences".
    static let notAnInstruction = WordSet(["the", "a", "an", "this", "that", "these", "those", "they", "he", "she", "it", "we", "i",
                                           "there", "their", "his", "her", "its", "some", "someone", "something", "one", "two", "three",
                                           "four", "five", "six", "seven", "eight", "nine", "ten", "twice", "longer", "shorter", "later",
                                           "sooner", "less", "fewer", "not"].map(Tokenizer.hash))
    /// After "if possible" with only a space between, the words that leave it a hedge
    /// ("keep it short if possible and polite"); any other word makes "possible" an
    /// adjective ("ask if possible dates work").
    static let stillAHedgeAfterIfPossible = WordSet(["and", "or", "but", "then", "so", "when", "while", "because", "since", "unless",
                                                     "though", "as", "for", "in", "to", "with", "without", "on", "at", "by", "from",
                                                     "please", "otherwise", "else", "too", "also", "only", "first"].map(Tokenizer.hash))

    /// The word right after the match with only spaces between (none after other punctuation).
    static func nextWord(after match: PhraseMatcher.Match, in tokens: ArraySlice<Token>, _ bytes: [UInt8]) -> Token? {
        let next = tokens.startIndex + match.firstToken + matcher.phrases[match.phrase].hashes.count
        guard next < tokens.endIndex else { return nil }
        let gap = match.range.upperBound..<tokens[next].range.lowerBound
        guard !gap.isEmpty, bytes[gap].allSatisfy({ $0 == UInt8(ascii: " ") }) else { return nil }
        return tokens[next]
    }

    /// Whether the unit's next word, after spaces only, can be the condition's
    /// verb: a word, not "and", "or", "but", "then", "so" ("Keep it short if you
    /// can and use bullets" is still a hedge).
    static func verbFollows(_ match: PhraseMatcher.Match, in tokens: ArraySlice<Token>, _ bytes: [UInt8]) -> Bool {
        let next = tokens.startIndex + match.firstToken + matcher.phrases[match.phrase].hashes.count
        guard next < tokens.endIndex else { return false }
        let word = tokens[next]
        let gap = match.range.upperBound..<word.range.lowerBound
        return !gap.isEmpty && bytes[gap].allSatisfy { $0 == UInt8(ascii: " ") } && ByteClass.isAlpha(bytes[word.range.lowerBound])
            && !conjunctions.contains(word.hash)
    }

    /// Words that open a clause ending in a comma that the sentence needs:
    /// "When greeting the user, maybe joke" keeps it ("..., joke").
    static let clauseOpeners = WordSet(["when", "whenever", "if", "while", "before", "after", "once", "unless", "as", "since", "for", "in", "during"].map(Tokenizer.hash))

    static let emphasisMarks: [[UInt8]] = [Array("**".utf8), Array("__".utf8), Array("*".utf8), Array("_".utf8)]
    static let dashes: [[UInt8]] = [Array(" — ".utf8), Array(" – ".utf8), Array(" -- ".utf8)]

    /// The range of the hedge with the marks that set it apart: emphasis on both
    /// sides (with a colon or comma of its own inside, "**If possible:**"),
    /// parentheses, or a pair of dashes. Nil when it is not set apart.
    static func wrapped(_ bytes: [UInt8], _ range: Range<Int>, within unit: Range<Int>) -> Range<Int>? {
        func has(_ mark: [UInt8], at index: Int) -> Bool {
            index >= unit.lowerBound && index + mark.count <= unit.upperBound && bytes[index..<(index + mark.count)].elementsEqual(mark)
        }
        let inner = range.upperBound < unit.upperBound && (bytes[range.upperBound] == UInt8(ascii: ":") || bytes[range.upperBound] == UInt8(ascii: ","))
        for mark in emphasisMarks where has(mark, at: range.lowerBound - mark.count) {
            if has(mark, at: range.upperBound) { return (range.lowerBound - mark.count)..<(range.upperBound + mark.count) }
            if inner && has(mark, at: range.upperBound + 1) { return (range.lowerBound - mark.count)..<(range.upperBound + 1 + mark.count) }
        }
        if has(Array("(".utf8), at: range.lowerBound - 1) && has(Array(")".utf8), at: range.upperBound) {
            return (range.lowerBound - 1)..<(range.upperBound + 1)
        }
        // "brief — if possible — and" becomes "brief and": the first dash's space stays.
        for dash in dashes where has(dash, at: range.lowerBound - dash.count) && has(dash, at: range.upperBound) {
            return (range.lowerBound - dash.count + 1)..<(range.upperBound + dash.count)
        }
        return nil
    }

    static let tryWords = WordSet(["try", "attempt"].map(Tokenizer.hash))
    static let notWord = Tokenizer.hash("not")
    static let alwaysWord = Tokenizer.hash("always")
    /// Leaders that already make the sentence an instruction, so "not" can follow them:
    /// "You should try to not" reads "You should not".
    static let modals = WordSet(["should", "must"].map(Tokenizer.hash))

    /// Hedges whose removal leaves no instruction: "It would be nice if you replied
    /// in English" would read "You replied in English". They get no fix.
    static let noRemovalFix: Set<String> = ["it would be nice if"]
    /// Hedges whose first word belongs to the instruction: "You should probably ask"
    /// keeps "should".
    static let keepsFirstWord: Set<String> = ["should probably"]

    /// Words that can follow the word before a ", hedge" once both go: "Explain
    /// grammar, maybe with a table" reads "Explain grammar with a table".
    static let joinsOn = WordSet(["with", "without", "in", "on", "by", "for", "using", "via", "through", "from", "to", "as", "at",
                                  "into", "within", "and", "or", "but", "then", "so", "when", "while", "before", "after", "if",
                                  "unless", "because", "where"].map(Tokenizer.hash))

    /// Punctuation that a hedge before it leaves no space in front of:
    /// "Do this if possible: cite" reads "Do this: cite".
    static let closingPunctuation = ByteSet(Array(":;.!?)]".utf8))

    /// Whether only marks ("**", "(", a quote) come before `offset` in the unit, so the
    /// word there starts the sentence.
    static func startsSentence(_ bytes: [UInt8], at offset: Int, unit: Range<Int>) -> Bool {
        bytes[unit.lowerBound..<offset].allSatisfy { $0 < 0x80 && !ByteClass.isAlnum($0) }
    }

    /// Whether the hedge starts with a capital right after a label's colon: "**Provide
    /// alternatives**: If possible, offer" keeps its capital ("Offer"), as the author wrote it.
    static func capitalAfterALabel(_ bytes: [UInt8], phrase: Range<Int>, at offset: Int, unit: Range<Int>) -> Bool {
        guard ByteClass.isUpper(bytes[phrase.lowerBound]) else { return false }
        var k = offset
        while k > unit.lowerBound && [UInt8(ascii: " "), UInt8(ascii: "*"), UInt8(ascii: "_")].contains(bytes[k - 1]) { k -= 1 }
        return k > unit.lowerBound && bytes[k - 1] == UInt8(ascii: ":")
    }

    /// Whether a word ends right before `offset`, after spaces: "You should probably"
    /// (not "Note: ideally", "**Tone:** maybe", or the sentence's start).
    static func followsAWord(_ bytes: [UInt8], at offset: Int, unit: Range<Int>) -> Bool {
        var k = offset
        while k > unit.lowerBound && bytes[k - 1] == UInt8(ascii: " ") { k -= 1 }
        return k < offset && k > unit.lowerBound && ByteClass.isAlnum(bytes[k - 1])
    }

    /// The fix for "try to not ...": the "not" needs a verb or a modal before it.
    func tryToNotFix(_ context: LintContext, unit: Int, phrase: Range<Int>, hedge: Range<Int>, not: Range<Int>) -> Fix {
        let bytes = context.source.bytes
        let unitRange = context.document.units[unit].range
        let tokens = context.tokens(unit)
        let before = tokens.prefix { $0.range.upperBound <= hedge.lowerBound }
        let title = "Remove \"\(context.source.text(phrase))\""
        // "Always try to not guess" reads "Never guess", not "Always do not guess".
        if let always = before.last, always.hash == Self.alwaysWord {
            let capital = ByteClass.isUpper(bytes[always.range.lowerBound])
            return Fix(title: title, edits: [TextEdit(range: always.range.lowerBound..<not.upperBound, newText: capital ? "Never" : "never")])
        }
        // "You should try to not use jargon" reads "You should not use jargon".
        if before.contains(where: { Self.modals.contains($0.hash) }) {
            return Fix(title: title, edits: [TextEdit(range: hedge.lowerBound..<not.lowerBound, newText: "")])
        }
        let capital = Self.startsSentence(bytes, at: hedge.lowerBound, unit: unitRange)
        return Fix(title: title, edits: [TextEdit(range: hedge.lowerBound..<not.upperBound, newText: capital ? "Do not" : "do not")])
    }

    /// The "not" right after "try to" or "attempt to", if there is one.
    static func notAfterTry(_ context: LintContext, unit: Int, phrase: Range<Int>) -> Range<Int>? {
        let tokens = context.tokens(unit)
        let first = tokens.firstWord(from: phrase.lowerBound), next = tokens.firstWord(from: phrase.upperBound)
        guard first < tokens.endIndex, tokens[first].range.lowerBound == phrase.lowerBound, tryWords.contains(tokens[first].hash),
              next < tokens.endIndex, tokens[next].hash == notWord else { return nil }
        return tokens[next].range
    }

    /// Removes the hedge, a comma (or a colon that ends it) next to it, and capitalises
    /// the new first word.
    func removalFix(_ context: LintContext, unit: Int, phrase: Range<Int>, text: String) -> Fix? {
        if Self.noRemovalFix.contains(text) { return nil }
        let bytes = context.source.bytes
        let unitRange = context.document.units[unit].range
        var lower = phrase.lowerBound
        var upper = phrase.upperBound
        var removed = phrase
        let tokens = context.tokens(unit)
        if Self.keepsFirstWord.contains(text), case let second = tokens.firstWord(from: phrase.lowerBound + 1), second < tokens.endIndex {
            lower = tokens[second].range.lowerBound
            removed = lower..<upper
        }
        // A hedge set apart by marks goes with them: "**Try to** keep", "short (if possible).",
        // "brief — if possible — and".
        if let wrapped = Self.wrapped(bytes, lower..<upper, within: unitRange) {
            lower = wrapped.lowerBound
            upper = wrapped.upperBound
        }
        // "try to not use jargon" reads "do not use jargon" without its hedge.
        if let not = Self.notAfterTry(context, unit: unit, phrase: phrase) {
            return tryToNotFix(context, unit: unit, phrase: phrase, hedge: lower..<upper, not: not)
        }
        var commaBefore = false
        // The comma before the hedge ends the opening clause only when it is the unit's first.
        let opensWithClause = (tokens.first.map { Self.clauseOpeners.contains($0.hash) } ?? false)
            && lower - 2 >= unitRange.lowerBound && !bytes[unitRange.lowerBound..<(lower - 2)].contains(UInt8(ascii: ","))
        let commaFollows = upper < unitRange.upperBound && bytes[upper] == UInt8(ascii: ",")
        let commaPrecedes = lower - 2 >= unitRange.lowerBound && bytes[lower - 1] == UInt8(ascii: " ") && bytes[lower - 2] == UInt8(ascii: ",")
        // "If possible: cite the invoice" reads "Cite the invoice"; a colon later in the
        // sentence introduces what follows and stays.
        let leadingColon = upper < unitRange.upperBound && bytes[upper] == UInt8(ascii: ":")
            && Self.startsSentence(bytes, at: lower, unit: unitRange)
        if commaFollows && commaPrecedes && !opensWithClause {
            // Between two commas: "Try, if possible, to keep it short" keeps neither.
            lower -= 2
            upper += 1
            commaBefore = true
        } else if commaFollows && !commaPrecedes && !leadingColon && Self.followsAWord(bytes, at: lower, unit: unitRange) {
            // After a word, the comma belongs to what follows: "You should probably, if
            // needed, ask" reads "You should, if needed, ask"; the space before goes.
            while lower > unitRange.lowerBound && bytes[lower - 1] == UInt8(ascii: " ") { lower -= 1 }
        } else if commaFollows || leadingColon { upper += 1 }
        else if !opensWithClause, commaPrecedes {
            // "any statement, ideally one to two words" would read "any statement one to
            // two words": without the comma, only a preposition or a conjunction joins on.
            let next = tokens.firstWord(from: upper)
            if next < tokens.endIndex, bytes[upper..<tokens[next].range.lowerBound].allSatisfy({ $0 == UInt8(ascii: " ") }),
               !Self.joinsOn.contains(tokens[next].hash) {
                return nil
            }
            lower -= 2
            commaBefore = true
        }
        // The space after goes too, unless ", " before went: "grammar, maybe with" keeps one;
        // so does a line break ("Try to\nbe brief." reads "Be brief.", not a paragraph "be brief.").
        while !commaBefore && upper < unitRange.upperBound && ByteClass.isWhitespace(bytes[upper]) { upper += 1 }
        if lower > unitRange.lowerBound && (upper >= unitRange.upperBound - 1 || Self.closingPunctuation[bytes[upper]]) {
            // At the end, or before "." ":" ";" ")": drop the space before, keep the punctuation.
            while lower > unitRange.lowerBound && bytes[lower - 1] == UInt8(ascii: " ") { lower -= 1 }
        }
        var newText = ""
        if upper < unitRange.upperBound && ByteClass.isLower(bytes[upper])
            && (Self.startsSentence(bytes, at: lower, unit: unitRange) || Self.capitalAfterALabel(bytes, phrase: phrase, at: lower, unit: unitRange)) {
            newText = String(UnicodeScalar(bytes[upper] - 32))
            upper += 1
        }
        guard upper > lower, upper <= unitRange.upperBound else { return nil }
        if lower == unitRange.lowerBound && upper == unitRange.upperBound { return nil }
        return Fix(title: "Remove \"\(context.source.text(removed))\"", edits: [TextEdit(range: lower..<upper, newText: newText)])
    }
}
