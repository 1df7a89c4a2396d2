import FacetCore
import Foundation

/// One judge reading of one answer against one rubric.
public struct JudgeSample: Sendable, Codable, Equatable {
    /// 1-5, or nil when the reply held no readable score or the request failed.
    public var score: Int?
    public var feedback: String
    /// Why there is no score: an unreadable reply (quoted) or a failed request.
    public var problem: String?
    public var cached: Bool

    public init(score: Int?, feedback: String, problem: String? = nil, cached: Bool = false) {
        self.score = score
        self.feedback = feedback
        self.problem = problem
        self.cached = cached
    }
}

/// Sends judge requests to the judge endpoint, reading scores with
/// `ScoreParser` and keeping readable replies in the cache.
public struct JudgeClient: Sendable {
    public let profile: EndpointProfile
    let client: ChatClient
    let cache: PreviewCache?
    let readCache: Bool

    public init(profile: EndpointProfile, apiKey: String?, cache: PreviewCache?, readCache: Bool) {
        self.profile = profile
        client = ChatClient(profile: profile, apiKey: apiKey)
        self.cache = cache
        self.readCache = readCache
    }

    /// A judge request's outcome: the reply, or the failure and whether it would repeat for every request.
    enum Reply {
        case text(String)
        case failed(PreviewError)
    }

    /// Scores `prompt` (a `JudgePrompt.user` text); `sample` tells repeats apart in the cache.
    func score(prompt: String, sample: Int) async -> (JudgeSample, PreviewError?) {
        let key = PreviewCache.judgementKey(kind: "judge", messages: [JudgePrompt.system, prompt], profile: profile, sample: sample)
        if readCache, let stored = cache?.judgement(for: key), case .score(let score, let feedback) = ScoreParser.read(stored) {
            return (JudgeSample(score: score, feedback: feedback, cached: true), nil)
        }
        switch await send(system: JudgePrompt.system, user: prompt) {
        case .failed(let error):
            return (JudgeSample(score: nil, feedback: "", problem: "judge request failed: \(error.message)"), error)
        case .text(let reply):
            switch ScoreParser.read(reply) {
            case .score(let score, let feedback):
                try? cache?.storeJudgement(reply, key: key, model: profile.model)
                return (JudgeSample(score: score, feedback: feedback), nil)
            case .unparseable(let why):
                // Not cached: the next run asks again.
                return (JudgeSample(score: nil, feedback: PreviewError.excerpt(reply, limit: 400), problem: "unparseable judge reply: \(why)"), nil)
            }
        }
    }

    /// Asks the judge to write rubrics for `systemMessage`; nil with a note when the reply cannot be used.
    func writeRubrics(systemMessage: String, templates: [Rubric]) async -> Result<[Rubric], RubricReplyError> {
        let prompt = RubricWriting.prompt(systemMessage: systemMessage, templates: templates)
        let key = PreviewCache.judgementKey(kind: "rubrics", messages: [RubricWriting.system, prompt], profile: profile, sample: 0)
        if readCache, let stored = cache?.judgement(for: key), case .success(let rubrics) = RubricWriting.parse(stored, templates: templates) {
            return .success(rubrics)
        }
        switch await send(system: RubricWriting.system, user: prompt) {
        case .failed(let error):
            return .failure(RubricReplyError(message: "the judge could not be asked for rubrics: \(error.message)"))
        case .text(let reply):
            let parsed = RubricWriting.parse(reply, templates: templates)
            if case .success = parsed { try? cache?.storeJudgement(reply, key: key, model: profile.model) }
            return parsed
        }
    }

    private func send(system: String, user: String) async -> Reply {
        var text = ""
        do {
            for try await event in client.complete([ChatMessage(role: "system", content: system), ChatMessage(role: "user", content: user)]) {
                switch event {
                case .text(let piece): text += piece
                case .finished(_, let complete) where !complete:
                    return .failed(PreviewError(.invalidResponse, "the judge's answer stopped before it was done"))
                default: break
                }
            }
        } catch {
            return .failed(error as? PreviewError ?? PreviewError(.transport, String(describing: error)))
        }
        if Task.isCancelled { return .failed(PreviewError(.cancelled, "cancelled")) }
        return .text(text)
    }
}
