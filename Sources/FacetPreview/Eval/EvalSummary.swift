import FacetCore
import Foundation

/// What an evaluation found, computed from its result: scores per endpoint,
/// each target against the reference model, conversations that drift, and
/// rubrics the models do not follow.
public struct EvalSummary: Sendable, Codable, Equatable {
    public struct EndpointScore: Sendable, Codable, Equatable {
        public var endpoint: String
        public var model: String
        /// Mean of the case scores; nil when nothing was judged.
        public var mean: Double?
        public var casesJudged: Int
        /// Judge samples without a score (unreadable replies, failed requests).
        public var unscored: Int
        public var failedCases: Int
    }

    public struct ComparedCase: Sendable, Codable, Equatable {
        public var subject: Int
        public var caseIndex: Int
        public var comparison: CaseComparison
    }

    public struct TargetComparison: Sendable, Codable, Equatable {
        public var target: String
        public var reference: String
        public var cases: [ComparedCase]
        public var summary: ComparisonSummary
    }

    public struct Drift: Sendable, Codable, Equatable {
        public var subject: Int
        public var caseIndex: Int
        public var endpoint: String
        public var report: DriftReport
    }

    /// A rubric scored at or below the low threshold in some cases.
    public struct NotFollowed: Sendable, Codable, Equatable {
        public var subject: Int
        public var rubric: String
        /// Byte ranges in the subject's file of the sentences the rubric checks.
        public var sources: [Range<Int>]
        public var lowCases: Int
        public var judgedCases: Int
        public var message: String
    }

    public var endpoints: [EndpointScore] = []
    public var comparisons: [TargetComparison] = []
    public var drifts: [Drift] = []
    public var notFollowed: [NotFollowed] = []

    public init(_ result: EvalResult, settings: JudgeSettings) {
        for (index, name) in result.endpoints.enumerated() {
            let runs = result.subjects.flatMap { $0.runs.map { $0[index] } }
            let scores = runs.compactMap(\.score)
            let unscored = runs.flatMap(\.judged).flatMap(\.verdicts).flatMap(\.samples).filter { $0.score == nil }.count
            endpoints.append(EndpointScore(endpoint: name, model: result.models[index], mean: ScoreStats(scores)?.mean, casesJudged: scores.count,
                                           unscored: unscored, failedCases: runs.filter { $0.result.status != .done }.count))
        }
        if let reference = result.referenceIndex {
            for target in 0..<reference {
                var cases: [ComparedCase] = []
                for (s, subject) in result.subjects.enumerated() {
                    for (c, runs) in subject.runs.enumerated() {
                        guard let t = runs[target].score, let r = runs[reference].score else { continue }
                        cases.append(ComparedCase(subject: s, caseIndex: c,
                                                  comparison: .make(caseNumber: c + 1, target: t, reference: r, settings: settings)))
                    }
                }
                comparisons.append(TargetComparison(target: result.endpoints[target], reference: result.endpoints[reference], cases: cases,
                                                    summary: ComparisonSummary(cases.map(\.comparison))))
            }
        }
        for (s, subject) in result.subjects.enumerated() {
            for (c, runs) in subject.runs.enumerated() {
                for run in runs {
                    if let report = run.drift(margin: settings.drift) { drifts.append(Drift(subject: s, caseIndex: c, endpoint: run.endpoint, report: report)) }
                }
            }
            for rubric in subject.rubrics {
                var low = 0, judged = 0
                var parts: [String] = []
                for (index, name) in result.endpoints.enumerated() {
                    // A case does not follow the rubric when any of its turns scores low on it.
                    let caseScores = subject.runs.compactMap { runs in
                        runs[index].judged.compactMap { $0.verdicts.first { $0.rubric == rubric.id }?.score }.min()
                    }
                    let lowHere = caseScores.filter { $0 <= settings.low + 1e-9 }.count
                    low += lowHere
                    judged += caseScores.count
                    if !caseScores.isEmpty {
                        parts.append("\(name): \(lowHere) of \(caseScores.count)" + (result.endpoints.count == 1 ? ", scores " + caseScores.map(Self.format).joined(separator: ", ") : ""))
                    }
                }
                guard low > 0 else { continue }
                let message = "\(Self.phrase(rubric)) was not followed in \(low) of \(judged) judged case\(judged == 1 ? "" : "s") (\(parts.joined(separator: "; ")); judge \(result.judge ?? "none"))."
                notFollowed.append(NotFollowed(subject: s, rubric: rubric.id, sources: rubric.sources, lowCases: low, judgedCases: judged, message: message))
            }
        }
    }

    /// "The format instruction", "The background knowledge preference", "Rubric 'tone'".
    public static func phrase(_ rubric: Rubric) -> String {
        switch rubric.id {
        case "role": return "The role"
        case "task": return "The task"
        case "format": return "The format instruction"
        case "style": return "The style instruction"
        case "guardrail": return "The limit (guardrail)"
        default:
            if rubric.id.hasPrefix("preference:") {
                return "The " + rubric.id.dropFirst("preference:".count).replacingOccurrences(of: "_", with: " ") + " preference"
            }
            return "Rubric '\(rubric.id)'"
        }
    }

    /// A mean score with two decimals: 3.40.
    public static func fixed(_ score: Double) -> String { String(format: "%.2f", score) }

    /// Scores print with at most two decimals: 4, 3.5, 3.25.
    public static func format(_ score: Double) -> String {
        let rounded = (score * 100).rounded() / 100
        if rounded == rounded.rounded() { return String(Int(rounded)) }
        var text = String(rounded)
        if text.count > 4, let dot = text.firstIndex(of: ".") { text = String(text[...text.index(dot, offsetBy: 2)]) }
        return text
    }
}
