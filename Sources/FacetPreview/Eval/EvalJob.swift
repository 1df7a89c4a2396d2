import FacetCore

/// One endpoint an evaluation talks to, with its key.
public struct EvalEndpoint: Sendable {
    public var profile: EndpointProfile
    public var apiKey: String?
    public init(profile: EndpointProfile, apiKey: String?) {
        self.profile = profile
        self.apiKey = apiKey
    }
}

/// A system message to evaluate: its cases (the plan), its rubrics, and
/// reference answers when a benchmark row gives them.
public struct EvalSubject: Sendable {
    public var title: String
    public var path: String?
    public var plan: PreviewPlan
    public var rubrics: [Rubric]
    public var notes: [String]
    /// Reference answers by plan item index (Multifaceted Bench `reference_answer`).
    public var references: [Int: String]

    public init(title: String, path: String?, plan: PreviewPlan, rubrics: [Rubric], notes: [String] = [], references: [Int: String] = [:]) {
        self.title = title
        self.path = path
        self.plan = plan
        self.rubrics = rubrics
        self.notes = notes
        self.references = references
    }
}

/// Everything an evaluation needs.
public struct EvalJob: Sendable {
    public var subjects: [EvalSubject]
    /// The endpoints answering; with two or more, the last is the reference model.
    public var endpoints: [EvalEndpoint]
    /// Nil previews side by side without scores.
    public var judge: EvalEndpoint?
    public var settings: JudgeSettings
    public var cache: PreviewCache?
    public var readCache: Bool

    public init(subjects: [EvalSubject], endpoints: [EvalEndpoint], judge: EvalEndpoint?, settings: JudgeSettings,
                cache: PreviewCache?, readCache: Bool = true) {
        self.subjects = subjects
        self.endpoints = endpoints
        self.judge = judge
        self.settings = settings
        self.cache = cache
        self.readCache = readCache
    }

    /// Requests a run sends with an empty cache: one per generated answer per
    /// endpoint, one per judged answer, rubric and repeat, and one per subject
    /// when the judge writes the rubrics.
    public var uncachedRequests: Int {
        var total = 0
        for subject in subjects {
            let answers = subject.plan.items.map(\.previewCase.answerCount).reduce(0, +)
            total += answers * endpoints.count
            if judge != nil {
                total += answers * endpoints.count * subject.rubrics.count * settings.repeats
                if settings.rubricsFromJudge { total += 1 }
            }
        }
        return total
    }
}
