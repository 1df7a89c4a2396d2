import FacetCore

/// One rubric's judgement of one answer: every sample, and their mean and spread.
public struct RubricVerdict: Sendable, Codable, Equatable {
    public var rubric: String
    public var samples: [JudgeSample]

    public init(rubric: String, samples: [JudgeSample]) {
        self.rubric = rubric
        self.samples = samples
    }

    /// Over the samples with a score; nil when none has one.
    public var stats: ScoreStats? { ScoreStats(samples.compactMap { $0.score.map(Double.init) }) }
    public var score: Double? { stats?.mean }
}

/// The verdicts on one generated answer (one assistant turn).
public struct JudgedAnswer: Sendable, Codable, Equatable {
    /// Index into the case's turns of the user message answered.
    public var turn: Int
    public var verdicts: [RubricVerdict]

    /// The instance score: the mean over rubrics that have a score.
    public var score: Double? { ScoreStats(verdicts.compactMap(\.score))?.mean }
}

/// One case sent to one endpoint: its answers and their judgements.
public struct CaseRun: Sendable, Codable, Equatable {
    public var endpoint: String
    public var result: CaseResult
    public var judged: [JudgedAnswer]

    public init(endpoint: String, result: CaseResult, judged: [JudgedAnswer] = []) {
        self.endpoint = endpoint
        self.result = result
        self.judged = judged
    }

    /// The case's score: the mean over its judged turns.
    public var score: Double? { ScoreStats(judged.compactMap(\.score))?.mean }

    /// Turn by turn adherence, for conversations with more than one generated answer.
    /// Nil unless two turns have a score: with fewer there is nothing to compare, and "steady" would be a guess.
    public func drift(margin: Double) -> DriftReport? {
        judged.compactMap(\.score).count > 1 ? DriftReport(scores: judged.map(\.score), margin: margin) : nil
    }
}

/// One system message (a file, or a benchmark row) evaluated on every endpoint.
public struct SubjectEval: Sendable, Codable, Equatable {
    public var title: String
    public var path: String?
    public var rubrics: [Rubric]
    /// Notes on the rubrics: problems in the author's, or why the judge's were not used.
    public var notes: [String]
    /// `runs[case][endpoint]`, in the order of the plan's items and the job's endpoints.
    public var runs: [[CaseRun]]
    public var caseNames: [String]
    /// Each case's conversation as written: user turns and written replies.
    public var conversations: [[JudgePrompt.Turn]]
}

/// Everything one evaluation produced.
public struct EvalResult: Sendable, Codable, Equatable {
    public var endpoints: [String]
    public var models: [String]
    /// The judge profile's name; nil for a comparison without judging.
    public var judge: String?
    public var subjects: [SubjectEval]
    public var cancelled = false
    /// Requests sent (answers and judgements); cached ones are not counted.
    public var requests = 0

    /// The reference (strong) model of a comparison: the last endpoint.
    public var referenceIndex: Int? { endpoints.count > 1 ? endpoints.count - 1 : nil }
}
