import FacetCore
import Foundation

/// An evaluation as Markdown (the editor's `.eval.md` file, `facet eval
/// --format markdown`) and as terminal text. Pure functions of the result,
/// so the file can be rewritten as results arrive.
public struct EvalReport: Sendable {
    public var result: EvalResult
    public var settings: JudgeSettings
    /// "running", "done", "cancelled", ...
    public var status: String
    /// Turns byte offsets of a subject's file into 1-based line numbers, when the text is at hand.
    public var lineOf: @Sendable (Int, Int) -> Int?

    public init(result: EvalResult, settings: JudgeSettings, status: String, lineOf: @escaping @Sendable (Int, Int) -> Int? = { _, _ in nil }) {
        self.result = result
        self.settings = settings
        self.status = status
        self.lineOf = lineOf
    }

    var summary: EvalSummary { EvalSummary(result, settings: settings) }

    // MARK: Markdown

    public func markdown() -> String {
        let summary = self.summary
        let title = result.subjects.count == 1 ? result.subjects[0].title : "\(result.subjects.count) system messages"
        var out = "# Evaluation: \(title)\n\n| | |\n|---|---|\n"
        var rows: [(String, String)] = [("Endpoints", endpointLine)]
        rows.append(("Judge", judgeLine))
        if result.subjects.count == 1 { rows.append(("Rubrics", rubricLine(result.subjects[0]))) }
        rows.append(("Thresholds", "not followed at ≤ \(EvalSummary.format(settings.low)) · gap flagged at ≥ \(EvalSummary.format(settings.gap)) · tie within \(EvalSummary.format(settings.tie)) · drift at a drop of ≥ \(EvalSummary.format(settings.drift))"))
        rows.append(("Requests", "\(result.requests) sent"))
        rows.append(("Status", status))
        for (name, value) in rows { out += "| \(name) | \(value.replacingOccurrences(of: "|", with: "\\|")) |\n" }
        out += "\n"
        out += summaryMarkdown(summary)
        for (s, subject) in result.subjects.enumerated() {
            if result.subjects.count > 1 { out += "# \(subject.title)\n\n" }
            for note in subject.notes { out += "> Note: \(note)\n\n" }
            for (c, runs) in subject.runs.enumerated() {
                out += caseMarkdown(subject: s, caseIndex: c, runs: runs, summary: summary)
            }
        }
        return out
    }

    private var endpointLine: String {
        result.endpoints.indices.map { index in
            "\(result.endpoints[index]) (\(result.models[index]))" + (index == result.referenceIndex ? " — reference" : "")
        }.joined(separator: " vs ")
    }

    private var judgeLine: String {
        guard let judge = result.judge else { return "none (side by side, unscored)" }
        var line = judge
        if result.endpoints.count == 1, result.endpoints[0] == judge { line += " (the answering endpoint judges itself; set [judge] endpoint for an independent judge)" }
        if settings.repeats > 1 { line += " · \(settings.repeats) samples per rubric" }
        return line
    }

    private func rubricLine(_ subject: SubjectEval) -> String {
        subject.rubrics.isEmpty ? "none" : "\(subject.rubrics.count): " + subject.rubrics.map(\.id).joined(separator: ", ")
    }

    private func summaryMarkdown(_ summary: EvalSummary) -> String {
        guard result.judge != nil else { return "" }
        var out = "## Summary\n\n| Endpoint | Model | Mean score | Cases judged | Unscored samples |\n|---|---|---|---|---|\n"
        for score in summary.endpoints {
            out += "| \(score.endpoint) | \(score.model) | \(score.mean.map(EvalSummary.fixed) ?? "–") | \(score.casesJudged) | \(score.unscored) |\n"
        }
        out += "\n"
        for comparison in summary.comparisons { out += "**" + comparisonLine(comparison) + "**\n\n" }
        if !summary.notFollowed.isEmpty {
            out += "### Not followed\n\n"
            for note in summary.notFollowed { out += "- ⚠ \(location(note))\(note.message)\n" }
            out += "\n"
        }
        if !summary.drifts.isEmpty {
            out += "### Drift over turns\n\n"
            for drift in summary.drifts { out += "- \(driftLine(drift))\n" }
            out += "\n"
        }
        return out
    }

