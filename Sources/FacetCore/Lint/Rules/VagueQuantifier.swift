/// Quantities an instruction leaves open ("a few examples", "etc.").
struct VagueQuantifier: LintRule {
    let id = "vague-quantifier"
    let defaultSeverity = Severity.info
    let summary = "A vague quantity (\"a few\", \"some\", \"etc.\") in an instruction"
    let explanation = """
    Models read "a few examples" or "some detail" differently from run to run, and \
    differently from you. Say the number or the limit you mean.

    ```
    Give a few examples of each step.
         ^^^^^ vague-quantifier: say how many
    ```

    Better: "Give two examples of each step." Only instructions are checked (units \
    with a task, format or style facet); a statement of fact such as "Some customers \
    pay yearly" is left alone, and so is one inside an instruction: a \
    quantity that is the subject of "may", "might", "can", "could" or \
    "tend" ("some pages may speculate", "Various tasks that can be done"), \
    or that follows a verb that reports what something holds or what has \
    been done ("Your knowledge base includes information on various \
    topics", "You have given lots of demos"). "Some" counts before a plural ("some examples"), not \
    where it means "a" ("some other format"); "etc." and "and so on" count in a list the \
    instruction itself makes, not at the end of examples in parentheses or after \
    "e.g.", "i.e.", "such as", "including", "includes", "like", "for example", \
    "for instance" or "examples include". "How many", "as many … as", "too many" \
    after "with" or "has" or opening its unit, and "many thanks" are left \
    alone: the first asks for the number, the second ties it to a bound ("as \
    many as the user asks for", "as many as possible"), the third judges an \
    excess ("classes with too many responsibilities"; not "Don't ask too many \
    questions") and the last thanks. So are quantities \
    in quotation marks or `code` (words to say or show verbatim), in square \
    brackets (a blank of a template: "[Cost impact: infra savings, etc.]"), and in a \
    condition ("If many results are in another language, ...", "only if it \
    appears online many times"; not "as if") or in a scope that opens a \
    clause ("For complex tasks requiring lots of edits, ..."), which \
    describe the situation rather than ask for an amount, up to the end of \
    its clause (a comma between the items of a list, "If the message, a \
    log, or a trace mentions several modules", "If they ask for 'latest', \
    'recent', etc.", does not end it) or, for a \
    condition inside a sentence, up to "and", "but", "or" or "then"; in the \
    bound of "as many … as needed", and where a purpose says when it is \
    needed ("as needed to match the screenshot", "when appropriate for the \
    context"; not "add notes as needed to the answer"); in what an \
    instruction turns down for a number it gives ("present just one, rather \
    than many options"); in "in many cases", "in some situations" and the \
    like, which say how often; "various" after anything but a verb of output \
    ("Cite various sources") or the start of its clause, where it says the \
    things differ ("solve various problems", "parts of various logs"); after a verb that describes ("You have a lot of freedom", "a bit \
    anxious", "I'm a little bit of my creators"), for "a lot of", "lots of", "a bit" and "a little"; where \
    "a bit", "a little", "somewhat" or "fairly" grades a quality ("a bit \
    sarcastic", "at least somewhat professional", "be mean a little"), \
    which has no number to say, though not before a noun or "of" ("add a \
    little context", "a bit of background") or a word of length, size or \
    count ("fairly short", "a bit more detail"); and \
    after "Here are" or "Below are" ("Here are some guidelines:"), where what \
    follows gives the number. There is \
    no automatic fix: only you know the number.
    """

    static let phrases: [(String, String)] = [
        ("a few", "say how many"), ("a couple of", "say how many"), ("some", "say how many or how much"),
        ("several", "say how many"), ("various", "name them, or say how many"), ("many", "say how many"),
        ("a number of", "say how many"), ("numerous", "say how many"), ("a lot of", "say how many or how much"),
        ("lots of", "say how many or how much"), ("a bit", "say how much"), ("a little", "say how much"),
        ("as needed", "say when it is needed"), ("as necessary", "say when it is necessary"),
        ("as appropriate", "say what is appropriate"), ("when appropriate", "say when"),
        ("etc", "list everything you mean"), ("and so on", "list everything you mean"), ("and so forth", "list everything you mean"),
        ("somewhat", "say how much"), ("fairly", "say how much"), ("reasonably", "say what is reasonable"),
    ]
    static let matcher = PhraseMatcher(phrases.map(\.0))

