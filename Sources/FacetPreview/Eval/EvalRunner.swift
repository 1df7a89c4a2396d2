import FacetCore
import Foundation

/// How far an evaluation has got: requests done (sent or cached) of those planned.
public struct EvalProgress: Sendable, Equatable {
    public var done: Int
    public var total: Int
    public var message: String
}

/// Runs an evaluation: every case of every subject on every endpoint, each
/// answer judged against every rubric (times `repeats`). Cases run with
/// bounded concurrency (`[judge] concurrency` requests in flight at most);
/// answers and readable judge replies come from the cache when unchanged.
/// A fault that would repeat (refused connection, bad key, missing model)
/// stops further requests to that endpoint; cancelling the task stops all.
public enum EvalRunner {
    public static func run(_ job: EvalJob, onUpdate: @escaping @Sendable (EvalProgress, EvalResult) -> Void = { _, _ in }) async -> EvalResult {
        let state = EvalState(job)
        if job.settings.rubricsFromJudge, let judge = job.judge {
            let client = JudgeClient(profile: judge.profile, apiKey: judge.apiKey, cache: job.cache, readCache: job.readCache)
            for (index, subject) in job.subjects.enumerated() where !Task.isCancelled {
                let systemMessage = subject.plan.items.first?.systemMessage.text ?? ""
                let written = await client.writeRubrics(systemMessage: systemMessage, templates: subject.rubrics)
                state.setRubrics(written, subject: index)
                onUpdate(state.progress("rubrics for \(subject.title)"), state.snapshot)
            }
        }
        var units: [Unit] = []
        for subject in job.subjects.indices {
            for item in job.subjects[subject].plan.items.indices {
                for endpoint in job.endpoints.indices { units.append(Unit(subject: subject, item: item, endpoint: endpoint)) }
            }
        }
        let limit = max(1, job.settings.concurrency)
        await withTaskGroup(of: Void.self) { group in
            var next = 0
            while next < min(limit, units.count) {
                let unit = units[next]
                group.addTask { await run(unit, job: job, state: state, onUpdate: onUpdate) }
                next += 1
            }
            while await group.next() != nil {
                guard next < units.count else { continue }
                let unit = units[next]
                group.addTask { await run(unit, job: job, state: state, onUpdate: onUpdate) }
                next += 1
            }
        }
        if Task.isCancelled { state.markCancelled() }
        return state.snapshot
    }

    /// The result before anything has run: every case waiting.
    public static func pending(_ job: EvalJob) -> EvalResult { EvalState(job).snapshot }

    struct Unit: Sendable {
        var subject: Int
        var item: Int
        var endpoint: Int
    }

    private static func run(_ unit: Unit, job: EvalJob, state: EvalState, onUpdate: @Sendable (EvalProgress, EvalResult) -> Void) async {
        let subject = job.subjects[unit.subject]
        let item = subject.plan.items[unit.item]
        let endpoint = job.endpoints[unit.endpoint]
        let label = "\(subject.title) · \(item.number == 0 ? "probe" : PreviewReport.caseTitle(item)) · \(endpoint.profile.name)"
        if Task.isCancelled || state.isCancelled { return state.skip(unit, status: .cancelled, because: "cancelled") }
        if let broken = state.brokenEndpoint(unit.endpoint) { return state.skip(unit, status: .failed, because: "not sent: \(broken)") }

        onUpdate(state.progress("\(label): answering"), state.snapshot)
        let previewJob = PreviewJob(plan: PreviewPlan(items: [item], usesProbe: subject.plan.usesProbe), profile: endpoint.profile,
                                    apiKey: endpoint.apiKey, cache: job.cache, readCache: job.readCache)
        let result = await PreviewRunner.run(previewJob) { _, _ in }.first ?? CaseResult(name: item.previewCase.name, number: item.number)
        let kinds = result.answers.compactMap { $0.failureKind.flatMap(PreviewError.Kind.init(rawValue:)) }
        if let kind = kinds.first(where: PreviewRunner.endpointWide.contains), kind != .cancelled, let error = result.error {
            state.markBroken(unit.endpoint, error)
        }
        state.finishAnswers(unit, result)
        onUpdate(state.progress("\(label): \(result.cached ? "cached" : result.status.rawValue)"), state.snapshot)

        guard let judge = job.judge else { return }
        let client = JudgeClient(profile: judge.profile, apiKey: judge.apiKey, cache: job.cache, readCache: job.readCache)
        let rubrics = state.rubrics(unit.subject)
        for answer in result.answers where answer.complete && answer.error == nil {
            let conversation = Self.conversation(item.previewCase, answers: result.answers, upTo: answer.turn)
            var judged = JudgedAnswer(turn: answer.turn, verdicts: [])
            for rubric in rubrics {
                let prompt = JudgePrompt.user(systemMessage: item.systemMessage.text, conversation: conversation, response: answer.text,
                                              reference: subject.references[unit.item], rubric: rubric)
                var verdict = RubricVerdict(rubric: rubric.id, samples: [])
                for sample in 0..<max(1, job.settings.repeats) {
                    if Task.isCancelled {
                        verdict.samples.append(JudgeSample(score: nil, feedback: "", problem: "cancelled"))
                        continue
                    }
                    if let broken = state.brokenJudge {
                        verdict.samples.append(JudgeSample(score: nil, feedback: "", problem: "not sent: \(broken)"))
                        continue
                    }
                    let (reading, failure) = await client.score(prompt: prompt, sample: sample)
                    if let failure, PreviewRunner.endpointWide.contains(failure.kind) { state.markJudgeBroken(failure.message) }
                    verdict.samples.append(reading)
                    state.countJudgement(sent: !reading.cached && failure?.kind != .cancelled)
                    onUpdate(state.progress("\(label): judged \(rubric.id)"), state.snapshot)
                }
                judged.verdicts.append(verdict)
            }
            state.addJudged(unit, judged)
        }
        onUpdate(state.progress("\(label): judged"), state.snapshot)
    }

