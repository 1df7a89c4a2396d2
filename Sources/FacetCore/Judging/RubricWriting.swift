import Foundation

/// Asking the judge endpoint to write the rubrics (`[judge] rubrics = "judge"`):
/// the prompt, and a strict reading of the reply. Any reply that is not a JSON
/// list of valid rubrics is refused, and the caller keeps the templates.
public enum RubricWriting {
    public static let system = "You write evaluation rubrics for chat assistants. You reply with JSON only."

    public static func prompt(systemMessage: String, templates: [Rubric]) -> String {
        var out = """
        Below is the system message of a chat assistant. Write one rubric for each thing it asks of the assistant's replies \
        (role, task, format, style, limits, stated preferences), at most 8. Each rubric scores one reply from 1 to 5.

        Reply with a JSON array and nothing else. Each element: {"id": "short-name", "criteria": "the question the judge answers", \
        "score_descriptions": {"1": "...", "2": "...", "3": "...", "4": "...", "5": "..."}}.
        Use these ids where they fit: 
        """
        out += templates.map(\.id).joined(separator: ", ")
        out += ".\n\n###System message:\n" + systemMessage + "\n"
        return out
    }

    struct Written: Decodable {
        var id: String?
        var criteria: String
        var score_descriptions: [String: String]
    }

    /// The rubrics in `reply`, or why they cannot be used. Fences and text around the array are tolerated.
    public static func parse(_ reply: String, templates: [Rubric]) -> Result<[Rubric], RubricReplyError> {
        guard let open = reply.firstIndex(of: "["), let close = reply.lastIndex(of: "]"), open < close else {
            return .failure(RubricReplyError(message: "the judge's reply holds no JSON array"))
        }
        let written: [Written]
        do { written = try JSONDecoder().decode([Written].self, from: Data(reply[open...close].utf8)) } catch {
            return .failure(RubricReplyError(message: "the judge's reply is not a JSON array of {id, criteria, score_descriptions}"))
        }
        guard (1...8).contains(written.count) else {
            return .failure(RubricReplyError(message: "the judge wrote \(written.count) rubrics; 1 to 8 are accepted"))
        }
        var rubrics: [Rubric] = []
        for (index, item) in written.enumerated() {
            var id = item.id?.trimmingWhitespaceEdges() ?? ""
            if id.isEmpty || rubrics.contains(where: { $0.id == id }) { id = "judge-\(index + 1)" }
            // Sentences the templates pointed at stay attached when the judge keeps the id.
            let sources = templates.first { $0.id == id }?.sources ?? []
            let rubric = Rubric(id: id, criteria: item.criteria, scoreDescriptions: item.score_descriptions, origin: .judge, sources: sources)
            if let problem = rubric.problem { return .failure(RubricReplyError(message: "rubric \(index + 1) from the judge: \(problem)")) }
            rubrics.append(rubric)
        }
        return .success(rubrics)
    }
}

public struct RubricReplyError: Error, Sendable, Equatable {
    public var message: String
    public init(message: String) { self.message = message }
}