    func check(_ context: LintContext) -> [Finding] {
        var findings: [Finding] = []
        let bytes = context.source.bytes
        for unit in context.proseUnits where isInstruction(context.facets[unit]) {
            let tokens = context.tokens(unit)
            let matches = Self.matcher.matches(tokens)
            guard !matches.isEmpty else { continue }
            // Read once per unit, however many matches it holds.
            let unitRange = context.document.units[unit].range
            let quoted = QuotedSpans(bytes, unit: unitRange)
            var brackets = SquareBrackets(bytes, unit: unitRange)
            var before = Before(bytes, tokens, unitStart: unitRange.lowerBound)
            var report = ReportScan()
            // Where the first "e.g.", "such as", ... ends: looked up at the first "etc." or "and so on", once.
            var examplesEnd: Int?, examplesLookedUp = false
            var comparison: Int?  // where the first "as many" or "as much" is, looked up at the first "as needed"
            var firstCount: Int?  // where the first number is, looked up at the first "rather than"
            for match in matches {
                let (phrase, advice) = Self.phrases[match.phrase]
                let at = tokens.startIndex + match.firstToken
                let phraseEnd = at + Self.matcher.phrases[match.phrase].hashes.count  // the token after the phrase
                before.read(upTo: at)
                if phrase == "some" && !Self.beforePlural(bytes, tokens, at) { continue }
                // "etc." or "and so on" ending examples: after "e.g.", "such as", ... or in parentheses.
                if Self.listEnders.contains(phrase) {
                    if !examplesLookedUp {
                        examplesEnd = Self.examplesMarkers.matches(tokens).first.map {
                            tokens.startIndex + $0.firstToken + Self.examplesMarkers.phrases[$0.phrase].hashes.count
                        }
                        examplesLookedUp = true
                    }
                    if examplesEnd.map({ $0 <= at }) ?? false || before.parentheses > 0 { continue }
                }
                if phrase == "many" && Self.asksOrBoundsMany(tokens, at) { continue }
                if Self.frequencyPhrase(tokens, at, phraseEnd) { continue }
                if phrase == "various" && !Self.variousAsksForAnAmount(bytes, tokens, at) { continue }
                if Self.mannerOrDegree.contains(phrase) && !Self.modifiesTheNextWord(bytes, tokens, at) { continue }
                if Self.degreeWords.contains(phrase) && Self.gradesAQuality(bytes, tokens, at, words: phraseEnd - at) { continue }
                if Self.boundPhrases.contains(phrase) {
                    if comparison == nil { comparison = Self.firstComparison(tokens) }
                    if comparison! + 1 < at { continue }
                }
                if let decline = Self.declineStart(tokens, at) {
                    if firstCount == nil { firstCount = Self.firstCount(tokens) }
                    if firstCount! < decline { continue }
                }
                if Self.occasionPhrases.contains(phrase) && Self.namesItsPurpose(bytes, tokens, phraseEnd) { continue }
                if Self.amountIdioms.contains(phrase) && at > tokens.startIndex && Self.describingVerbs.contains(tokens[at - 1].hash) { continue }
                if quoted.contains(match.range.lowerBound) || before.inCondition || Self.announcesWhatFollows(tokens, at) { continue }
                if brackets.contain(match.range.lowerBound) { continue }
                if before.clauseStart && Self.subjectOfAStatement(bytes, tokens, phraseEnd) { continue }
                if report.afterAReport(bytes, tokens, from: before.clauseFirst, to: at) { continue }
                findings.append(context.finding(self, "\"\(phrase)\" is vague: \(advice)", range: match.range, unit: unit))
            }
        }
        return findings
    }

    /// Adverbs of degree that are also adverbs of manner: "fairly short" is
    /// vague, "treat every customer fairly" is not.
    static let mannerOrDegree: Set<String> = ["fairly", "reasonably"]
    /// Words after which such an adverb modified the verb before it, not them.
    static let afterAMannerAdverb = WordSet(["and", "or", "but", "nor", "without", "with", "to", "in", "on", "at", "for", "by", "when",
                                             "if", "as", "so", "because", "regardless", "toward", "towards", "across", "among", "within"].map(Tokenizer.hash))

