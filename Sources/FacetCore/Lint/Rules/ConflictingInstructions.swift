/// Two instructions that cannot both be followed.
struct ConflictingInstructions: LintRule {
    let id = "conflicting-instructions"
    let defaultSeverity = Severity.warning
    let summary = "Two instructions contradict each other (brief vs detailed, formal vs casual, JSON only vs bullets, always vs never, two reply languages)"
    let explanation = """
    When two instructions pull in opposite directions the model picks one, and \
    not always the same one. The finding sits on the later instruction and \
    points at the earlier one.

    Detected pairs:
    - length of the reply: "be brief", "keep answers short", "concise \
    responses" vs "explain every step", "in detail", "be thorough", \
    "comprehensive answers" (a length word about something else, "a concise \
    summary field", "short headers", is not about the reply and is not counted; \
    nor is brevity in a unit that counts lines of code, "be brief: show fewer \
    than 10 lines of the code", which is about the code shown; and "thorough" or \
    "exhaustive" beside "careful", "diligent" or "rigorous", "be careful and \
    exhaustive", asks for care, not length);
    - register: "formal" vs "casual", "informal", "slang", said of the reply \
    ("be formal", "write formally", "a casual tone", "formal English", "be \
    casual, friendly and warm"; "draft a formal complaint" is about the \
    complaint and is not counted; after "a", "the" or "your", adjectives \
    joined by commas or "and" still stand before their noun, so "a casual, \
    friendly invitation" is not counted either, but "a casual, friendly \
    reply" is, and so do they right after a verb of making something, "draft \
    casual, friendly invitations"; a noun the assistant is told to be \
    describes the assistant, so "be a casual, friendly presence" and "you are \
    a formal assistant" count; nor is "too formal", which finds fault, or \
    "users often write informally", which describes them; "slang" when the \
    assistant is told to use some, not "customers write in slang");
    - output: "only JSON" vs "bullet points", "Markdown", "a table" ("all \
    input is raw JSON" is about the input, and a unit \
    about what goes into the JSON, "the notes field may contain Markdown", "put \
    the headings in the outline array", asks for no other shape);
    - "always X" vs "never X" (or "do not X") on the same instruction: the \
    rest of the clause, little words ("the", "a", "your") aside ("always ask for \
    the order number" and "never ask for passwords" are two instructions; a \
    narrower prohibition, "never use emojis in formal emails", is an exception);
    - two different reply languages ("respond in English" vs "reply in French", \
    "all answers must be in German": a reply verb or noun, then "in" and the \
    language with only little words between; "write three example sentences in \
    French" is not about the reply, nor is what users do, "customers often \
    write in German", "the user may write in Spanish").

    A placeholder of a template the model fills in, a unit that opens with \
    "..." ("... (explain the task briefly)") or with a parenthesis that runs on \
    past it ("(Describe the return structure. ...)"), is not an instruction for \
    the reply and is not counted, up to the end of its parenthesis. An aside \
    closed in its own sentence ("(Always reply in French.)") still counts.

    In a message that sets up several personas (sections opening with "You are \
    the sales agent.", "You are the support agent."), two personas are not \
    compared with each other: each may be told something else.

    A clause that negates its cue ("don't be brief") or says when it applies \
    ("if", "when", "unless") is not counted, and neither is a unit that opens \
    with a condition ("If ..."), or is a later sentence of a list item that \
    opens with a condition and a colon ("- If the user gave no context: Ask \
    one question. Keep it short."; not one that opens with "always" or \
    "never"), or says to whom it applies ("For technical \
    questions, ...", "Mexican customers: ...", "... to customers in Mexico", \
    "... for complex questions", "... for beginners"): saying when is the fix \
    this rule asks for. The rest of a unit still counts: "Write detailed \
    answers, and avoid jargon" asks for detail (clauses end at ";" and before \
    ", and", ", but", ", or", ", then", ", also"; not before ", unless", ", if" or \
    ", but only if", which qualify what went before). Nor, for length and output, is a unit that only describes ("the search tool \
    returns detailed responses"). For length, register and output, a message \
    that offers both sides as options to choose from, joined by "or" with a \
    word of choosing ("the register needed: formal (usted), informal (tú), or \
    neutral", "short answers or detailed answers, as the question needs"; not \
    "label each email as formal or informal", nor "formal language over \
    casual"), has said the choice depends on the case: its instructions on \
    either side are that choice made, and are not compared (a choice said to \
    one of several personas holds for that persona only). Resolve the \
    conflict by deciding which applies when, e.g. "Be brief unless the user \
    asks for detail."
    """

    /// A class, so walking the axes retains one reference each rather than every array inside.
    final class Axis: Sendable {
        let name: String
        let sideA: PhraseMatcher
        let sideB: PhraseMatcher
        let describeA: String
        let describeB: String
        /// How a phrase is found to be about the reply (`ConflictingInstructions.asks`).
        let kind: Kind

