import Yams

/// One preview case: a conversation sent under the system message. User turns
/// without a written reply after them are answered by the model, in order,
/// each answer joining the conversation before the next turn.
public struct PreviewCase: Sendable, Hashable {
    public enum Turn: Sendable, Hashable {
        case user(String)
        /// A reply written by the author, sent as history and not generated.
        case assistant(String)
    }

    public var name: String
    public var turns: [Turn]
    /// Values for template variables in this case, over the file's own.
    public var variables: [String: String]

    public init(name: String, turns: [Turn], variables: [String: String] = [:]) {
        self.name = name
        self.turns = turns
        self.variables = variables
    }

    /// How many answers the model gives in this case.
    public var answerCount: Int {
        turns.indices.filter { index in
            guard case .user = turns[index] else { return false }
            if index + 1 < turns.count, case .assistant = turns[index + 1] { return false }
            return true
        }.count
    }
}

/// Where a file's cases came from, and any problems reading them.
public struct PreviewCases: Sendable {
    public var cases: [PreviewCase]
    /// Variables given alongside the cases (a cases file's own `variables:`).
    public var variables: [String: String]
    /// Problems, each naming the case; cases with problems are left out.
    public var problems: [String]
    /// Rubrics given alongside the cases (a cases file's own `rubrics:`).
    public var rubrics = AuthorRubrics()

    public init(cases: [PreviewCase] = [], variables: [String: String] = [:], problems: [String] = []) {
        self.cases = cases
        self.variables = variables
        self.problems = problems
    }

    /// The one case used when a file declares none.
    public static func probe(_ question: String) -> PreviewCase {
        PreviewCase(name: "probe", turns: [.user(question)])
    }

    /// Reads a `cases:` value: a list whose items are a user message, or a
    /// mapping with `name`, and `user` or `turns`, and optional `variables`.
    public static func parse(_ value: YAMLValue) -> PreviewCases {
        guard case .array(let items) = value else {
            return PreviewCases(problems: ["cases must be a list (one '- ' item per case)"])
        }
        var result = PreviewCases()
        for (index, item) in items.enumerated() {
            switch parseCase(item, number: index + 1) {
            case .success(let previewCase): result.cases.append(previewCase)
            case .failure(let problem): result.problems.append("case \(index + 1): \(problem.message)")
            }
        }
        return result
    }

    /// Reads a cases file (`NAME.cases.yaml`): either a list of cases, or a
    /// mapping with `cases:` and optional `variables:`.
    public static func parse(yaml text: String) -> PreviewCases {
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch let error as YamlError {
            return PreviewCases(problems: ["not valid YAML, " + FrontMatterParser.located(error)])
        } catch {
            return PreviewCases(problems: ["not valid YAML: \(String(describing: error).prefix(200))"])
        }
        guard let node else { return PreviewCases() }  // empty, or only comments: a file without cases
        let limit = YAMLExpansion.limit(bytes: text.utf8.count)
        if YAMLExpansion.exceeds(node, limit: limit) { return PreviewCases(problems: [YAMLExpansion.message(limit: limit)]) }
        let value = FrontMatterParser.convert(node)
        switch value {
        case .array:
            return parse(value)
        case .mapping(let mapping):
            guard mapping["cases"] != nil || mapping["rubrics"] != nil else {
                return PreviewCases(problems: ["expected a list of cases, or a mapping with 'cases:' (and optionally 'variables:' and 'rubrics:')"])
            }
            var result = mapping["cases"].map(parse) ?? PreviewCases()
            if let rubrics = mapping["rubrics"] {
                // Its problems are reported by evaluations, which use rubrics; previews do not.
                result.rubrics = AuthorRubrics.parse(rubrics)
            }
            if let variables = mapping["variables"] {
                switch stringMapping(variables) {
                case .success(let values): result.variables = values
                case .failure(let problem): result.problems.append("variables: \(problem.message)")
                }
            }
            return result
        default:
            return PreviewCases(problems: ["expected a list of cases, or a mapping with 'cases:'"])
        }
    }

