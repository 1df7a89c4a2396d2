import FacetCore
import Foundation

/// Builds an evaluation from files and the configuration layers, the same way
/// for `facet eval`, `facet preview --compare` and the language server.
public enum EvalSetup {
    /// What the caller chose over the configuration files.
    public struct Choices: Sendable {
        /// One answering endpoint; ignored when `compare` is set.
        public var endpoint: String?
        /// Two or more endpoints, the reference model last; empty for the configured ones.
        public var compare: [String] = []
        /// The judging endpoint; nil for `[judge] endpoint`, else the reference (last) endpoint.
        public var judge: String?
        /// Preview side by side without judging.
        public var skipJudge = false
        /// Keys from the editor's settings, by profile name.
        public var editorKeys: [String: String] = [:]
        public var only: Int?
        public init() {}
    }

    /// The answering endpoints: `compare` if given, else the one endpoint.
    public static func endpoints(settings: PreviewSettings, choices: Choices,
                                 environment: [String: String] = ProcessInfo.processInfo.environment) -> Result<[EvalEndpoint], PreviewError> {
        let names: [String?] = choices.compare.isEmpty ? [choices.endpoint] : choices.compare
        if names.count > 1, Set(names).count != names.count {
            return .failure(PreviewError(.configuration, "compare lists an endpoint twice: \(names.compactMap { $0 }.joined(separator: ", "))"))
        }
        var endpoints: [EvalEndpoint] = []
        for name in names {
            switch endpoint(name, settings: settings, editorKeys: choices.editorKeys, environment: environment) {
            case .success(let found): endpoints.append(found)
            case .failure(let error): return .failure(error)
            }
        }
        return .success(endpoints)
    }

    /// The judge: the chosen profile, `[judge] endpoint`, else the reference endpoint.
    public static func judge(settings: PreviewSettings, choices: Choices, endpoints: [EvalEndpoint],
                             environment: [String: String] = ProcessInfo.processInfo.environment) -> Result<EvalEndpoint?, PreviewError> {
        if choices.skipJudge { return .success(nil) }
        guard let name = choices.judge ?? settings.judge.endpoint else { return .success(endpoints.last) }
        return endpoint(name, settings: settings, editorKeys: choices.editorKeys, environment: environment).map { $0 }
    }

    static func endpoint(_ name: String?, settings: PreviewSettings, editorKeys: [String: String],
                         environment: [String: String]) -> Result<EvalEndpoint, PreviewError> {
        // The editor's keys are by profile name; the default profile's name is known only from the settings.
        PreviewSetup.endpoint(named: name, settings: settings, editorKey: editorKeys[name ?? settings.defaultEndpoint], environment: environment)
            .map { EvalEndpoint(profile: $0.0, apiKey: $0.1) }
    }

    /// A system message file: its cases, and rubrics derived from the analysis
    /// with the author's `rubrics:` (front matter, then cases file) applied.
    public static func subject(text: String, path: String?, configuration: FacetConfiguration, only: Int? = nil) -> Result<EvalSubject, PreviewError> {
        let analysis = Analyzer.analyze(text, configuration: configuration)
        let document = analysis.document
        let casesFile = path.flatMap(CaseFiles.load(besides:))
        let plan: PreviewPlan
        switch PreviewPlan.make(document: document, casesFile: casesFile, probe: configuration.preview.probe, only: only) {
        case .success(let made): plan = made
        case .failure(let error): return .failure(PreviewError(.configuration, error.message))
        }
        var author = AuthorRubrics()
        if let value = document.frontMatter?.values["rubrics"] {
            author = AuthorRubrics.parse(value, offsets: document.frontMatter?.rubricOffsets ?? [])
            author.problems = author.problems.map { "front matter: \($0)" }
        }
        if let casesFile { author = author.merged(with: casesFile.rubrics) }
        let rubrics = author.applied(to: RubricDeriver.derive(analysis))
        var notes = plan.problems + author.problems
        if rubrics.isEmpty {
            notes.append("no rubrics: the message states no role, task, format, style or limit Facet recognises, and gives no rubrics:")
        }
        let title = path.map { ($0 as NSString).lastPathComponent } ?? "untitled"
        return .success(EvalSubject(title: title, path: path, plan: plan, rubrics: rubrics, notes: notes))
    }

