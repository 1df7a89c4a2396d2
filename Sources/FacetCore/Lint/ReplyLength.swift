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

    static let be = Tokenizer.hash("be")
    /// Words before "be" that make it an instruction to the assistant: "Be brief", "Please be brief", "Try to be brief".
    static let beforeBe = Set(["please", "always", "and", "to", "also", "you", "just", "but"].map(Tokenizer.hash))
    static let modals = Set(["should", "must", "will", "shall", "can", "need"].map(Tokenizer.hash))
    /// Who a modal before "be" speaks of: "You should be brief", "Responses must be brief" (not "Titles should be short").
    static let replySubjects = Set((["you", "it", "they"] + replyNouns).map(Tokenizer.hash))
    /// How many words after "be" its adjective may stand: "Be friendly and concise".
    static let adjectiveReach = 3

    /// Whether `tokens` ask for a length: a phrase of `phrases`; "be" said to
    /// the assistant or of its replies with an adjective of that length a few
    /// words on ("be friendly and concise"); or a reply verb with an adverb of
    /// that length a few words on ("teach the concept thoroughly"). The bits
    /// mark those adjectives and adverbs in `bits`, the words' `ConflictingInstructions.wordBits`.
    static func asksFor(_ phrases: PhraseMatcher, adjectiveBit: UInt16, adverbBit: UInt16,
                        in tokens: ArraySlice<Token>, bits: [UInt16]) -> Bool {
        if phrases.hasMatch(tokens) { return true }
        func within(_ reach: Int, after i: Int, _ bit: UInt16) -> Bool {
            tokens[(i + 1)..<min(tokens.endIndex, i + 1 + reach)].contains { bits[Int($0.id)] & bit != 0 }
        }
        let verbBit = ConflictingInstructions.lengthVerbBit
        for i in tokens.indices {
            if tokens[i].hash == be && saidOfTheReply(tokens, be: i) && within(adjectiveReach, after: i, adjectiveBit) { return true }
            if bits[Int(tokens[i].id)] & verbBit != 0 && within(adverbReach, after: i, adverbBit) { return true }
        }
        return false
    }

    /// "Be", "Please be", "You should be", "Responses must be"; not "Titles should be".
    static func saidOfTheReply(_ tokens: ArraySlice<Token>, be i: Int) -> Bool {
        guard i > tokens.startIndex else { return true }
        let before = tokens[i - 1].hash
        return beforeBe.contains(before) || modals.contains(before) && i - 2 >= tokens.startIndex && replySubjects.contains(tokens[i - 2].hash)
    }
}