        init(name: String, kind: Kind, sideA: PhraseMatcher, sideB: PhraseMatcher, describeA: String, describeB: String) {
            self.kind = kind
            self.name = name
            self.sideA = sideA
            self.sideB = sideB
            self.describeA = describeA
            self.describeB = describeB
        }
    }

    enum Kind {
        /// `ReplyLength.asksFor`, in a unit that is not a description.
        case length
        /// `ReplyRegister.asksFor`.
        case register
        /// Any phrase of a side.
        case output
    }

    static let axes: [Axis] = [
        Axis(name: "length", kind: .length, sideA: PhraseMatcher(ReplyLength.brief), sideB: PhraseMatcher(ReplyLength.detailed),
             describeA: "brevity", describeB: "detail"),
        Axis(name: "register", kind: .register,
             sideA: PhraseMatcher(["formal", "formally"]),
             sideB: PhraseMatcher(["casual", "casually", "informal", "informally", "slang", "colloquial", "laid-back", "laid back"]),
             describeA: "a formal register", describeB: "a casual register"),
        Axis(name: "output", kind: .output,
             sideA: PhraseMatcher(["only in json", "only json", "only with json", "only valid json", "json only", "only a json", "only the json",
                                   "nothing but json", "only output json", "only return json", "raw json"]),
             sideB: PhraseMatcher(["bullet points", "bullet point", "bullets", "bulleted list", "markdown", "a table", "numbered list", "prose", "headings"]),
             describeA: "JSON only", describeB: "another output shape"),
    ]

    /// Per word, what it tells about a unit that holds it: bit `2i` (`2i + 1`)
    /// when a phrase of axis `i`'s side A (B) starts with it (for the reply's
    /// length, holds it: `ReplyLength`'s key words), `negatorBit` for a
    /// negator, `conditionBit` for a condition, `replyVerbBit` for a reply verb,
    /// `modalBit` for "always" and "never", `audienceBit` for whom an instruction
    /// may be limited to.
    /// One lookup per word then says which sides could match and whether the unit
    /// negates, sets a condition or names a reply verb; asking each side and each
    /// set per word was most of this rule's time.
    static let wordBits: WordTable<UInt16> = {
        var table = WordTable<UInt16>()
        for (index, axis) in axes.enumerated() {
            let wordsA = axis.kind == .length ? ReplyLength.briefKeyWords.map(CompiledLexicon.hashWord) : axis.sideA.firstWords
            let wordsB = axis.kind == .length ? ReplyLength.detailedKeyWords.map(CompiledLexicon.hashWord) : axis.sideB.firstWords
            for word in wordsA { table.update(word, default: 0) { $0 |= 1 << (2 * index) } }
            for word in wordsB { table.update(word, default: 0) { $0 |= 1 << (2 * index + 1) } }
        }
        for word in negatorWords { table.update(Tokenizer.hash(word), default: 0) { $0 |= negatorBit } }
        for word in languageVerbWords { table.update(Tokenizer.hash(word), default: 0) { $0 |= replyVerbBit } }
        for word in conditionWords { table.update(Tokenizer.hash(word), default: 0) { $0 |= conditionBit } }
        for word in ["always", "never", "don't", "not"] { table.update(Tokenizer.hash(word), default: 0) { $0 |= modalBit } }
        for hash in InstructionScope.audiences.hashes { table.update(hash, default: 0) { $0 |= audienceBit } }
        for word in ReplyLength.briefAdjectives { table.update(CompiledLexicon.hashWord(word), default: 0) { $0 |= briefAdjectiveBit } }
        for word in ReplyLength.detailedAdjectives { table.update(CompiledLexicon.hashWord(word), default: 0) { $0 |= detailedAdjectiveBit } }
        for word in ReplyLength.briefAdverbs { table.update(Tokenizer.hash(word), default: 0) { $0 |= briefAdverbBit } }
        for word in ReplyLength.detailedAdverbs { table.update(Tokenizer.hash(word), default: 0) { $0 |= detailedAdverbBit } }
        for word in ReplyLength.replyVerbs { table.update(Tokenizer.hash(word), default: 0) { $0 |= lengthVerbBit } }
        return table
    }()
    /// In a unit's bits (not a word's): the unit opens with a condition ("If ..."),
    /// is a later sentence of a list item that does (`itemOpensWithACondition`), or
    /// says to whom it applies (`InstructionScope`), so none of it is counted.
    static let limitedBit: UInt32 = 1 << 16
    /// A word that qualifies its clause (`FreeClauses`).
    static let qualifyingBits: UInt16 = negatorBit | conditionBit
    static let negatorBit: UInt16 = 1 << 6
    static let replyVerbBit: UInt16 = 1 << 7
    static let conditionBit: UInt16 = 1 << 8
    static let briefAdverbBit: UInt16 = 1 << 9
    static let detailedAdverbBit: UInt16 = 1 << 10
    static let lengthVerbBit: UInt16 = 1 << 11
    static let briefAdjectiveBit: UInt16 = 1 << 12
    static let detailedAdjectiveBit: UInt16 = 1 << 13
    /// "always", "never", "don't", "not": the words `alwaysNever` starts from.
    static let modalBit: UInt16 = 1 << 14
    /// Who an instruction may be limited to (`InstructionScope.audiences`).
    static let audienceBit: UInt16 = 1 << 15
    /// A unit with none of these bits is in no check, and whether it is scoped does not matter.
    static let checkedBits: UInt16 = 0b11_1111 | replyVerbBit | modalBit
    static let brief = ReplyLength.Bits(adjective: briefAdjectiveBit, adverb: briefAdverbBit, verb: lengthVerbBit)
    static let detailed = ReplyLength.Bits(adjective: detailedAdjectiveBit, adverb: detailedAdverbBit, verb: lengthVerbBit)