    /// Whether the adverb at `at` bears on the word after it ("fairly short"):
    /// a word follows in the same clause, and not one that starts another phrase.
    static func modifiesTheNextWord(_ bytes: [UInt8], _ tokens: ArraySlice<Token>, _ at: Int) -> Bool {
        guard at + 1 < tokens.endIndex else { return false }
        let gap = tokens[at].range.upperBound..<tokens[at + 1].range.lowerBound
        if bytes[gap].contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: ";") || $0 == UInt8(ascii: ":")
            || $0 == UInt8(ascii: "!") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: ")") }) { return false }
        return !afterAMannerAdverb.contains(tokens[at + 1].hash)
    }

    /// Words of degree that grade a quality ("a bit sarcastic", "somewhat
    /// professional", "be mean a little"): a trait has no number to say. Before
    /// a noun or "of" they ask for an amount ("add a little context", "a bit of
    /// background"), and so they do before a word of length, size or count
    /// ("fairly short", "a bit more detail").
    static let degreeWords: Set<String> = ["a bit", "a little", "somewhat", "fairly"]
    static let ofHash = Tokenizer.hash("of"), bitHash = Tokenizer.hash("bit")
    /// Words whose degree is an amount: what "fairly short" leaves open is a length.
    static let measurable = WordSet(["short", "shorter", "long", "longer", "brief", "briefer", "concise", "detailed", "lengthy", "verbose",
                                     "terse", "big", "bigger", "small", "smaller", "large", "larger", "high", "higher", "low", "lower",
                                     "few", "fewer", "many", "more", "less", "much", "often", "frequent", "frequently", "rare", "rarely",
                                     "shorten", "lengthen", "expand", "extend", "elaborate", "trim", "cut", "reduce", "increase"].map(Tokenizer.hash))

    /// Whether the degree word at `at` (`words` long) grades a quality: for
    /// "somewhat" and "fairly", any word after it but "of" or a measurable one
    /// (they never stand before a noun); for "a bit" and "a little", a word that
    /// names a quality (`namesAQuality`), with "a little bit" read as one. At the
    /// end of a clause, it grades the word before it when that names a quality.
    static func gradesAQuality(_ bytes: [UInt8], _ tokens: ArraySlice<Token>, _ at: Int, words: Int) -> Bool {
        var next = at + words
        if next < tokens.endIndex && tokens[next].hash == bitHash && words == 2 { next += 1 }
        if next < tokens.endIndex && !endsAClause(bytes, tokens[next - 1].range.upperBound..<tokens[next].range.lowerBound) {
            let word = tokens[next]
            if word.hash == ofHash || measurable.contains(word.hash) { return false }
            return words == 1 ? !afterAMannerAdverb.contains(word.hash) : namesAQuality(bytes, word)
        }
        guard at > tokens.startIndex, !endsAClause(bytes, tokens[at - 1].range.upperBound..<tokens[at].range.lowerBound) else { return false }
        return namesAQuality(bytes, tokens[at - 1]) && !measurable.contains(tokens[at - 1].hash)
    }

    /// Whether the gap between two words holds a mark that ends a clause.
    static func endsAClause(_ bytes: [UInt8], _ gap: Range<Int>) -> Bool { ConflictingInstructions.endsClause(bytes, gap) }

    /// Adjectives with no telling ending, mostly of tone and temper.
    static let qualityWords = WordSet(["mean", "rude", "blunt", "harsh", "cold", "warm", "soft", "odd", "weird", "strange", "different",
                                       "serious", "bold", "wild", "dark", "dull", "calm", "firm", "stern", "strict", "loose", "kind", "nice",
                                       "polite", "formal", "informal", "casual", "proud", "vain", "shy", "sad", "mad", "cute", "sweet", "sour",
                                       "tough", "gentle", "subtle", "humble", "simple", "complex", "vague", "direct", "crude", "rough", "smug",
                                       "cool", "loud", "quiet", "bitter", "clever", "eager", "sharp", "awkward", "extra", "edgy", "witty",
                                       "snarky", "cheeky", "quirky", "funny", "sassy", "spicy", "nerdy", "geeky", "goofy", "grumpy", "moody",
                                       "cranky", "lazy", "salty", "sketchy", "wordy", "chatty", "flirty", "dorky", "nosy", "pushy", "tricky",
                                       "messy", "dry", "happy", "angry", "crazy", "cocky", "petty", "bossy", "fussy", "gloomy", "sleepy",
                                       "touchy", "cheesy", "corny", "sloppy", "fuzzy", "risky", "clumsy", "cozy", "perky", "peppy", "zany",
                                       "wacky", "feisty", "punchy", "confident", "patient", "impatient", "urgent", "distant", "arrogant",
                                       "hesitant", "reluctant", "pleasant", "relevant", "elegant", "vibrant", "brilliant", "defiant",
                                       "insistent", "persistent", "intelligent", "eloquent", "silent", "decent", "irreverent", "condescending",
                                       "patronizing", "patronising", "teasing", "charming", "annoying", "boring", "demanding", "intimidating",
                                       "overwhelming", "confusing", "unhinged", "tired", "bored"].map(Tokenizer.hash))
    /// Nouns with an adjective's ending ("a little magic", "a bit of a tutorial").
    static let nounsLikeQualities = WordSet(["topic", "music", "logic", "magic", "traffic", "graphic", "clinic", "critic", "public",
                                             "rubric", "metric", "mechanic", "fabric", "panic", "rhetoric", "arithmetic", "narrative",
                                             "objective", "alternative", "initiative", "incentive", "perspective", "motive", "directive",
                                             "archive", "executive", "detective", "table", "variable", "cable", "vegetable", "deliverable",
                                             "syllable", "bible", "dish", "fish", "wish", "english", "spanish", "polish", "turkish", "swedish",
                                             "danish", "finnish", "irish", "yiddish", "unless", "material", "tutorial", "proposal", "signal",
                                             "journal", "animal", "capital", "manual", "total", "interval", "approval", "arrival", "removal",
                                             "trial", "portal", "terminal", "goal", "deal", "meal", "principal", "festival", "hospital", "rival",
                                             "individual", "criminal", "referral", "renewal", "survival", "appraisal", "rehearsal", "denial",
                                             "disposal", "potential", "credential", "original", "editorial", "mineral", "crystal", "medal",
                                             "metal", "pedal", "petal", "canal", "family", "supply", "reply", "apply", "assembly", "anomaly",
                                             "ally", "rally", "bully", "italy", "july", "monopoly", "jelly", "belly", "hundred"].map(Tokenizer.hash))
    static let qualityEndings = ["ous", "ful", "ic", "ive", "able", "ible", "ish", "less", "al", "ly", "ed"].map { Array($0.utf8) }

    /// Whether a word names a quality: a listed adjective, or an adjective's or
    /// adverb's ending ("controversial", "sarcastic", "anxious", "playful",
    /// "defensive", "friendly", "worried") on a word of five letters or more
    /// that is not a noun known to share it.
    static func namesAQuality(_ bytes: [UInt8], _ word: Token) -> Bool {
        if qualityWords.contains(word.hash) { return true }
        guard word.range.count >= 5, !nounsLikeQualities.contains(word.hash) else { return false }
        let letters = bytes[word.range].map { $0 | 0x20 }
        if letters.suffix(3) == Array("eed".utf8) { return false }  // "need", "speed"
        return qualityEndings.contains { letters.count > $0.count && Array(letters.suffix($0.count)) == $0 }
    }

    /// Words that open a condition ("If many results are in another language,
    /// ...", "Cite it only if it appears online many times"), except "as if".
    static let conditions = WordSet(["if", "unless", "when", "whenever", "because"].map(Tokenizer.hash))
    /// Words a clause may begin with before its condition ("Even if ...", "but only when ...").
    static let clauseLeaders = WordSet(["even", "only", "and", "but", "or", "so", "then", "also"].map(Tokenizer.hash))
    /// Words that end a condition opened inside a clause, where no comma
    /// closes it: "Check if the draft is done and list a few open issues."
    static let conditionEnders = WordSet(["and", "but", "or", "then"].map(Tokenizer.hash))

    /// What the text before a match says, read forward once per unit as the
    /// matches come (in order): whether the match is in a condition's clause,
    /// which describes the situation ("Even if many of the results are in
    /// another language, answer in the user's") rather than asking for an
    /// amount, and how many parentheses are open. A clause ends at , ; : or |;
    /// a condition that opened inside a clause also ends at "and", "but", "or"
    /// or "then", since what follows is the instruction again.
    struct Before {
        let bytes: [UInt8]
        let tokens: ArraySlice<Token>
        private var next: Int  // the first token not read yet
        private var byte: Int  // the first byte not read yet
        private(set) var parentheses = 0
        private(set) var inCondition = false
        private(set) var clauseStart = true  // only leaders read since the clause began
        private(set) var clauseFirst: Int  // the clause's first word
        private var conditionInsideClause = false
        private var inList = false  // a comma of a list in the condition was read
        private var previous: UInt64?  // the hash of the word before the one being read

        init(_ bytes: [UInt8], _ tokens: ArraySlice<Token>, unitStart: Int) {
            (self.bytes, self.tokens) = (bytes, tokens)
            (next, byte, clauseFirst) = (tokens.startIndex, unitStart, tokens.startIndex)
        }

        /// Whether the comma before the word at `start` is one of a list's in a
        /// condition ("If the user's message, a log, or a stack trace mentions
        /// ...", "If they ask for 'latest', 'recent', etc. ..."): up to the
        /// list's last item, the pieces between commas are of four words at
        /// most. The last item opens with "and", "or" or "etc."; after other
        /// items, "and" or "or" may come a few words into it ("headers,
        /// lists, bold emphasis and so on").
        func continuesAList(from start: Int, afterAnItem: Bool) -> Bool {
            var first = start
            while first < tokens.endIndex {
                if conditionEnders.contains(tokens[first].hash) || tokens[first].hash == etcHash { return true }
                var last = first
                while last + 1 < tokens.endIndex && !bytes[tokens[last].range.upperBound..<tokens[last + 1].range.lowerBound].contains(where: isPunctuation) {
                    last += 1
                }
                if (first > start || afterAnItem) && last > first && tokens[(first + 1)...min(last, first + 3)].contains(where: { conditionEnders.contains($0.hash) }) { return true }
                guard last - first < 4, last + 1 < tokens.endIndex,
                      bytes[tokens[last].range.upperBound..<tokens[last + 1].range.lowerBound].allSatisfy({ $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "'") || $0 == UInt8(ascii: "\"") || $0 >= 0x80 })
                else { return false }
                first = last + 1
            }
            return false
        }

        func isPunctuation(_ b: UInt8) -> Bool {
            b == UInt8(ascii: ",") || b == UInt8(ascii: ";") || b == UInt8(ascii: ":") || b == UInt8(ascii: "|") || b == UInt8(ascii: ".")
                || b == UInt8(ascii: "!") || b == UInt8(ascii: "?")
        }

        /// Whether "for" at `start` opens a scope: a situation or an audience
        /// within four words ("For long and complex tasks requiring lots of
        /// edits, ..."), and a comma that closes it before the sentence ends.
        func opensAScope(_ start: Int) -> Bool {
            let words = tokens[(start + 1)..<min(tokens.endIndex, start + 5)]
            guard words.contains(where: { InstructionScope.audiences.contains($0.hash) }),
                  !words.contains(where: { InstructionScope.widening.contains($0.hash) }) else { return false }
            var i = start
            while i + 1 < tokens.endIndex {
                let gap = bytes[tokens[i].range.upperBound..<tokens[i + 1].range.lowerBound]
                if gap.contains(UInt8(ascii: ",")) { return true }
                if gap.contains(where: isPunctuation) { return false }
                i += 1
            }
            return false
        }

        /// `PhraseMatcher.matches` gives matches in order, so `at` never goes back.
        mutating func read(upTo at: Int) {
            assert(at >= next, "matches out of order")
            while next <= at {
                let word = tokens[next]
                for i in byte..<word.range.lowerBound {
                    let b = bytes[i]
                    if b == UInt8(ascii: "(") { parentheses += 1 } else if b == UInt8(ascii: ")") && parentheses > 0 { parentheses -= 1 }
                    if b == UInt8(ascii: ",") && inCondition && !conditionInsideClause && continuesAList(from: next, afterAnItem: inList) {
                        inList = true
                        continue
                    }
                    if b == UInt8(ascii: ",") || b == UInt8(ascii: ";") || b == UInt8(ascii: ":") || b == UInt8(ascii: "|") {
                        (inCondition, clauseStart, conditionInsideClause, inList, clauseFirst) = (false, true, false, false, next)
                    }
                }
                byte = word.range.lowerBound
                if next == at { return }  // the match's own words are not before it
                if conditions.contains(word.hash) && previous != asHash {
                    conditionInsideClause = !clauseStart
                    inCondition = true
                } else if clauseStart && word.hash == forHash && opensAScope(next) {
                    (inCondition, conditionInsideClause) = (true, false)
                } else if inCondition && conditionInsideClause && conditionEnders.contains(word.hash) {
                    inCondition = false
                }
                if !clauseLeaders.contains(word.hash) { clauseStart = false }
                previous = word.hash
                next += 1
            }
        }
    }

    static let (hereHash, belowHash, areHash, isHash) = (Tokenizer.hash("here"), Tokenizer.hash("below"), Tokenizer.hash("are"), Tokenizer.hash("is"))
    /// "Here are some guidelines:" announces what follows, and what follows
    /// is the number: the list or the examples after it.
    static func announcesWhatFollows(_ tokens: ArraySlice<Token>, _ at: Int) -> Bool {
        guard at - 2 >= tokens.startIndex else { return false }
        let (first, second) = (tokens[at - 2].hash, tokens[at - 1].hash)
        return (first == hereHash || first == belowHash) && (second == areHash || second == isHash)
    }

    /// "as needed" after "as many"/"as much": the bound of that comparison
    /// ("use as many tools as needed": all it takes), not an open condition.
    static let boundPhrases: Set<String> = ["as needed", "as necessary", "as appropriate"]
    static let comparisonWords = WordSet(["many", "much"].map(Tokenizer.hash))
    /// Where the unit's first "as many" or "as much" starts (`endIndex` for none): the
    /// phrase at `at` follows one when it starts before `at - 1`.
    static func firstComparison(_ tokens: ArraySlice<Token>) -> Int {
        var i = tokens.startIndex
        while i + 1 < tokens.endIndex {
            if tokens[i].hash == asHash && comparisonWords.contains(tokens[i + 1].hash) { return i }
            i += 1
        }
        return tokens.endIndex
    }

    /// "as needed to match the screenshot", "when appropriate for the context":
    /// the purpose says when it is needed; a bare "as needed" does not.
    static let occasionPhrases: Set<String> = ["as needed", "as necessary", "as appropriate", "when appropriate"]
    static let (toHash, forHash) = (Tokenizer.hash("to"), Tokenizer.hash("for"))
    /// After "to", words that make it a place, not a purpose: "add notes as needed to the answer".
    static let notAPurpose = WordSet(["the", "a", "an", "your", "my", "our", "their", "his", "her", "its", "this", "that", "these", "those",
                                      "each", "every", "any", "all", "it", "them", "him", "me", "us", "you"].map(Tokenizer.hash))

    /// Whether the words from `next` on, in the same clause, give a purpose:
    /// "to" and a verb, or "for".
    static func namesItsPurpose(_ bytes: [UInt8], _ tokens: ArraySlice<Token>, _ next: Int) -> Bool {
        guard next + 1 < tokens.endIndex, !endsAClause(bytes, tokens[next - 1].range.upperBound..<tokens[next].range.lowerBound) else { return false }
        if tokens[next].hash == forHash { return true }
        return tokens[next].hash == toHash && !notAPurpose.contains(tokens[next + 1].hash) && !tokens[next + 1].isNumber
    }

    /// Verbs of possibility or habit: a quantity that is their subject is
    /// about the world ("some pages may speculate", "Various tasks that can
    /// be accomplished"), not an amount asked for.
    static let statementVerbs = WordSet(["may", "might", "can", "could", "tend", "tends", "often", "usually", "sometimes"].map(Tokenizer.hash))

    /// Whether the quantity that opens its clause, with the words from `next`
    /// on, is the subject of a statement verb: one of the next four words, in the
    /// same clause (the rest of its noun phrase, or "that", "which", "who", between).
    static func subjectOfAStatement(_ bytes: [UInt8], _ tokens: ArraySlice<Token>, _ next: Int) -> Bool {
        var i = next
        while i < tokens.endIndex && i <= next + 4 {
            if endsAClause(bytes, tokens[i - 1].range.upperBound..<tokens[i].range.lowerBound) { return false }
            if statementVerbs.contains(tokens[i].hash) { return i > next }
            i += 1
        }
        return false
    }

    /// Verbs that report what something holds or what has been done: "Your
    /// knowledge base includes information on various topics", "You have
    /// given lots of demos".
    static let reportingVerbs = WordSet(["includes", "contains", "covers", "spans", "comprises"].map(Tokenizer.hash))
    static let perfectAuxiliaries = WordSet(["have", "has", "had", "ve"].map(Tokenizer.hash))
    static let irregularParticiples = WordSet(["given", "done", "made", "seen", "shown", "written", "taken", "told", "got", "gotten",
                                               "built", "been", "run", "spent", "held", "known", "grown", "become"].map(Tokenizer.hash))

    /// Whether the clause, from its first word or its last "and", "but", "or" or
    /// "then" up to a quantity, holds a reporting verb after its subject, or
    /// "have", "has" or "had" and a participle. Asked for the quantities of one
    /// unit in order, it reads each word once, however many quantities follow:
    /// a clause of thousands of "a few" took seconds when each read it from its start.
    struct ReportScan {
        private var clauseFirst = -1, first = 0, next = 0, lastAt = -1
        private var found = false  // a report between `first` and `next`

        mutating func afterAReport(_ bytes: [UInt8], _ tokens: ArraySlice<Token>, from clauseFirst: Int, to at: Int) -> Bool {
            if clauseFirst != self.clauseFirst || at < lastAt {
                (self.clauseFirst, first, next, found) = (clauseFirst, clauseFirst, clauseFirst, false)
            }
            lastAt = at
            // Words with one after them before the quantity are settled for every later quantity too.
            while next + 1 < at {
                let word = tokens[next].hash
                if conditionEnders.contains(word) {
                    (first, found) = (next + 1, false)
                } else if reportingVerbs.contains(word) && next > first
                            || perfectAuxiliaries.contains(word) && isParticiple(bytes, tokens[next + 1]) {
                    found = true
                }
                next += 1
            }
            // The word right before the quantity: it may end the clause's part or report, but
            // an auxiliary there has no participle before the quantity.
            if next < at {
                let word = tokens[next].hash
                if conditionEnders.contains(word) { return false }
                if reportingVerbs.contains(word) && next > first { return true }
            }
            return found
        }
    }

    /// "given", "used": an irregular participle, or a word of four letters or more ending in "ed".
    static func isParticiple(_ bytes: [UInt8], _ word: Token) -> Bool {
        irregularParticiples.contains(word.hash) || word.endsIn("ed", minLength: 4, in: bytes)
    }

    static let etcHash = Tokenizer.hash("etc")
    static let (ratherHash, thanHash, insteadHash) = (Tokenizer.hash("rather"), Tokenizer.hash("than"), Tokenizer.hash("instead"))
    /// Counts a token's `isNumber` does not cover (it does "one", "ten", "single").
    static let timesWords = WordSet(["once", "twice"].map(Tokenizer.hash))
    /// "present just one, rather than presenting many options": the quantity is
    /// what the instruction turns down, for the number it gives. Where "rather than"
    /// or "instead of" starts, at most two words before it; declined for a number
    /// when the unit's `firstCount` comes before that.
    static func declineStart(_ tokens: ArraySlice<Token>, _ at: Int) -> Int? {
        var i = at - 1
        while i > tokens.startIndex && i >= at - 3 {
            let (word, before) = (tokens[i].hash, tokens[i - 1].hash)
            if (word == thanHash && before == ratherHash) || (word == ofHash && before == insteadHash) { return i - 1 }
            i -= 1
        }
        return nil
    }

    /// The unit's first number or count ("once"), `endIndex` for none.
    static func firstCount(_ tokens: ArraySlice<Token>) -> Int {
        tokens.firstIndex { $0.isNumber || timesWords.contains($0.hash) } ?? tokens.endIndex
    }

    /// After "is", "has", "needs" ..., these describe ("You have a lot of
    /// freedom", "a bit anxious", "needs a little boost"); after an imperative
    /// they ask for an amount ("Add a bit more detail").
    static let amountIdioms: Set<String> = ["a lot of", "lots of", "a bit", "a little"]
    static let describingVerbs = WordSet(["is", "are", "am", "was", "were", "has", "have", "had", "need", "needs", "feel", "feels",
                                          "seem", "seems", "gets", "s", "re", "i'm", "im", "you're", "we're", "they're", "it's",
                                          "he's", "she's", "that's", "there's"].map(Tokenizer.hash))

    static let inHash = Tokenizer.hash("in")
    /// After "in many", "in some", ...: "in many cases" says how often, not how much.
    static let occasions = WordSet(["case", "cases", "situation", "situations", "instance", "instances", "circumstance",
                                    "circumstances", "context", "contexts", "scenario", "scenarios", "way", "ways", "respect",
                                    "respects"].map(Tokenizer.hash))

    /// Whether the quantity at `at` is "in" + it + a word for occasions ("in many
    /// cases", "in some situations"): how often something holds, not an amount to give.
    static func frequencyPhrase(_ tokens: ArraySlice<Token>, _ at: Int, _ phraseEnd: Int) -> Bool {
        at > tokens.startIndex && tokens[at - 1].hash == inHash && phraseEnd < tokens.endIndex && occasions.contains(tokens[phraseEnd].hash)
    }

    /// Verbs that ask for output or for thought given in it, after which "various" asks for an
    /// amount: "Cite various sources", "Consider various perspectives".
    static let outputVerbs = WordSet(["give", "provide", "include", "list", "cite", "suggest", "offer", "add", "show", "write",
                                      "generate", "create", "present", "mention", "share", "ask", "use", "propose", "recommend",
                                      "produce", "draft", "quote", "name", "explore", "compare", "consider", "discuss", "cover", "weigh",
                                      "examine"].map(Tokenizer.hash))

    /// Whether "various" at `at` asks for an amount: opening its clause ("Various
    /// sources should be cited") or right after a verb of output ("Cite various
    /// sources"). Elsewhere it says the things differ ("solve various problems",
    /// "parts of various lifelogs", "combine various lifelogs"), not how many to give.
    static func variousAsksForAnAmount(_ bytes: [UInt8], _ tokens: ArraySlice<Token>, _ at: Int) -> Bool {
        guard at > tokens.startIndex, !endsAClause(bytes, tokens[at - 1].range.upperBound..<tokens[at].range.lowerBound) else { return true }
        return outputVerbs.contains(tokens[at - 1].hash)
    }

    static let (howHash, asHash, tooHash, thanksHash) = (Tokenizer.hash("how"), Tokenizer.hash("as"), Tokenizer.hash("too"), Tokenizer.hash("thanks"))
    /// "how many" asks for the number; "as many … as" ties it to a bound ("as
    /// many as the user asks for", "as many as possible": all there are); "too
    /// many" describing what something has ("classes with too many
    /// responsibilities", "Too many requests" opening a table's cell) judges an
    /// excess, and "many thanks" thanks: none asks for an amount. "Don't ask too
    /// many questions" still does.
    static func asksOrBoundsMany(_ tokens: ArraySlice<Token>, _ at: Int) -> Bool {
        if at + 1 < tokens.endIndex && tokens[at + 1].hash == thanksHash { return true }
        guard at > tokens.startIndex else { return false }
        let before = tokens[at - 1].hash
        if before == tooHash { return at - 1 == tokens.startIndex || havingWords.contains(tokens[at - 2].hash) }
        return before == howHash || before == asHash && tokens[(at + 1)...].contains { $0.hash == asHash }
    }
    static let havingWords = WordSet(["with", "has", "have", "having", "had", "contains", "contain"].map(Tokenizer.hash))

    /// Words ending in "s" that are not plurals.
    static let notPlurals = WordSet(["is", "was", "has", "does", "this", "its", "his", "as", "us", "thus", "less", "unless", "across",
                                     "process", "access", "analysis", "basis", "class", "business", "success", "address"].map(Tokenizer.hash))
    /// "Some" asks for a quantity before a plural ("some examples"); before a
    /// singular it means "a" ("some piece of text", "some other format").
    static func beforePlural(_ bytes: [UInt8], _ tokens: ArraySlice<Token>, _ at: Int) -> Bool {
        guard at + 1 < tokens.endIndex else { return false }
        let next = tokens[at + 1]
        let last = bytes[next.range.upperBound - 1]
        return next.range.count > 3 && (last == UInt8(ascii: "s") || last == UInt8(ascii: "S")) && !notPlurals.contains(next.hash)
    }

    /// What ends a list with "and the like": left alone at the end of examples.
    static let listEnders: Set<String> = ["etc", "and so on", "and so forth"]
    /// What introduces examples ("e.g." and "i.e." are two words to the tokenizer).
    static let examplesMarkers = PhraseMatcher(["including", "includes", "like", "eg", "e g", "ie", "i e", "such as", "for example",
                                                "for instance", "examples include"])

    func isInstruction(_ facets: UnitFacets) -> Bool {
        facets.has(.task) || facets.has(.format) || facets.has(.style)
    }
}
