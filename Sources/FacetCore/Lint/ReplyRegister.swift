/// Whether a register word ("formal", "casual") is about the reply, for `ConflictingInstructions`.
///
/// An adjective right before a noun describes that noun: "draft a formal
/// complaint", "a casual meeting" say nothing of how to reply. It is about the
/// reply as an adverb ("write formally"), said of something ("Be formal.",
/// "Keep the conversation casual", "Stay casual with regulars") or before a
/// word for the way one speaks ("a casual tone", "formal English").
enum ReplyRegister {
    static let adverbs = WordSet(["formally", "casually", "informally", "colloquially"].map(Tokenizer.hash))
    /// What a register adjective may stand before and still be about the reply.
    static let registerNouns = WordSet(["tone", "tones", "register", "style", "styles", "language", "voice", "manner", "way", "wording",
                                        "phrasing", "vocabulary", "diction", "words", "expressions", "speech", "writing", "prose",
                                        "greetings", "replies", "reply", "responses", "response", "answers", "answer", "messages",
                                        "communication", "conversation", "conversations", "chat", "interactions"].map(Tokenizer.hash))
    /// Words after an adjective that end the phrase it stands in, so it is said of
    /// something rather than before a noun: "be casual with regulars", "formal but warm".
    static let afterPredicative = WordSet(["and", "or", "but", "yet", "with", "in", "to", "for", "when", "whenever", "if", "unless",
                                           "while", "as", "at", "throughout", "during", "about", "than", "enough", "so"].map(Tokenizer.hash))
    /// How many words may stand between the adjective and its register noun: "a casual conversational tone".
    static let nounReach = 2

    /// Whether `side` has a phrase in `tokens` that is about the reply's register.
    static func asksFor(_ side: PhraseMatcher, in tokens: ArraySlice<Token>, bytes: [UInt8]) -> Bool {
        side.hasMatch(tokens) { first, end in
            adverbs.contains(tokens[first].hash) || saidOfTheReply(tokens, adjectiveEnd: end, bytes: bytes)
        }
    }

    /// Whether an adjective that ends before `end` is said of something ("Be formal.",
    /// "casual with regulars") or stands before a register noun ("formal English").
    static func saidOfTheReply(_ tokens: ArraySlice<Token>, adjectiveEnd end: Int, bytes: [UInt8]) -> Bool {
        var index = end
        while index < min(tokens.endIndex, end + 1 + nounReach) {
            let gap = tokens[index - 1].range.upperBound..<tokens[index].range.lowerBound
            let punctuated = !bytes[gap].allSatisfy { $0 == UInt8(ascii: " ") }
            if index == end && (punctuated || afterPredicative.contains(tokens[index].hash)) { return true }
            if index > end && punctuated { return false }  // "a formal complaint, in a calm tone"
            if registerNouns.contains(tokens[index].hash) || ConflictingInstructions.languages[tokens[index].hash] != nil { return true }
            index += 1
        }
        return end == tokens.endIndex
    }
}