    static let negatorWords = ["not", "don't", "dont", "never", "avoid", "no", "without", "nor", "neither", "unless", "except", "instead"]
    /// A unit with one of these says when it applies ("Be brief when the user is in a hurry"):
    /// deciding which applies when is what the finding asks for, and it is done.
    static let conditionWords = ["if", "when", "whenever", "unless", "except", "otherwise", "depending"]
    static let languageVerbWords = ["respond", "reply", "answer", "write", "speak", "communicate", "response", "responses", "answers", "replies"]
    /// Words that may stand between a reply verb or noun and "in <language>": "Respond
    /// to the user in Spanish", "All answers must be written in German" (not "Write
    /// three example sentences in French").
    static let beforeLanguage = WordSet(["only", "always", "your", "the", "all", "back", "to", "user", "users", "user's", "them", "me", "you",
                                         "must", "should", "will", "shall", "be", "are", "is", "strictly", "exclusively", "solely",
                                         "entirely", "written", "please", "also", "every", "each", "any", "their", "customer", "customers",
                                         "with", "question", "questions", "query", "queries", "message", "messages", "request", "requests",
                                         "inquiry", "inquiries"].map(Tokenizer.hash))
    /// How many of those words may stand there.
    static let languageReach = 6

    static let always = Tokenizer.hash("always")
    static let never = Tokenizer.hash("never")
    static let doWord = Tokenizer.hash("do")
    static let notWord = Tokenizer.hash("not")
    static let dont = Tokenizer.hash("don't")
    static let inWord = Tokenizer.hash("in")
    static let languages: [UInt64: String] = Dictionary(uniqueKeysWithValues: ["english", "spanish", "french", "german", "italian", "portuguese", "chinese", "mandarin", "japanese",
        "korean", "russian", "arabic", "hindi", "dutch", "swedish", "polish", "turkish", "greek", "hebrew", "vietnamese", "thai",
        "indonesian", "ukrainian", "czech", "danish", "finnish", "norwegian"].map { (Tokenizer.hash($0), $0.prefix(1).uppercased() + $0.dropFirst()) })
    /// At most this many findings per kind of conflict, so one long message does not drown the rest.
    static let maximumPerAxis = 5

