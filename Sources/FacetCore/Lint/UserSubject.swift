/// Whether a verb says what the people the assistant serves do, not what it is to
/// do: "Customers often write in German", "The user may write in Spanish",
/// "Users often write informally". Such a sentence describes the input, and the
/// reply's language or register is not what it asks for.
enum UserSubject {
    /// Words for those people, and pronouns that stand for them.
    static let subjects = WordSet((InstructionScope.peopleWords + InstructionScope.groupWords
        + ["they", "he", "she", "someone", "somebody", "anyone", "anybody", "who", "many", "most", "some"]).map(Tokenizer.hash))
    /// Words that may stand between the subject and its verb: "may", "often", "tend to".
    static let between = WordSet(["may", "might", "can", "could", "will", "would", "often", "sometimes", "usually", "typically",
                                  "frequently", "mostly", "generally", "occasionally", "also", "primarily", "mainly", "normally",
                                  "rarely", "tend", "to", "prefer", "like", "want", "do", "does", "only", "still"].map(Tokenizer.hash))
    /// How many of those words may stand there.
    static let reach = 3

    /// Whether the verb at `index` has such a subject before it, with spaces only
    /// between the words ("Customers: reply in Italian" and "For speakers, reply"
    /// are said to the assistant).
    static func isSubject(ofVerbAt index: Int, in tokens: ArraySlice<Token>, _ bytes: [UInt8]) -> Bool {
        var i = index - 1
        while i >= max(tokens.startIndex, index - 1 - reach) {
            guard tokens.onlySpaces(after: i, in: bytes) else { return false }
            if subjects.contains(tokens[i].hash) { return true }
            guard between.contains(tokens[i].hash) else { return false }
            i -= 1
        }
        return false
    }

    /// Verbs for what those people send in: "The user writes long, detailed messages".
    static let inputVerbs = WordSet(["write", "writes", "send", "sends", "submit", "submits", "post", "posts", "type", "types",
                                     "paste", "pastes", "share", "shares", "provide", "provides", "leave", "leaves"].map(Tokenizer.hash))
    /// How many words may stand between such a verb and the phrase it takes ("long,").
    static let objectReach = 3

    /// Whether the phrase starting at `first` is what those people send: it follows
    /// such a verb they are the subject of within `objectReach` words ("Users often
    /// send long, detailed messages"). "Users want detailed answers" still asks for
    /// detail: wanting is not sending.
    static func isTheirInput(phraseAt first: Int, in tokens: ArraySlice<Token>, _ bytes: [UInt8]) -> Bool {
        var verb = first - 1
        while verb >= max(tokens.startIndex, first - 1 - objectReach) {
            if inputVerbs.contains(tokens[verb].hash) { return isSubject(ofVerbAt: verb, in: tokens, bytes) }
            verb -= 1
        }
        return false
    }
}
