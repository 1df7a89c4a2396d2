/// Phrases that ask for short or long replies, for `ConflictingInstructions`.
///
/// Only phrases about the reply itself: "be concise", "keep your answers short",
/// "concise responses", "explain every step", "in detail". A length word about
/// something else ("a concise summary field", "keep headers short", "a
/// comprehensive test suite", "fulfil the request thoroughly") does not make two
/// instructions conflict, and on public prompts most findings were of that kind.
enum ReplyLength {
    static let replyNouns = ["answers", "answer", "responses", "response", "replies", "reply", "explanations", "explanation", "messages"]
    static let replyVerbs = ["answer", "respond", "reply", "write", "explain", "speak", "teach", "describe"]
    static let keepObjects = ["it", "things", "answers", "responses", "replies", "messages", "explanations",
                              "your answers", "your responses", "your replies", "your messages", "your explanations",
                              "the answers", "the responses", "all answers", "all responses"]

    static let briefAdjectives = ["brief", "concise", "succinct", "terse", "short", "shorter"]
    static let detailedAdjectives = ["detailed", "thorough", "comprehensive", "exhaustive", "in-depth", "long", "longer", "lengthy",
                                     "extensive", "elaborate"]
    /// Adverbs that may also stand a few words after a reply verb: "explain the code briefly".
    static let briefAdverbs = ["briefly", "concisely", "succinctly", "tersely"]
    static let detailedAdverbs = ["thoroughly", "comprehensively", "exhaustively"]
    /// How many words after its verb the adverb may stand: "answer the question briefly".
    static let adverbReach = 4

    /// Every phrase of a side holds one of its key words (a test checks): a unit
    /// without one is not looked at, and most units have none. Common first words
    /// ("be", "in", "answer") would let most units through.
    static let briefKeyWords = briefAdjectives + briefAdverbs + ["brevity", "sentence", "line"]
    static let detailedKeyWords = detailedAdjectives + detailedAdverbs + ["detail", "length", "step", "depth", "nothing"]

    static let brief: [String] = {
        var phrases = ["keep it short", "as short as possible", "as brief as possible", "as concise as possible", "brevity"]
        for adjective in briefAdjectives {
            phrases += replyNouns.map { "\(adjective) \($0)" }
            phrases += keepObjects.map { "keep \($0) \(adjective)" }
        }
        for adverb in briefAdverbs + ["in one sentence", "in a single sentence", "in one line"] {
            phrases += replyVerbs.map { "\($0) \(adverb)" }
        }
        return phrases
    }()

    static let detailed: [String] = {
        var phrases = ["in detail", "in great detail", "at length", "explain every step", "explain each step", "as detailed as possible",
                       "as thorough as possible", "leave nothing out"]
        for adjective in detailedAdjectives {
            phrases += replyNouns.map { "\(adjective) \($0)" }
        }
        for adverb in detailedAdverbs + ["in depth"] {
            phrases += replyVerbs.map { "\($0) \(adverb)" }
        }
        return phrases
    }()

    static let be = Tokenizer.hash("be"), to = Tokenizer.hash("to")
    /// Words before "be" that make it an instruction to the assistant: "Be brief", "Please be brief".
    static let beforeBe = WordSet(["please", "always", "and", "also", "you", "just", "but"].map(Tokenizer.hash))
    /// Before "to be": "Try to be brief", "Make sure to be brief" (not "Titles need to be short").
    static let beforeToBe = WordSet(["try", "sure", "remember", "want"].map(Tokenizer.hash))
    static let modals = WordSet(["should", "must", "will", "shall", "can", "need"].map(Tokenizer.hash))
    /// Who a modal before "be" speaks of: "You should be brief", "Responses must be brief" (not "Titles should be short").
    static let replySubjects = WordSet((["you", "it", "they"] + replyNouns).map(Tokenizer.hash))
    /// How many words after "be" its adjective may stand: "Be friendly and concise".
    static let adjectiveReach = 3
    /// The word just before the adjective, when it is not "be": "be friendly and concise",
    /// "be very brief" (a word ending in "," also: "be clear, concise"); not "be patient with long questions".
    static let beforeAdjective = WordSet(["and", "or", "very", "extremely", "more"].map(Tokenizer.hash))