    func check(_ context: LintContext) -> [Finding] {
        var findings: [Finding] = []
        let placeholder = Self.placeholders(context.document)
        let units = context.proseUnits.filter { context.document.units[$0].kind != .heading && !placeholder[$0] }
        // Each unit's words' bits together, found once for all the checks below.
        let wordBits = Vocabulary.shared.conflictBits
        // `limitedBit` for one that opens with a condition (or whose list item does) or says to whom it applies ("For beginners, ...").
        let bytes = context.source.bytes
        let unitBits = units.map { unit in
            let tokens = context.tokens(unit)
            let bits = UInt32(tokens.reduce(0 as UInt16) { $0 | wordBits[Int($1.id)] })
            guard bits & UInt32(Self.checkedBits) != 0, let first = tokens.first else { return bits }
            let limited = wordBits[Int(first.id)] & Self.conditionBit != 0
                || InstructionScope.opensWithScope(tokens, bytes)
                || bits & UInt32(Self.audienceBit) != 0 && InstructionScope.endsWithScope(tokens)
                || Self.itemOpensWithACondition(context, unit, wordBits)
            return limited ? bits | Self.limitedBit : bits
        }
        // Two personas of one message are told different things on purpose (`context.persona`).
        let qualified = UInt32(Self.qualifyingBits)
        for (axisIndex, axis) in Self.axes.enumerated() {
            let bitA: UInt32 = 1 << (2 * axisIndex), bitB: UInt32 = 1 << (2 * axisIndex + 1)
            // Per persona (0 for none), the first unit asking for each side.
            var firstA: [Int: Int] = [:], firstB: [Int: Int] = [:]
            var count = 0
            // Personas (0 for none) told that the axis is chosen case by case (`offersBoth`): a
            // negated or limited unit ("Avoid slang or formal words", "If ..., formal or casual")
            // and a description make no such choice.
            var choosePerCase = Set<Int>()
            for (position, unit) in units.enumerated() where unitBits[position] & (bitA | bitB) == bitA | bitB
                && unitBits[position] & (UInt32(Self.negatorBit) | Self.limitedBit) == 0 && !Self.describes(context.facets[unit])
                && Self.offersBoth(axis, context.tokens(unit)) {
                choosePerCase.insert(context.persona(of: unit))
            }
            for (position, unit) in units.enumerated() {
                let bits = unitBits[position]
                guard bits & (bitA | bitB) != 0 && bits & Self.limitedBit == 0 else { continue }
                let persona = context.persona(of: unit)
                // A choice said to everyone holds for every persona; one said to a persona, for that persona only.
                if choosePerCase.contains(0) || choosePerCase.contains(persona) { continue }
                let tokens = context.tokens(unit)
                if axis.kind != .register && Self.describes(context.facets[unit]) { continue }
                var a = false, b = false
                if bits & qualified == 0 {
                    a = bits & bitA != 0 && Self.asks(axis, sideA: true, tokens, wordBits, bytes)
                    b = bits & bitB != 0 && Self.asks(axis, sideA: false, tokens, wordBits, bytes)
                } else {
                    // Only the clauses without a negator or condition.
                    var clauses = FreeClauses(tokens, bytes, wordBits)
                    while let clause = clauses.next() {
                        a = a || bits & bitA != 0 && Self.asks(axis, sideA: true, clause, wordBits, bytes)
                        b = b || bits & bitB != 0 && Self.asks(axis, sideA: false, clause, wordBits, bytes)
                    }
                }
                if a && b { continue }  // "concise but thorough" in one breath is a choice, not a conflict
                if a, let earlier = Self.earliest(firstB, for: persona, unit: { $0 }), count < Self.maximumPerAxis {
                    findings.append(conflict(context, unit, earlier, "asks for \(axis.describeA), but an earlier instruction asks for \(axis.describeB)"))
                    count += 1
                } else if b, let earlier = Self.earliest(firstA, for: persona, unit: { $0 }), count < Self.maximumPerAxis {
                    findings.append(conflict(context, unit, earlier, "asks for \(axis.describeB), but an earlier instruction asks for \(axis.describeA)"))
                    count += 1
                }
                if a && firstA[persona] == nil { firstA[persona] = unit }
                if b && firstB[persona] == nil { firstB[persona] = unit }
            }
        }
        findings += alwaysNever(context, units, unitBits)
        findings += replyLanguages(context, units, unitBits)
        return findings
    }

    /// Whether `tokens` ask for side A (`sideA`) or side B of `axis`, in words about the reply.
    static func asks(_ axis: Axis, sideA: Bool, _ tokens: ArraySlice<Token>, _ wordBits: [UInt16], _ bytes: [UInt8]) -> Bool {
        let phrases = sideA ? axis.sideA : axis.sideB
        switch axis.kind {
        case .length:
            // "Be very brief by only providing fewer than 10 lines of the code": the length of an excerpt.
            if sideA && linesOfCode.hasMatch(tokens) { return false }
            return ReplyLength.asksFor(phrases, sideA ? brief : detailed, in: tokens, bits: wordBits, bytes: bytes)
        case .register: return ReplyRegister.asksFor(phrases, in: tokens, bytes: bytes)
        case .output:
            if sideA {
                // Read once up to each phrase (they come in order), so a long unit stays linear.
                var input = false, read = tokens.startIndex
                return phrases.hasMatch(tokens) { first, _ in
                    while read < first { input = speaksOfTheInput(tokens[read].hash, after: input); read += 1 }
                    return !input
                }
            }
            return phrases.hasMatch(tokens) && !aboutJSONContent(tokens, bytes)
        }
    }

    /// Per unit of the document, whether it is a placeholder of a template the model
    /// fills in: a unit that opens with "..." ("... (explain the task briefly)"), or
    /// with a "(" it does not close ("(Describe the return structure."), and those
    /// after it in its paragraph until its parenthesis closes. What it says is what to write there,
    /// not an instruction for the reply.
    static func placeholders(_ document: Document) -> [Bool] {
        let bytes = document.source.bytes
        var result = [Bool](repeating: false, count: document.units.count)
        var depth = 0, block = -1
        // By index: iterating the units copies each, retaining its section names.
        for index in document.units.indices {
            let (kind, unitBlock, range) = (document.units[index].kind, document.units[index].block, document.units[index].range)
            if kind == .heading || unitBlock != block { (depth, block) = (0, unitBlock) }
            let text = bytes[range]
            let wasOpen = depth > 0
            // Most units open no placeholder and sit in none: their bytes are not scanned.
            guard let first = text.first, wasOpen || first == UInt8(ascii: "(") || first == UInt8(ascii: ".") || first == 0xE2 else { continue }
            let ellipsis = text.starts(with: "...".utf8) || text.starts(with: "…".utf8)
            guard wasOpen || ellipsis || first == UInt8(ascii: "(") else { continue }
            for b in text {
                if b == UInt8(ascii: "(") { depth += 1 } else if b == UInt8(ascii: ")") && depth > 0 { depth -= 1 }
            }
            // A parenthesis that closes in its own unit is an aside ("(Always reply in French.)"), still an instruction.
            let opensPlaceholder = first == UInt8(ascii: "(") && depth > 0
            if wasOpen || ellipsis || opensPlaceholder { result[index] = true }
        }
        return result
    }

