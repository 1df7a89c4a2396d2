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
}