    func comparisonLine(_ comparison: EvalSummary.TargetComparison) -> String {
        let s = comparison.summary
        var line = "\(comparison.target) vs \(comparison.reference): \(s.wins) win\(s.wins == 1 ? "" : "s"), \(s.ties) tie\(s.ties == 1 ? "" : "s"), \(s.losses) loss\(s.losses == 1 ? "" : "es")"
        if let ratio = s.capacityRecovery { line += String(format: " · capacity recovery %.1f%%", ratio * 100) }
        line += " · \(s.flagged) case\(s.flagged == 1 ? "" : "s") flagged (gap ≥ \(EvalSummary.format(settings.gap)))"
        return line
    }

    func driftLine(_ drift: EvalSummary.Drift) -> String {
        let subject = result.subjects[drift.subject]
        return (result.subjects.count > 1 ? subject.title + " · " : "") + "\(subject.caseNames[drift.caseIndex]) on \(drift.endpoint): " + turns(drift.report)
    }

    /// "turn 1 4.5 → turn 2 2 — ⚑ adherence drops by 2.5 at turn 2", or "… — steady".
    func turns(_ report: DriftReport) -> String {
        let line = report.scores.enumerated().map { "turn \($0.offset + 1) \($0.element.map(EvalSummary.format) ?? "–")" }.joined(separator: " → ")
        guard let at = report.droppedAt, let drop = report.drop else { return line + " — steady" }
        return line + " — ⚑ adherence drops by \(EvalSummary.format(drop)) at turn \(at + 1)"
    }

    private func location(_ note: EvalSummary.NotFollowed) -> String {
        guard let first = note.sources.first, let line = lineOf(note.subject, first.lowerBound) else { return "" }
        return "line \(line): "
    }

    private func caseMarkdown(subject s: Int, caseIndex c: Int, runs: [CaseRun], summary: EvalSummary) -> String {
        let subject = result.subjects[s]
        var out = "## \(subject.caseNames[c].capitalizedFirst)\n\n"
        // The conversation is the same on every endpoint: shown once, then each endpoint's answers.
        for (index, turn) in (subject.conversations.indices.contains(c) ? subject.conversations[c] : []).enumerated() {
            out += "**\(turn.role == "user" ? "User" : "Assistant (written)")** (turn \(index + 1)):\n\n" + PreviewReport.quoted(turn.content) + "\n\n"
        }
        for run in runs {
            let score = run.score.map { " — score \(EvalSummary.fixed($0))" } ?? ""
            out += "### \(run.endpoint)\(run.result.cached ? " (cached)" : "")\(score)\n\n"
            if run.result.answers.isEmpty {
                out += "_\(run.result.status == .waiting ? "waiting" : run.result.status.rawValue)_\n\n"
            }
            for answer in run.result.answers {
                out += "**Assistant** (turn \(answer.turn + 1)):\n\n"
                if !answer.text.isEmpty { out += PreviewReport.quoted(answer.text) + "\n\n" }
                if let error = answer.error { out += "_⚠ \(error)_\n\n" }
                if let judged = run.judged.first(where: { $0.turn == answer.turn }) { out += verdictTable(judged, rubrics: subject.rubrics) }
            }
            if let drift = summary.drifts.first(where: { $0.subject == s && $0.caseIndex == c && $0.endpoint == run.endpoint }) {
                out += "Drift: " + turns(drift.report) + "\n\n"
            }
        }
        for comparison in summary.comparisons {
            guard let compared = comparison.cases.first(where: { $0.subject == s && $0.caseIndex == c })?.comparison else { continue }
            out += "**\(comparison.target) vs \(comparison.reference):** \(compared.outcome.rawValue), gap \(EvalSummary.format(compared.gap))"
            out += compared.flagged ? " — ⚑ \(comparison.target) falls short (gap ≥ \(EvalSummary.format(settings.gap)))\n\n" : "\n\n"
        }
        return out
    }