    /// A count of lines of code: brevity beside it is about the code shown, not the reply.
    static let linesOfCode = PhraseMatcher(["lines of code", "lines of the code", "line of code"])

    /// Words that say what comes in ("All input is raw JSON", "You receive only JSON"),
    /// and words that turn to what goes out again ("Given the input, output only JSON").
    static let inputWords = WordSet(["input", "inputs", "receive", "receives", "received", "incoming", "given", "provided"].map(Tokenizer.hash))
    static let outputWords = WordSet(["output", "outputs", "return", "returns", "respond", "reply", "answer", "write", "produce", "generate",
                                      "emit", "print", "format"].map(Tokenizer.hash))

    /// Whether the words up to `word` speak of the input (an input word, and no output
    /// word after it), given whether those before it did.
    @inline(__always)
    static func speaksOfTheInput(_ word: UInt64, after input: Bool) -> Bool {
        inputWords.contains(word) || input && !outputWords.contains(word)
    }

    /// Words for the parts of a JSON document: a unit that names one ("The notes
    /// field may contain Markdown", "Put the headings in the outline array") says
    /// what goes into the JSON, not that the reply takes another shape.
    static let jsonParts = WordSet(["field", "fields", "array", "arrays", "key", "keys", "property", "properties", "object", "objects",
                                    "value", "values", "string", "strings", "attribute", "attributes"].map(Tokenizer.hash))
    static let key = Tokenizer.hash("key")

    /// Whether `tokens` name a part of a JSON document (`jsonParts`); "key" only as
    /// a noun, with no word right after it ("the notes key", not "key points").
    static func aboutJSONContent(_ tokens: ArraySlice<Token>, _ bytes: [UInt8]) -> Bool {
        tokens.indices.contains { index in
            guard jsonParts.contains(tokens[index].hash) else { return false }
            guard tokens[index].hash == key, index + 1 < tokens.endIndex else { return true }
            return !tokens.onlySpaces(after: index, in: bytes)
        }
    }

    /// Whether `unit` is a later sentence of a list item that opens with a condition:
    /// "- **If the user gave no context**: Ask one question. Keep it short." is
    /// short only then, as a unit opening with "If" is: a later sentence of a list
    /// item whose first sentence is a condition labelled with a colon. Not one
    /// that opens with "always" or "never", which says it holds in every case.
    static func itemOpensWithACondition(_ context: LintContext, _ unit: Int, _ wordBits: [UInt16]) -> Bool {
        let units = context.document.units
        guard units[unit].kind == .listItem, let own = context.tokens(unit).first, wordBits[Int(own.id)] & modalBit == 0 else { return false }
        var first = unit
        while first > 0 && units[first - 1].block == units[unit].block && units[first - 1].kind == .listItem { first -= 1 }
        guard first != unit, let opening = context.tokens(first).first, wordBits[Int(opening.id)] & conditionBit != 0 else { return false }
        // The label's colon: "**If the user gave no context**:", not "If asked, link the policy."
        return context.source.bytes[opening.range.upperBound..<units[first].range.upperBound].contains(UInt8(ascii: ":"))
    }

    /// Whether a unit offers both sides as options to choose from: both joined by
    /// "or", with a word of choosing ("the register needed: formal (usted),
    /// informal (tú), or neutral", "short answers or detailed answers, as the
    /// question needs", "choose a formal or casual register"). The author has said
    /// the choice depends on the case, so instructions on either side elsewhere
    /// are that choice made, not a conflict. "Label each email as formal or
    /// informal" names the options without choosing, and "formal language over
    /// casual or slang" prefers one.
    static func offersBoth(_ axis: Axis, _ tokens: ArraySlice<Token>) -> Bool {
        guard tokens.contains(where: { choiceWords.contains($0.hash) }), !tokens.contains(where: { preferenceWords.contains($0.hash) }) else {
            return false
        }
        var startsA: [Int] = []
        _ = axis.sideA.hasMatch(tokens) { first, _ in startsA.append(first); return false }
        guard !startsA.isEmpty else { return false }
        return axis.sideB.hasMatch(tokens) { first, _ in
            startsA.contains { a in
                // Two options of one list, and an "or" in it: "formal, informal or neutral".
                abs(a - first) <= optionReach
                    && tokens[min(a, first)..<min(tokens.endIndex, max(a, first) + optionReach)].contains { $0.hash == orWord }
            }
        }
    }
    /// How many words apart two options of one list may stand, and how far past the later one its "or" may.
    static let optionReach = 4
    static let orWord = Tokenizer.hash("or")
    /// Words that make options a choice to be made case by case.
    static let choiceWords = WordSet(["need", "needs", "needed", "choose", "chooses", "chosen", "choice", "decide", "pick", "depending",
                                      "depends", "appropriate", "suits", "fits", "match", "matches", "whichever", "either"].map(Tokenizer.hash))
    /// Words that rank one option above another rather than offer both.
    static let preferenceWords = WordSet(["over", "rather", "than", "prefer", "prefers", "preferred", "instead"].map(Tokenizer.hash))

