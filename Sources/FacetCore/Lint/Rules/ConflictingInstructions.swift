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
    - length: "be brief", "concise", "one sentence" vs "in detail", "explain every step", "thorough";
    - register: "formal" vs "casual", "informal", "slang";
    - output: "only JSON" vs "bullet points", "Markdown", "a table";
    - "always X" vs "never X" (or "do not X") on the same words;
    - two different reply languages ("respond in English" vs "reply in French").

    A unit that negates a cue ("don't be brief") is not counted for length or \
    register. Resolve the conflict by deciding which applies when, e.g. "Be \
    brief unless the user asks for detail."
    """

    /// A class, so walking the axes retains one reference each rather than every array inside.
    final class Axis: Sendable {
        let name: String
        let sideA: PhraseMatcher
        let sideB: PhraseMatcher
        let describeA: String
        let describeB: String
        let skipNegated: Bool

        init(name: String, sideA: PhraseMatcher, sideB: PhraseMatcher, describeA: String, describeB: String, skipNegated: Bool) {
            self.name = name
            self.sideA = sideA
            self.sideB = sideB
            self.describeA = describeA
            self.describeB = describeB
            self.skipNegated = skipNegated
        }
    }

    static let axes: [Axis] = [
        Axis(name: "length",
             sideA: PhraseMatcher(["be brief", "brief", "briefly", "concise", "concisely", "succinct", "short answers", "keep it short",
                                   "keep answers short", "keep responses short", "one sentence", "terse", "extremely brief", "as short as possible", "minimal"]),
             sideB: PhraseMatcher(["in detail", "in great detail", "detailed", "explain every step", "every step", "thorough", "thoroughly",
                                   "comprehensive", "exhaustive", "in depth", "in-depth", "elaborate", "at length", "long answers"]),
             describeA: "brevity", describeB: "detail", skipNegated: true),
        Axis(name: "register",
             sideA: PhraseMatcher(["formal", "formally", "formal tone"]),
             sideB: PhraseMatcher(["casual", "casually", "informal", "informally", "slang", "colloquial", "laid-back", "laid back"]),
             describeA: "a formal register", describeB: "a casual register", skipNegated: true),
        Axis(name: "output",
             sideA: PhraseMatcher(["only in json", "only json", "only with json", "only valid json", "json only", "only a json", "only the json",
                                   "nothing but json", "only output json", "only return json", "raw json"]),
             sideB: PhraseMatcher(["bullet points", "bullet point", "bullets", "bulleted list", "markdown", "a table", "numbered list", "prose", "headings"]),
             describeA: "JSON only", describeB: "another output shape", skipNegated: true),
    ]

    /// Per word, what it tells about a unit that holds it: bit `2i` (`2i + 1`)
    /// when a phrase of axis `i`'s side A (B) starts with it, `negatorBit` for a
    /// negator, `replyVerbBit` for a reply verb. One lookup per word then says
    /// which sides could match and whether the unit negates or names a reply verb;
    /// asking each side and each set per word was most of this rule's time.
    static let wordBits: WordTable<UInt8> = {
        var table = WordTable<UInt8>()
        for (index, axis) in axes.enumerated() {
            for word in axis.sideA.firstWords { table.update(word, default: 0) { $0 |= 1 << (2 * index) } }
            for word in axis.sideB.firstWords { table.update(word, default: 0) { $0 |= 1 << (2 * index + 1) } }
        }
        for word in negatorWords { table.update(Tokenizer.hash(word), default: 0) { $0 |= negatorBit } }
        for word in languageVerbWords { table.update(Tokenizer.hash(word), default: 0) { $0 |= replyVerbBit } }
        return table
    }()
    static let negatorBit: UInt8 = 1 << 6
    static let replyVerbBit: UInt8 = 1 << 7

    static let negatorWords = ["not", "don't", "dont", "never", "avoid", "no", "without", "nor", "neither", "unless", "except", "instead"]
    static let languageVerbWords = ["respond", "reply", "answer", "write", "speak", "communicate", "responses", "answers", "replies"]

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
        let units = context.proseUnits.filter { context.document.units[$0].kind != .heading }
        // Each unit's words' bits together, found once for all the checks below.
        let wordBits = Vocabulary.shared.conflictBits
        let unitBits = units.map { unit in context.tokens(unit).reduce(0 as UInt8) { $0 | wordBits[Int($1.id)] } }
        for (axisIndex, axis) in Self.axes.enumerated() {
            let bitA: UInt8 = 1 << (2 * axisIndex), bitB: UInt8 = 1 << (2 * axisIndex + 1)
            var firstA: Int?, firstB: Int?
            var count = 0
            for (position, unit) in units.enumerated() {
                let tokens = context.tokens(unit)
                let negated = axis.skipNegated && unitBits[position] & Self.negatorBit != 0
                if negated { continue }
                let a = unitBits[position] & bitA != 0 && axis.sideA.hasMatch(tokens)
                let b = unitBits[position] & bitB != 0 && axis.sideB.hasMatch(tokens)
                if a && b { continue }  // "concise but thorough" in one breath is a choice, not a conflict
                if a, let earlier = firstB, count < Self.maximumPerAxis {
                    findings.append(conflict(context, unit, earlier, "asks for \(axis.describeA), but an earlier instruction asks for \(axis.describeB)"))
                    count += 1
                } else if b, let earlier = firstA, count < Self.maximumPerAxis {
                    findings.append(conflict(context, unit, earlier, "asks for \(axis.describeB), but an earlier instruction asks for \(axis.describeA)"))
                    count += 1
                }
                if a && firstA == nil { firstA = unit }
                if b && firstB == nil { firstB = unit }
            }
        }
        findings += alwaysNever(context, units)
        findings += replyLanguages(context, units, unitBits)
        return findings
    }

    func conflict(_ context: LintContext, _ unit: Int, _ earlier: Int, _ message: String) -> Finding {
        let line = context.source.lines.line(containing: context.document.units[earlier].range.lowerBound) + 1
        return context.finding(self, "this \(message) (line \(line)); say which applies when",
                               range: context.document.units[unit].range, unit: unit,
                               related: [RelatedRange(range: context.document.units[earlier].range, message: "the conflicting instruction")])
    }

    /// "Always use emojis" vs "Never use emojis": the same two words after opposite modals.
    func alwaysNever(_ context: LintContext, _ units: [Int]) -> [Finding] {
        // Keyed by the two words as a pair of hashes: an array key allocated per modal.
        var positive: [WordPair: Int] = [:]
        var negative: [WordPair: Int] = [:]
        var findings: [Finding] = []
        let (always, never, dont, doWord, notWord) = (Self.always, Self.never, Self.dont, Self.doWord, Self.notWord)
        for unit in units {
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
                guard let polarity, next + 1 < tokens.count else { continue }
                let key = WordPair(first: tokens[base + next].hash, second: tokens[base + next + 1].hash)
                if polarity {
                    if let other = negative[key], findings.count < Self.maximumPerAxis {
                        findings.append(conflict(context, unit, other, "says always, but an earlier instruction says never"))
                    }
                    if positive[key] == nil { positive[key] = unit }
                } else {
                    if let other = positive[key], findings.count < Self.maximumPerAxis {
                        findings.append(conflict(context, unit, other, "says never, but an earlier instruction says always"))
                    }
                    if negative[key] == nil { negative[key] = unit }
                }
            }
        }
        return findings
    }

    struct WordPair: Hashable {
        var first: UInt64
        var second: UInt64
    }

    /// "Respond in English" and "Reply in French" in one message.
    /// `unitBits`: each unit's `wordBits`, as `check` found them.
    func replyLanguages(_ context: LintContext, _ units: [Int], _ unitBits: [UInt8]) -> [Finding] {
        var first: (unit: Int, language: String)?
        var findings: [Finding] = []
        let inWord = Self.inWord
        for (position, unit) in units.enumerated() {
            guard unitBits[position] & Self.replyVerbBit != 0 else { continue }
            if unitBits[position] & Self.negatorBit != 0 { continue }
            let tokens = context.tokens(unit)
            for i in tokens.indices.dropLast() where tokens[i].hash == inWord {
                guard let language = Self.languages[tokens[i + 1].hash] else { continue }
                if let first, first.language != language, findings.count < Self.maximumPerAxis {
                    findings.append(conflict(context, unit, first.unit, "asks for replies in \(language), but an earlier instruction asks for \(first.language)"))
                } else if first == nil {
                    first = (unit, language)
                }
                break
            }
        }
        return findings
    }
}