    private func verdictTable(_ judged: JudgedAnswer, rubrics: [Rubric]) -> String {
        var out = "| Rubric | Score | Judge's feedback |\n|---|---|---|\n"
        for verdict in judged.verdicts {
            let score: String
            if let stats = verdict.stats {
                score = EvalSummary.format(stats.mean) + (stats.count > 1 ? String(format: " ± %.2f (n=%d)", stats.spread, stats.count) : "")
                    + (stats.mean <= settings.low + 1e-9 ? " ⚠" : "")
            } else {
                score = "–"
            }
            let feedback = verdict.samples.map { sample in
                sample.problem.map { "⚠ \($0)" } ?? sample.feedback
            }.joined(separator: " / ")
            out += "| \(verdict.rubric) | \(score) | \(Self.cell(feedback)) |\n"
        }
        if let score = judged.score { out += "\n_Turn score (mean over rubrics): \(EvalSummary.format(score))_\n" }
        return out + "\n"
    }

    static func cell(_ text: String) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ").replacingOccurrences(of: "|", with: "\\|")
        return flat.count > 600 ? String(flat.prefix(600)) + "…" : flat
    }

    // MARK: Terminal text

    public func text() -> String {
        let summary = self.summary
        var out = ""
        for (s, subject) in result.subjects.enumerated() {
            let cases = subject.runs.count
            out += "\(subject.title) — \(cases) case\(cases == 1 ? "" : "s") · \(result.endpoints.joined(separator: " vs ")) · \(subject.rubrics.count) rubric\(subject.rubrics.count == 1 ? "" : "s") · judge \(result.judge ?? "none")\n"
            for note in subject.notes { out += "  note: \(note)\n" }
            for (c, runs) in subject.runs.enumerated() {
                out += "  \(subject.caseNames[c])\n"
                for run in runs {
                    var line = "    \(run.endpoint.padding(toLength: max(8, run.endpoint.count), withPad: " ", startingAt: 0))  "
                    if let score = run.score {
                        line += EvalSummary.fixed(score)
                        let last = run.judged.last
                        if let last { line += "  [" + last.verdicts.map { "\($0.rubric) \($0.score.map(EvalSummary.format) ?? "?")" }.joined(separator: " · ") + "]" }
                        if run.judged.count > 1 { line += "  turns " + run.judged.map { $0.score.map(EvalSummary.format) ?? "–" }.joined(separator: " → ") }
                    } else if let error = run.result.error {
                        line += "⚠ \(error)"
                    } else if result.judge == nil {
                        line += run.result.answers.last.map { "\"" + String($0.text.split(whereSeparator: \.isNewline).joined(separator: " ").prefix(100)) + "\"" } ?? ""
                    } else {
                        line += "not scored" + (run.judged.flatMap(\.verdicts).flatMap(\.samples).compactMap(\.problem).first.map { ": \($0)" } ?? "")
                    }
                    if run.result.cached { line += "  (cached answer)" }
                    out += line + "\n"
                }
                for comparison in summary.comparisons {
                    guard let compared = comparison.cases.first(where: { $0.subject == s && $0.caseIndex == c })?.comparison else { continue }
                    out += "    gap \(EvalSummary.format(compared.gap)) (\(compared.outcome.rawValue) for \(comparison.target))\(compared.flagged ? "  ⚑ falls short" : "")\n"
                }
            }
        }
        guard result.judge != nil else { return out }
        out += "\nSummary\n"
        for score in summary.endpoints {
            out += "  \(score.endpoint): mean \(score.mean.map(EvalSummary.fixed) ?? "–") over \(score.casesJudged) case\(score.casesJudged == 1 ? "" : "s")"
            if score.unscored > 0 { out += ", \(score.unscored) judge sample\(score.unscored == 1 ? "" : "s") without a score" }
            if score.failedCases > 0 { out += ", \(score.failedCases) case\(score.failedCases == 1 ? "" : "s") not answered" }
            out += "\n"
        }
        for comparison in summary.comparisons { out += "  " + comparisonLine(comparison) + "\n" }
        if !summary.drifts.isEmpty {
            out += "Drift over turns\n"
            for drift in summary.drifts { out += "  " + driftLine(drift) + "\n" }
        }
        if !summary.notFollowed.isEmpty {
            out += "Not followed\n"
            for note in summary.notFollowed {
                let subject = result.subjects[note.subject]
                out += "  \(subject.title)\(note.sources.first.flatMap { lineOf(note.subject, $0.lowerBound) }.map { ":\($0)" } ?? ""): \(note.message)\n"
            }
        }
        out += "Requests: \(result.requests) sent\n"
        return out
    }
}