    /// The earliest of `firsts` (per persona, 0 for none) a unit of `persona` can
    /// contradict (`PersonaSections.sameAgent`); `unit` reads a first's unit.
    static func earliest<First>(_ firsts: [Int: First], for persona: Int, unit: (First) -> Int) -> First? {
        var earliest: First?
        for (other, first) in firsts where PersonaSections.sameAgent(other, persona) && earliest.map({ unit(first) < unit($0) }) ?? true {
            earliest = first
        }
        return earliest
    }

    /// A unit that only describes (background, a tool) and asks nothing: "The tool
    /// returns detailed responses", "Users are too busy to read long explanations".
    static func describes(_ facets: UnitFacets) -> Bool {
        (facets.has(.background) || facets.has(.tool)) && !facets.has(.task) && !facets.has(.style) && !facets.has(.format)
    }

    func conflict(_ context: LintContext, _ unit: Int, _ earlier: Int, _ message: String) -> Finding {
        let line = context.source.lines.line(containing: context.document.units[earlier].range.lowerBound) + 1
        return context.finding(self, "this \(message) (line \(line)); say which applies when",
                               range: context.document.units[unit].range, unit: unit,
                               related: [RelatedRange(range: context.document.units[earlier].range, message: "the conflicting instruction")])
    }

    /// "Always use emojis" vs "Never use emojis": the same instruction after opposite
    /// modals, not counting little words. What is compared is the rest of the clause
    /// (up to `clauseWords` words): "always ask for the order number" and "do not ask
    /// for passwords" share only "ask for". A prohibition that is a prefix of the other
    /// side ("never use emojis" against "always use emojis in replies") conflicts; a
    /// narrower prohibition ("always use emojis", "never use emojis in formal emails")
    /// is an exception, not a conflict. A unit with a condition is skipped.
    func alwaysNever(_ context: LintContext, _ units: [Int], _ unitBits: [UInt32]) -> [Finding] {
        // Keyed by the clause's first two words (`WordPair`: an array key would be allocated per modal).
        // Each clause's words sit in `clauseWords` (`start..<end`), written there as
        // they are read, not in an array of their own: one allocation per "always"
        // or "never" was most of this rule's time.
        var byKey: [WordPair: ClauseLists] = [:]
        var clauseWords: [UInt64] = []
        var findings: [Finding] = []
        let (always, never, dont, doWord, notWord) = (Self.always, Self.never, Self.dont, Self.doWord, Self.notWord)
        let kinds = Vocabulary.shared.clauseWordKinds  // clause enders and little words by token id, not by hash lookups
        let bytes = context.source.bytes
        for (position, unit) in units.enumerated() where unitBits[position] & (UInt32(Self.conditionBit) | Self.limitedBit) == 0 {
            let persona = context.persona(of: unit)
            // Indices from 0, as in an array of the unit's tokens.
            let tokens = context.tokens(unit)
            let base = tokens.startIndex
            for i in 0..<tokens.count {
                let token = tokens[base + i]
                var polarity: Bool?
                var next = i + 1
                if token.hash == always { polarity = true }
                if token.hash == never { polarity = false }
                if token.hash == dont { polarity = false }
                if token.hash == doWord && i + 1 < tokens.count && tokens[base + i + 1].hash == notWord { polarity = false; next = i + 2 }
                guard let polarity else { continue }
                let start = clauseWords.count
                for k in next..<tokens.count {
                    if k > next && Self.endsClause(bytes, tokens[base + k - 1].range.upperBound..<tokens[base + k].range.lowerBound) { break }
                    let kind = kinds[Int(tokens[base + k].id)]
                    if kind == ClauseWord.ender { break }
                    if kind == ClauseWord.little { continue }
                    clauseWords.append(tokens[base + k].hash)
                    if clauseWords.count - start == Self.clauseWords { break }
                }
                guard clauseWords.count - start >= 2 else { clauseWords.removeSubrange(start...); continue }
                let clause = Clause(unit: unit, start: start, end: clauseWords.count, persona: persona)
                let key = WordPair(first: clauseWords[start], second: clauseWords[start + 1])
                // Two units disagree; one that says both ("always X, never X if ...") is
                // one instruction with its exception. One lookup of the key for the search and the record.
                if let other = Self.record(clause, polarity: polarity, in: &byKey[key, default: ClauseLists()], words: clauseWords),
                   findings.count < Self.maximumPerAxis {
                    findings.append(conflict(context, unit, other.unit, polarity ? "says always, but an earlier instruction says never"
                                                                                 : "says never, but an earlier instruction says always"))
                }
            }
        }
        return findings
    }