    struct Problem: Error { var message: String }

    static func parseCase(_ item: YAMLValue, number: Int) -> Result<PreviewCase, Problem> {
        if let text = item.stringValue, case .string = item {
            return text.isEmpty ? .failure(Problem(message: "the user message is empty")) : .success(PreviewCase(name: "case \(number)", turns: [.user(text)]))
        }
        guard case .mapping(let fields) = item else {
            return .failure(Problem(message: "write a user message, or a mapping with user: or turns:"))
        }
        let known: Set = ["name", "user", "turns", "variables"]
        if let unknown = fields.keys.sorted().first(where: { !known.contains($0) }) {
            return .failure(Problem(message: "unknown key '\(unknown)'; known: name, user, turns, variables"))
        }
        var turns: [PreviewCase.Turn] = []
        switch (fields["user"], fields["turns"]) {
        case (.some(let user), nil):
            guard let text = user.stringValue, !text.isEmpty else { return .failure(Problem(message: "user: takes the user's message")) }
            turns = [.user(text)]
        case (nil, .some(.array(let items))):
            for (index, turn) in items.enumerated() {
                switch parseTurn(turn) {
                case .success(let parsed): turns.append(parsed)
                case .failure(let problem): return .failure(Problem(message: "turn \(index + 1): \(problem.message)"))
                }
            }
        case (nil, .some):
            return .failure(Problem(message: "turns: takes a list of messages"))
        case (.some, .some):
            return .failure(Problem(message: "give either user: or turns:, not both"))
        case (nil, nil):
            return .failure(Problem(message: "give the user's message with user:, or a conversation with turns:"))
        }
        guard turns.contains(where: { if case .user = $0 { return true } else { return false } }) else {
            return .failure(Problem(message: "a case needs at least one user message"))
        }
        if case .assistant = turns.last {
            return .failure(Problem(message: "the conversation ends with a written reply, so there is nothing for the model to answer"))
        }
        var variables: [String: String] = [:]
        if let given = fields["variables"] {
            switch stringMapping(given) {
            case .success(let values): variables = values
            case .failure(let problem): return .failure(Problem(message: "variables: \(problem.message)"))
            }
        }
        let name = fields["name"]?.stringValue ?? "case \(number)"
        return .success(PreviewCase(name: name, turns: turns, variables: variables))
    }

    /// A turn: a string (a user message), `user: text` or `assistant: text`,
    /// or the chat format's `role:` and `content:`.
    static func parseTurn(_ value: YAMLValue) -> Result<PreviewCase.Turn, Problem> {
        if case .string(let text) = value { return .success(.user(text)) }
        guard case .mapping(let fields) = value else { return .failure(Problem(message: "write a message, user: text or assistant: text")) }
        if let role = fields["role"]?.stringValue, let content = fields["content"]?.stringValue, fields.count == 2 {
            switch role {
            case "user": return .success(.user(content))
            case "assistant": return .success(.assistant(content))
            default: return .failure(Problem(message: "role '\(role)' is not user or assistant (the system message is the file itself)"))
            }
        }
        guard fields.count == 1, let (role, content) = fields.first, let text = content.stringValue else {
            return .failure(Problem(message: "write user: text or assistant: text"))
        }
        switch role {
        case "user": return .success(.user(text))
        case "assistant": return .success(.assistant(text))
        default: return .failure(Problem(message: "'\(role)' is not user or assistant"))
        }
    }

    static func stringMapping(_ value: YAMLValue) -> Result<[String: String], Problem> {
        guard case .mapping(let fields) = value else { return .failure(Problem(message: "write name: value lines")) }
        var result: [String: String] = [:]
        for (key, value) in fields {
            guard let text = value.stringValue else { return .failure(Problem(message: "'\(key)' needs a plain value")) }
            result[key] = text
        }
        return .success(result)
    }
}