    /// Multifaceted Bench rows (JSONL, or a JSON array): `system`, `prompt`,
    /// `rubrics` (`rubric` in early releases), optional `reference_answer` and
    /// `preference_set` (whose dimensions name the rubrics). Rows with problems
    /// are reported by line and left out; `limit` keeps the first N rows.
    public static func benchSubjects(path: String, limit: Int? = nil) -> Result<(subjects: [EvalSubject], problems: [String]), PreviewError> {
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(PreviewError(.configuration, "\(path): cannot read the file"))
        }
        let name = (path as NSString).lastPathComponent
        var rows: [(line: Int, value: Any)] = []
        var problems: [String] = []
        let trimmed = data.drop { $0 == 32 || $0 == 10 || $0 == 13 || $0 == 9 }
        if trimmed.first == UInt8(ascii: "[") {
            guard let array = try? JSONSerialization.jsonObject(with: data) as? [Any] else {
                return .failure(PreviewError(.configuration, "\(path): not a valid JSON array of benchmark rows"))
            }
            rows = array.enumerated().map { (line: $0.offset + 1, value: $0.element) }
        } else {
            for (index, line) in data.split(separator: 10, omittingEmptySubsequences: false).enumerated() {
                guard line.contains(where: { $0 != 32 && $0 != 13 && $0 != 9 }) else { continue }
                // Fragments too, so that a row of `42` is told it is not an object rather than not JSON.
                if let value = try? JSONSerialization.jsonObject(with: Data(line), options: .fragmentsAllowed) { rows.append((index + 1, value)) } else {
                    problems.append("\(name):\(index + 1): not valid JSON; row skipped")
                }
            }
        }
        var subjects: [EvalSubject] = []
        for (line, value) in rows {
            if let limit, subjects.count >= limit { break }
            switch benchRow(value) {
            case .success(let row):
                let item = PreviewPlan.Item(number: 1, previewCase: PreviewCase(name: "row \(line)", turns: [.user(row.prompt)]),
                                            systemMessage: PreviewMessage(text: row.system))
                subjects.append(EvalSubject(title: "\(name):\(line)", path: path, plan: PreviewPlan(items: [item]), rubrics: row.rubrics,
                                            references: row.reference.map { [0: $0] } ?? [:]))
            case .failure(let problem):
                problems.append("\(name):\(line): \(problem.message); row skipped")
            }
        }
        if subjects.isEmpty, problems.isEmpty { problems.append("\(name): no rows") }
        return .success((subjects, problems))
    }

    struct BenchRow {
        var system: String
        var prompt: String
        var rubrics: [Rubric]
        var reference: String?
    }

    static func benchRow(_ value: Any) -> Result<BenchRow, RubricReplyError> {
        guard let row = value as? [String: Any] else { return .failure(RubricReplyError(message: "a row must be a JSON object")) }
        guard let system = (row["system"] ?? row["system_prompt"]) as? String, !system.isEmpty else {
            return .failure(RubricReplyError(message: "no 'system' text"))
        }
        guard let prompt = (row["prompt"] ?? row["user_prompt"]) as? String, !prompt.isEmpty else {
            return .failure(RubricReplyError(message: "no 'prompt' text"))
        }
        guard let given = (row["rubrics"] ?? row["rubric"]) as? [Any], !given.isEmpty else {
            return .failure(RubricReplyError(message: "no 'rubrics' list"))
        }
        let dimensions = ((row["preference_set"] ?? row["preference"]) as? [Any])?.compactMap { ($0 as? [String: Any])?["dimension"] as? String } ?? []
        var rubrics: [Rubric] = []
        for (index, item) in given.enumerated() {
            guard let fields = item as? [String: Any], let criteria = fields["criteria"] as? String,
                  let descriptions = fields["score_descriptions"] as? [String: Any] else {
                return .failure(RubricReplyError(message: "rubric \(index + 1) needs criteria and score_descriptions"))
            }
            var id = dimensions.count == given.count ? dimensions[index] : "rubric-\(index + 1)"
            if rubrics.contains(where: { $0.id == id }) { id += "-\(index + 1)" }
            let rubric = Rubric(id: id, criteria: criteria, scoreDescriptions: descriptions.compactMapValues { $0 as? String }, origin: .benchmark)
            if let problem = rubric.problem { return .failure(RubricReplyError(message: "rubric \(index + 1): \(problem)")) }
            rubrics.append(rubric)
        }
        return .success(BenchRow(system: system, prompt: prompt, rubrics: rubrics, reference: row["reference_answer"] as? String))
    }
}