    /// A clause after "always" or "never": its unit, its words in the rule's flat array, and the unit's persona.
    struct Clause {
        var unit: Int
        var start: Int
        var end: Int
        var persona: Int
    }

    /// The clauses of one key said with "always" and with "never", in order.
    struct ClauseLists {
        var always: [Clause] = []
        var never: [Clause] = []
    }

    /// The first earlier clause of the other polarity that `clause` contradicts (another
    /// unit of the same agent; the "always" clause holds the "never" one's words first),
    /// and records `clause` after it. Units come in order, so the clauses of `clause`'s
    /// own unit end the lists and the search stops at them: a unit saying "never X and
    /// always X" thousands of times read all of its clauses for each one.
    static func record(_ clause: Clause, polarity: Bool, in lists: inout ClauseLists, words: [UInt64]) -> Clause? {
        let mine = words[clause.start..<clause.end]
        func opposes(_ other: Clause) -> Bool {
            guard PersonaSections.sameAgent(other.persona, clause.persona) else { return false }
            let theirs = words[other.start..<other.end]
            return polarity ? mine.starts(with: theirs) : theirs.starts(with: mine)
        }
        func earlierUnits(_ list: [Clause]) -> LazyPrefixWhileSequence<[Clause]> { list.lazy.prefix { $0.unit != clause.unit } }
        if polarity {
            defer { lists.always.append(clause) }
            return earlierUnits(lists.never).first(where: opposes)
        } else {
            defer { lists.never.append(clause) }
            return earlierUnits(lists.always).first(where: opposes)
        }
    }

    /// What a word is in a clause after "always" or "never" (`Vocabulary.clauseWordKinds`).
    enum ClauseWord {
        /// It starts another clause (`clauseEnders`).
        static let ender: UInt8 = 1
        /// It is left out of the comparison (`littleWords`).
        static let little: UInt8 = 2
    }

    /// How much of the clause after "always" or "never" is compared.
    static let clauseWords = 6
    /// Words that start another clause: "never use emojis and keep it short".
    static let clauseEnders = WordSet(["and", "but", "or", "then", "so", "because", "while", "unless", "except"].map(Tokenizer.hash))