    /// The bits of `ConflictingInstructions.wordBits` that mark one length's words.
    struct Bits {
        var adjective: UInt16
        var adverb: UInt16
        var verb: UInt16
    }

    /// Whether `tokens` ask for a length: a phrase of `phrases`; "be" said to
    /// the assistant or of its replies with an adjective of that length a few
    /// words on ("be friendly and concise"); or a reply verb with an adverb of
    /// that length a few words on ("teach the concept thoroughly"). `bits` are
    /// the words' `ConflictingInstructions.wordBits` by id; `bytes` the text.
    static func asksFor(_ phrases: PhraseMatcher, _ length: Bits, in tokens: ArraySlice<Token>, bits: [UInt16], bytes: [UInt8]) -> Bool {
        // Not what users do or send: "Users often explain thoroughly", "The user writes long, detailed messages".
        if phrases.hasMatch(tokens, where: { first, _ in
            !(bits[Int(tokens[first].id)] & length.verb != 0 && UserSubject.isSubject(ofVerbAt: first, in: tokens, bytes))
                && !UserSubject.isTheirInput(phraseAt: first, in: tokens, bytes)
        }) { return true }
        for i in tokens.indices {
            if tokens[i].hash == be && saidOfTheReply(tokens, be: i) && adjective(after: i, length.adjective, tokens, bits, bytes) { return true }
            if bits[Int(tokens[i].id)] & length.verb != 0
                && tokens[(i + 1)..<min(tokens.endIndex, i + 1 + adverbReach)].contains(where: { bits[Int($0.id)] & length.adverb != 0 })
                && !UserSubject.isSubject(ofVerbAt: i, in: tokens, bytes) {
                return true
            }
        }
        return false
    }

    /// Whether a length adjective follows "be" at `i`: next to it, or after "and", "very" or a ","
    /// (not one that means care there: `saysCare`).
    static func adjective(after i: Int, _ bit: UInt16, _ tokens: ArraySlice<Token>, _ bits: [UInt16], _ bytes: [UInt8]) -> Bool {
        for j in (i + 1)..<min(tokens.endIndex, i + 1 + adjectiveReach) where bits[Int(tokens[j].id)] & bit != 0 {
            let before = tokens[j - 1]
            if j == i + 1 || beforeAdjective.contains(before.hash) || bytes[before.range.upperBound] == UInt8(ascii: ",") {
                if saysCare(tokens, be: i, adjective: j) { continue }
                return true
            }
        }
        return false
    }

    /// Length adjectives that also mean care: "be careful and exhaustive".
    static let alsoCare = WordSet(["thorough", "exhaustive"].map(Tokenizer.hash))
    /// Adjectives of care, which make one of `alsoCare` beside them mean care too.
    static let care = WordSet(["careful", "diligent", "meticulous", "rigorous", "methodical", "systematic", "precise", "accurate",
                               "attentive", "cautious"].map(Tokenizer.hash))

    /// Whether the adjective at `j`, after "be" at `i`, is one of `alsoCare` beside an
    /// adjective of care, between "be" and it or two words after it ("be careful and
    /// exhaustive", "be thorough and careful"): it asks for diligence, not length.
    static func saysCare(_ tokens: ArraySlice<Token>, be i: Int, adjective j: Int) -> Bool {
        guard alsoCare.contains(tokens[j].hash) else { return false }
        return tokens[(i + 1)..<min(tokens.endIndex, j + 3)].contains { care.contains($0.hash) }
    }

    /// "Be", "Please be", "Try to be", "You should be", "Responses must be"; not "Titles should be".
    static func saidOfTheReply(_ tokens: ArraySlice<Token>, be i: Int) -> Bool {
        guard i > tokens.startIndex else { return true }
        let before = tokens[i - 1].hash
        if before == to { return i - 2 >= tokens.startIndex && beforeToBe.contains(tokens[i - 2].hash) }
        return beforeBe.contains(before) || modals.contains(before) && i - 2 >= tokens.startIndex && replySubjects.contains(tokens[i - 2].hash)
    }
}