    /// The conversation an answer replies to: user turns, written replies, and earlier generated answers.
    static func conversation(_ previewCase: PreviewCase, answers: [PreviewAnswer], upTo turn: Int) -> [JudgePrompt.Turn] {
        var out: [JudgePrompt.Turn] = []
        for (index, step) in previewCase.turns.enumerated() where index <= turn {
            switch step {
            case .user(let text):
                out.append(JudgePrompt.Turn(role: "user", content: text))
                if index < turn, let answer = answers.first(where: { $0.turn == index }) {
                    out.append(JudgePrompt.Turn(role: "assistant", content: answer.text))
                }
            case .assistant(let text):
                out.append(JudgePrompt.Turn(role: "assistant", content: text))
            }
        }
        return out
    }
}

/// The evaluation's shared state, updated by concurrent cases under a lock.
final class EvalState: @unchecked Sendable {
    private let lock = NSLock()
    private var result: EvalResult
    private var subjectRubrics: [[Rubric]]
    private var broken: [Int: String] = [:]
    private var judgeFailure: String?
    private var done = 0
    private let total: Int

    init(_ job: EvalJob) {
        subjectRubrics = job.subjects.map(\.rubrics)
        total = job.uncachedRequests
        result = EvalResult(endpoints: job.endpoints.map(\.profile.name), models: job.endpoints.map(\.profile.model),
                            judge: job.judge?.profile.name, subjects: job.subjects.map { subject in
                                SubjectEval(title: subject.title, path: subject.path, rubrics: subject.rubrics, notes: subject.notes,
                                            runs: subject.plan.items.map { item in
                                                job.endpoints.map { CaseRun(endpoint: $0.profile.name, result: CaseResult(name: item.previewCase.name, number: item.number)) }
                                            }, caseNames: subject.plan.items.map { $0.number == 0 ? "probe" : PreviewReport.caseTitle($0) },
                                            conversations: subject.plan.items.map { EvalRunner.conversation($0.previewCase, answers: [], upTo: Int.max) })
                            })
    }

    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    var snapshot: EvalResult { locked { result } }
    var isCancelled: Bool { locked { result.cancelled } }
    var brokenJudge: String? { locked { judgeFailure } }

    func progress(_ message: String) -> EvalProgress { locked { EvalProgress(done: done, total: max(total, done), message: message) } }
    func rubrics(_ subject: Int) -> [Rubric] { locked { subjectRubrics[subject] } }
    func brokenEndpoint(_ endpoint: Int) -> String? { locked { broken[endpoint] } }
    func markBroken(_ endpoint: Int, _ message: String) { locked { if broken[endpoint] == nil { broken[endpoint] = message } } }
    func markJudgeBroken(_ message: String) { locked { if judgeFailure == nil { judgeFailure = message } } }
    func markCancelled() { locked { result.cancelled = true } }

    func setRubrics(_ written: Result<[Rubric], RubricReplyError>, subject: Int) {
        locked {
            switch written {
            case .success(let rubrics):
                subjectRubrics[subject] = rubrics
                result.subjects[subject].rubrics = rubrics
                result.subjects[subject].notes.append("rubrics written by the judge")
            case .failure(let error):
                result.subjects[subject].notes.append("\(error.message); the derived rubrics were used")
            }
            done += 1
            result.requests += 1
        }
    }

    func skip(_ unit: EvalRunner.Unit, status: CaseResult.Status, because reason: String) {
        locked {
            var answer = PreviewAnswer(turn: 0)
            answer.error = reason
            result.subjects[unit.subject].runs[unit.item][unit.endpoint].result.status = status
            result.subjects[unit.subject].runs[unit.item][unit.endpoint].result.answers = [answer]
            if status == .cancelled { result.cancelled = true }
        }
    }

    func finishAnswers(_ unit: EvalRunner.Unit, _ caseResult: CaseResult) {
        locked {
            result.subjects[unit.subject].runs[unit.item][unit.endpoint].result = caseResult
            done += caseResult.answers.count
            if !caseResult.cached { result.requests += caseResult.answers.count }
            if caseResult.status == .cancelled { result.cancelled = true }
        }
    }

    func countJudgement(sent: Bool) {
        locked {
            done += 1
            if sent { result.requests += 1 }
        }
    }

    func addJudged(_ unit: EvalRunner.Unit, _ judged: JudgedAnswer) {
        locked { result.subjects[unit.subject].runs[unit.item][unit.endpoint].judged.append(judged) }
    }
}