    /// Punctuation between two words that ends a clause.
    static func endsClause(_ bytes: [UInt8], _ gap: Range<Int>) -> Bool {
        if gap.count == 1 && bytes[gap.lowerBound] == UInt8(ascii: " ") { return false }  // most gaps
        return bytes[gap].contains { byte in
            switch byte {
            case UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":"), UInt8(ascii: "."), UInt8(ascii: "!"),
                 UInt8(ascii: "?"), UInt8(ascii: "("), UInt8(ascii: ")"): return true
            default: return false
            }
        }
    }

    struct WordPair: Hashable {
        var first: UInt64
        var second: UInt64

        /// One word for the hasher rather than two (both are already hashes): hashing
        /// was most of a lookup. Equality still compares both.
        func hash(into hasher: inout Hasher) { hasher.combine(FacetModel.pairHash(first, second)) }
    }

    static let littleWords = WordSet(["the", "a", "an", "this", "that", "these", "those", "your", "my", "our", "their", "its", "any", "to", "of"]
        .map(Tokenizer.hash))

    /// "Respond in English" and "Reply in French" in one message.
    /// `unitBits`: each unit's `wordBits` and `limitedBit`, as `check` found them.
    func replyLanguages(_ context: LintContext, _ units: [Int], _ unitBits: [UInt32]) -> [Finding] {
        // Per persona (0 for none), the first reply language asked for.
        var firsts: [Int: (unit: Int, language: String)] = [:]
        var findings: [Finding] = []
        let wordBits = Vocabulary.shared.conflictBits
        let bytes = context.source.bytes
        for (position, unit) in units.enumerated() {
            let bits = unitBits[position]
            guard bits & UInt32(Self.replyVerbBit) != 0 && bits & Self.limitedBit == 0 else { continue }
            let tokens = context.tokens(unit)
            var language: String?
            if bits & UInt32(Self.qualifyingBits) == 0 {
                language = Self.replyLanguage(in: tokens, wordBits, bytes)
            } else {
                // Only the clauses without a negator or condition.
                var clauses = FreeClauses(tokens, bytes, wordBits)
                while language == nil, let clause = clauses.next() { language = Self.replyLanguage(in: clause, wordBits, bytes) }
            }
            guard let language else { continue }
            let persona = context.persona(of: unit)
            let first = Self.earliest(firsts, for: persona, unit: \.unit)
            if let first, first.language != language, findings.count < Self.maximumPerAxis {
                findings.append(conflict(context, unit, first.unit, "asks for replies in \(language), but an earlier instruction asks for \(first.language)"))
            }
            if firsts[persona] == nil { firsts[persona] = (unit, language) }
        }
        return findings
    }

    /// The first reply language `tokens` ask for ("Reply in French").
    static func replyLanguage(in tokens: ArraySlice<Token>, _ wordBits: [UInt16], _ bytes: [UInt8]) -> String? {
        for i in tokens.indices.dropLast() where tokens[i].hash == inWord {
            if let language = languages[tokens[i + 1].hash], aboutTheReply(tokens, languageAt: i, wordBits, bytes) { return language }
        }
        return nil
    }

    /// Whether "in <language>" at `index` is said of the reply: after a reply verb or
    /// noun ("Reply to users in French", "Answers must be in German") whose subject is
    /// not the user ("Customers often write in German" says what they send) or, opening
    /// the unit, before one ("In French, write to customers").
    static func aboutTheReply(_ tokens: ArraySlice<Token>, languageAt index: Int, _ wordBits: [UInt16], _ bytes: [UInt8]) -> Bool {
        var before = index - 1
        while before >= max(tokens.startIndex, index - 1 - languageReach) {
            if wordBits[Int(tokens[before].id)] & replyVerbBit != 0 { return !UserSubject.isSubject(ofVerbAt: before, in: tokens, bytes) }
            guard beforeLanguage.contains(tokens[before].hash) else { break }
            before -= 1
        }
        guard index == tokens.startIndex else { return false }
        var after = index + 2
        while after < min(tokens.endIndex, index + 2 + languageReach) {
            if wordBits[Int(tokens[after].id)] & replyVerbBit != 0 { return true }
            guard beforeLanguage.contains(tokens[after].hash) else { return false }
            after += 1
        }
        return false
    }

    /// The clauses of a unit that have no negator or condition word (`qualifyingBits`),
    /// where a cue counts: such a word qualifies only its clause, so "Write detailed
    /// answers, and avoid jargon" still asks for detail. A clause ends at ";" and
    /// before ", and", ", but", ", or", ", then", ", also"; not before ", unless",
    /// ", if" or ", but only if", which qualify what went before ("Be brief, unless
    /// the user asks for detail"). A clause opened by ", or" or ", then" keeps the qualification of the
    /// one before ("Never use tables, or Markdown"), and after a comma in the same
    /// clause ", and" and ", or" end a list, not the clause ("Avoid tables, lists,
    /// and Markdown"). Slices of the unit's tokens, so nothing is allocated.
    struct FreeClauses {
        let tokens: ArraySlice<Token>
        let bytes: [UInt8]
        let wordBits: [UInt16]
        /// Where the next clause starts.
        var start: Int
        /// Whether the next clause takes on the qualification of the one before.
        var inherited = false

        init(_ tokens: ArraySlice<Token>, _ bytes: [UInt8], _ wordBits: [UInt16]) {
            self.tokens = tokens
            self.bytes = bytes
            self.wordBits = wordBits
            start = tokens.startIndex
        }

        static let openers = WordSet(["and", "but", "or", "then", "also"].map(Tokenizer.hash))
        /// Openers that, after a comma inside the clause, end a list instead: "tables, lists, and Markdown".
        static let listEnders = WordSet(["and", "or"].map(Tokenizer.hash))
        /// Openers whose clause keeps the qualification of the one before: "Never use tables, or Markdown".
        static let continuing = WordSet(["or", "then"].map(Tokenizer.hash))

        /// ", but only if ...", ", but when ...": the condition is the clause before's, not a clause of its own.
        func opensACondition(after opener: Int) -> Bool {
            var i = opener + 1
            if i < tokens.endIndex && tokens[i].hash == Self.only { i += 1 }
            return i < tokens.endIndex && wordBits[Int(tokens[i].id)] & ConflictingInstructions.conditionBit != 0
        }
        static let only = Tokenizer.hash("only")

        mutating func next() -> ArraySlice<Token>? {
            while start < tokens.endIndex {
                var qualified = inherited
                var commaInside = false
                var end = tokens.endIndex
                var continues = false
                for index in start..<tokens.endIndex {
                    if index > start {
                        let gap = bytes[tokens[index - 1].range.upperBound..<tokens[index].range.lowerBound]
                        if gap.contains(UInt8(ascii: ";")) { end = index; break }
                        if gap.contains(UInt8(ascii: ",")) {
                            let word = tokens[index].hash
                            if Self.openers.contains(word) && !(commaInside && Self.listEnders.contains(word))
                                && !opensACondition(after: index) {
                                end = index
                                continues = Self.continuing.contains(word)
                                break
                            }
                            commaInside = true
                        }
                    }
                    if wordBits[Int(tokens[index].id)] & ConflictingInstructions.qualifyingBits != 0 { qualified = true }
                }
                let clause = tokens[start..<end]
                start = end
                inherited = continues && qualified
                if !qualified { return clause }
            }
            return nil
        }
    }
}
