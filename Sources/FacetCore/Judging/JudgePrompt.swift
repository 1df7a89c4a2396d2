/// The absolute-grading prompt (Prometheus style, as used to judge the
/// Multifaceted Bench): the instruction with its conversation, the response,
/// an optional reference answer, and one rubric; the judge replies
/// `Feedback: ... [RESULT] N`.
public enum JudgePrompt {
    public static let system = "You are a fair judge assistant tasked with providing clear, objective feedback based on specific criteria, ensuring each assessment reflects the absolute standards set for performance."

    /// One message of the conversation the response answers, in order.
    public struct Turn: Sendable, Hashable, Codable {
        public var role: String
        public var content: String
        public init(role: String, content: String) {
            self.role = role
            self.content = content
        }
    }

    /// The user message of the judge request.
    public static func user(systemMessage: String, conversation: [Turn], response: String, reference: String?, rubric: Rubric) -> String {
        var out = """
        ###Task Description:
        An instruction (a system message and the conversation so far), a response to evaluate\(reference == nil ? "" : ", a reference answer that gets a score of 5"), and a score rubric representing an evaluation criterion are given.
        1. Write a detailed feedback that assesses the quality of the response strictly based on the given score rubric, not evaluating in general.
        2. After writing a feedback, write a score that is an integer between 1 and 5. You should refer to the score rubric.
        3. The output format should look as follows: "Feedback: (write a feedback for criteria) [RESULT] (an integer number between 1 and 5)"
        4. Please do not generate any other opening, closing, and explanations.

        ###The instruction to evaluate:
        System message:
        \(systemMessage)


        """
        if conversation.count > 1 {
            out += "Conversation so far:\n"
            for turn in conversation.dropLast() { out += "\(turn.role == "assistant" ? "Assistant" : "User"): \(turn.content)\n\n" }
            out += "The user's last message, which the response answers:\n"
        } else {
            out += "User message:\n"
        }
        out += (conversation.last?.content ?? "") + "\n\n###Response to evaluate:\n" + response + "\n\n"
        if let reference { out += "###Reference Answer (Score 5):\n" + reference + "\n\n" }
        out += "###Score Rubrics:\n[\(rubric.criteria)]\n"
        for key in Rubric.scoreKeys { out += "Score \(key): \(rubric.scoreDescriptions[key] ?? "")\n" }
        out += "\n###Feedback:"
        return out
    }
}
