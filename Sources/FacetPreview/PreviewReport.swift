import FacetCore
import Foundation

/// The Markdown preview file: what was sent where, and each case's answers as
/// they stream. Rewritten on every update, so it is a pure function of state.
public struct PreviewReport: Sendable {
    public var title: String
    public var plan: PreviewPlan
    public var profile: EndpointProfile
    public var started: Date
    /// A line under the header, e.g. "running case 2 of 3" or "cancelled".
    public var status: String

    public init(title: String, plan: PreviewPlan, profile: EndpointProfile, started: Date, status: String) {
        self.title = title
        self.plan = plan
        self.profile = profile
        self.started = started
        self.status = status
    }

    /// The first 12 hex digits of the SHA-256 of a system message, as shown in previews.
    public static func hash(_ message: PreviewMessage) -> String { "sha256:" + SHA256.hex(message.text).prefix(12) }

    public func markdown(_ results: [CaseResult]) -> String {
        var out = "# Preview: \(title)\n\n"
        let first = plan.items.first?.systemMessage
        var rows: [(String, String)] = []
        if let first { rows.append(("System message", "`\(Self.hash(first))` (\(first.text.count) characters)")) }
        rows.append(("Endpoint", "\(profile.name) (\(profile.baseURL))"))
        rows.append(("Model", profile.model))
        rows.append(("Parameters", parameters))
        rows.append(("Started", Self.timestamp(started)))
        rows.append(("Status", status))
        out += "| | |\n|---|---|\n"
        for (name, value) in rows { out += "| \(name) | \(value.replacingOccurrences(of: "|", with: "\\|")) |\n" }
        out += "\n"
        if let first, !first.unfilled.isEmpty {
            out += "> Variables without a value, sent as written: \(first.unfilled.map { "`\($0)`" }.joined(separator: ", ")). Give values under `variables:` in the front matter.\n\n"
        }
        for problem in plan.problems { out += "> Problem: \(problem)\n\n" }
        if plan.usesProbe { out += "_No cases declared (`cases:` in the front matter or a `.cases.yaml` file), so the probe question was sent._\n\n" }
        for (index, item) in plan.items.enumerated() {
            out += section(item, result: index < results.count ? results[index] : nil, baseHash: first.map(Self.hash))
        }
        return out
    }

    private var parameters: String {
        var parts: [String] = []
        parts.append(profile.temperature.map { "temperature \($0)" } ?? "temperature (endpoint default)")
        parts.append(profile.maxTokens.map { "max tokens \($0)" } ?? "max tokens (endpoint default)")
        parts.append(profile.stream ? "streamed" : "not streamed")
        return parts.joined(separator: ", ")
    }

    private func section(_ item: PreviewPlan.Item, result: CaseResult?, baseHash: String?) -> String {
        var heading = item.number == 0 ? "Probe" : Self.caseTitle(item).capitalizedFirst
        if result?.cached == true { heading += " (cached)" }
        var out = "## \(heading)\n\n"
        let hash = Self.hash(item.systemMessage)
        if hash != baseHash { out += "_System message with this case's variables: `\(hash)`_\n\n" }
        let answers = Dictionary((result?.answers ?? []).map { ($0.turn, $0) }, uniquingKeysWith: { first, _ in first })
        for (turnIndex, turn) in item.previewCase.turns.enumerated() {
            switch turn {
            case .user(let text):
                out += "**User:**\n\n" + Self.quoted(text) + "\n\n"
                if let answer = answers[turnIndex] { out += answerText(answer, running: result?.status == .running) }
            case .assistant(let text):
                out += "**Assistant (written):**\n\n" + Self.quoted(text) + "\n\n"
            }
        }
        if let result, result.status == .waiting { out += "_waiting_\n\n" }
        if let result, result.answers.isEmpty, result.status == .failed || result.status == .cancelled { out += "_\(result.status.rawValue)_\n\n" }
        return out
    }

    private func answerText(_ answer: PreviewAnswer, running: Bool) -> String {
        var out = "**Assistant:**\n\n"
        out += answer.text.isEmpty ? "" : answer.text + "\n\n"
        var facts: [String] = []
        if let error = answer.error {
            facts.append(error == "cancelled" ? "cancelled" : "⚠ \(error)")
        } else if answer.complete {
            facts.append(answer.finishReason ?? "done")
        } else if running {
            facts.append("streaming…")
        }
        if let first = answer.firstTextSeconds { facts.append(String(format: "first text %.2f s", first)) }
        if answer.seconds > 0 { facts.append(String(format: "%.2f s", answer.seconds)) }
        if answer.chunks > 0 { facts.append("\(answer.chunks) chunk\(answer.chunks == 1 ? "" : "s")") }
        if let usage = answer.usage { facts.append("tokens: \(usage.promptTokens) prompt + \(usage.completionTokens) completion") }
        out += "_" + facts.joined(separator: " · ") + "_\n\n"
        return out
    }

    /// "case 2: refund", or "case 2" when the case has no name of its own.
    public static func caseTitle(_ item: PreviewPlan.Item) -> String {
        let name = item.previewCase.name
        return name == "case \(item.number)" ? name : "case \(item.number): \(name)"
    }

    /// `text` as a Markdown block quote, "> " before every line.
    public static func quoted(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "> " + $0 }.joined(separator: "\n")
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: date)
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
