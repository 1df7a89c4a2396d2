/// Mean and spread of a set of scores.
public struct ScoreStats: Sendable, Equatable, Codable {
    public var mean: Double
    /// Population standard deviation; 0 for a single score.
    public var spread: Double
    public var count: Int

    public init?(_ values: [Double]) {
        guard !values.isEmpty else { return nil }
        count = values.count
        mean = values.reduce(0, +) / Double(values.count)
        let m = mean
        spread = (values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(values.count)).squareRoot()
    }
}

/// A target model's case score against the reference model's.
public struct CaseComparison: Sendable, Equatable, Codable {
    public enum Outcome: String, Sendable, Codable { case win, tie, loss }
    public var caseNumber: Int
    public var target: Double
    public var reference: Double
    /// reference − target: positive when the target falls short.
    public var gap: Double
    public var outcome: Outcome
    /// The gap reaches the flag threshold.
    public var flagged: Bool

    public static func make(caseNumber: Int, target: Double, reference: Double, settings: JudgeSettings) -> CaseComparison {
        let gap = reference - target
        let outcome: Outcome = abs(gap) < settings.tie ? .tie : (gap < 0 ? .win : .loss)
        return CaseComparison(caseNumber: caseNumber, target: target, reference: reference, gap: gap, outcome: outcome,
                              flagged: gap >= settings.gap - 1e-9)
    }
}

/// Wins, ties and losses of a target against the reference over the cases both scored.
public struct ComparisonSummary: Sendable, Equatable, Codable {
    public var wins = 0
    public var ties = 0
    public var losses = 0
    public var flagged = 0

    public init(_ comparisons: [CaseComparison]) {
        for comparison in comparisons {
            switch comparison.outcome {
            case .win: wins += 1
            case .tie: ties += 1
            case .loss: losses += 1
            }
            if comparison.flagged { flagged += 1 }
        }
    }

    public var total: Int { wins + ties + losses }
    /// CodecLM's capacity recovery ratio: (wins + ties) / total; nil with nothing compared.
    public var capacityRecovery: Double? { total == 0 ? nil : Double(wins + ties) / Double(total) }
}

/// Adherence over a conversation: each generated turn's score, and the first
/// turn that falls `margin` or more below the first judged turn.
public struct DriftReport: Sendable, Equatable, Codable {
    /// Scores of the answered turns in order (nil where the turn could not be judged).
    public var scores: [Double?]
    /// Index into `scores` of the first turn that drops by the margin, if any.
    public var droppedAt: Int?
    /// How far that turn fell below the first.
    public var drop: Double?

    public init(scores: [Double?], margin: Double) {
        self.scores = scores
        guard let baseline = scores.compactMap({ $0 }).first, let first = scores.firstIndex(where: { $0 != nil }) else { return }
        for index in scores.indices where index > first {
            if let score = scores[index], baseline - score >= margin - 1e-9 {
                droppedAt = index
                drop = baseline - score
                return
            }
        }
    }
}
