import FacetCore
import Foundation

/// Everything one preview needs: the plan (cases and system messages), where
/// to send it, and the cache.
public struct PreviewJob: Sendable {
    public var plan: PreviewPlan
    public var profile: EndpointProfile
    public var apiKey: String?
    public var cache: PreviewCache?
    /// False forces every case to be sent again (results still refresh the cache).
    public var readCache: Bool

    public init(plan: PreviewPlan, profile: EndpointProfile, apiKey: String?, cache: PreviewCache?, readCache: Bool = true) {
        self.plan = plan
        self.profile = profile
        self.apiKey = apiKey
        self.cache = cache
        self.readCache = readCache
    }
}

/// What changed, reported as it happens.
public enum PreviewUpdate: Sendable, Equatable {
    case caseStarted(Int)
    /// A new answer begins in case `Int` (multi-turn cases have several).
    case answerStarted(Int)
    case text(Int, String)
    case retrying(Int, status: Int, seconds: Double)
    case caseFinished(Int)
    /// Case `Int` was not sent: an earlier case met an error that would repeat, or the run was cancelled.
    case caseSkipped(Int)
}

/// Runs a preview's cases one after another against one endpoint, serving
/// unchanged cases from the cache. Cancelling the calling task stops the
/// HTTP request in flight at once.
public enum PreviewRunner {
    /// Errors that would repeat for every case: the rest are not sent.
    public static let endpointWide: Set<PreviewError.Kind> = [.configuration, .invalidURL, .missingKey, .connectionRefused, .hostNotFound, .tls,
                                                       .unauthorized, .forbidden, .modelNotFound, .notFound, .rateLimited, .unavailable, .connectTimeout]

    public static func run(_ job: PreviewJob, onUpdate: @Sendable (PreviewUpdate, [CaseResult]) -> Void) async -> [CaseResult] {
        var results = job.plan.items.map { CaseResult(name: $0.previewCase.name, number: $0.number) }
        let client = ChatClient(profile: job.profile, apiKey: job.apiKey)
        var stopReason: String?
        for (index, item) in job.plan.items.enumerated() {
            if let stopReason {
                results[index].status = Task.isCancelled ? .cancelled : .failed
                var skipped = PreviewAnswer(turn: 0)
                skipped.error = stopReason
                results[index].answers = [skipped]
                onUpdate(.caseSkipped(index), results)
                continue
            }
            let key = PreviewCache.key(systemMessage: item.systemMessage.text, previewCase: item.previewCase, profile: job.profile)
            if job.readCache, let cached = job.cache?.result(for: key) {
                results[index] = cached
                // The key leaves out the case's name and number: the entry may come from a case since renamed or moved.
                results[index].name = item.previewCase.name
                results[index].number = item.number
                results[index].cached = true
                onUpdate(.caseFinished(index), results)
                continue
            }
            results[index].status = .running
            onUpdate(.caseStarted(index), results)
            var history = [ChatMessage(role: "system", content: item.systemMessage.text)]
            let turns = item.previewCase.turns
            for (turnIndex, turn) in turns.enumerated() {
                switch turn {
                case .assistant(let text):
                    history.append(ChatMessage(role: "assistant", content: text))
                    continue
                case .user(let text):
                    history.append(ChatMessage(role: "user", content: text))
                    if turnIndex + 1 < turns.count, case .assistant = turns[turnIndex + 1] { continue }
                }
                results[index].answers.append(PreviewAnswer(turn: turnIndex))
                onUpdate(.answerStarted(index), results)
                let failure = await stream(client.complete(history), into: &results, case: index, onUpdate: onUpdate)
                let answer = results[index].answers[results[index].answers.count - 1]
                if let failure {
                    results[index].status = failure.kind == .cancelled ? .cancelled : .failed
                    if failure.kind == .cancelled || endpointWide.contains(failure.kind) {
                        stopReason = failure.kind == .cancelled ? "cancelled" : "not sent: \(failure.message)"
                    }
                    break
                }
                guard answer.complete else { results[index].status = .failed; break }
                history.append(ChatMessage(role: "assistant", content: answer.text))
            }
            if results[index].status == .running { results[index].status = .done }
            if results[index].isCacheable, let cache = job.cache {
                var stored = results[index]
                stored.cached = false
                try? cache.store(stored, key: key, profile: job.profile)
            }
            onUpdate(.caseFinished(index), results)
        }
        return results
    }

    /// Streams one answer into the last answer of case `index`; returns the error that ended it, if any.
    private static func stream(_ events: AsyncThrowingStream<ChatEvent, Error>, into results: inout [CaseResult], case index: Int,
                               onUpdate: @Sendable (PreviewUpdate, [CaseResult]) -> Void) async -> PreviewError? {
        let started = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 }
        let last = results[index].answers.count - 1
        defer { results[index].answers[last].seconds = elapsed() }
        do {
            for try await event in events {
                switch event {
                case .text(let text):
                    if results[index].answers[last].firstTextSeconds == nil { results[index].answers[last].firstTextSeconds = elapsed() }
                    results[index].answers[last].text += text
                    results[index].answers[last].chunks += 1
                    onUpdate(.text(index, text), results)
                case .usage(let usage):
                    results[index].answers[last].usage = usage
                case .retrying(let status, let seconds, _):
                    onUpdate(.retrying(index, status: status, seconds: seconds), results)
                case .finished(let reason, let complete):
                    results[index].answers[last].finishReason = reason
                    results[index].answers[last].complete = complete
                    if !complete {
                        results[index].answers[last].error = "incomplete: the stream ended before the endpoint said it was done ([DONE]); the text above is what arrived"
                    }
                }
            }
            if Task.isCancelled {
                results[index].answers[last].error = "cancelled"
                return PreviewError(.cancelled, "cancelled")
            }
            return nil
        } catch {
            let failure = error as? PreviewError ?? PreviewError(.transport, String(describing: error))
            results[index].answers[last].error = failure.kind == .cancelled ? "cancelled" : failure.message
            results[index].answers[last].failureKind = failure.kind.rawValue
            return failure
        }
    }
}
