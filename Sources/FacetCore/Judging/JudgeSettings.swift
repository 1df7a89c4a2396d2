/// How evaluations judge and compare, from `[judge]` in `.facet.toml`:
///
/// ```toml
/// [judge]
/// endpoint = "strong"     # the endpoint profile that judges (default: the answering endpoint)
/// repeats = 1             # judge samples per answer and rubric; mean and spread are reported
/// low = 2                 # a rubric scored at or below this (mean of repeats) is not followed
/// gap = 1.5               # a case whose score trails the reference model's by this much is flagged
/// tie = 0.5               # case scores closer than this are a tie
/// drift = 1.0             # a turn scoring this much below the conversation's first is flagged
/// rubrics = "templates"   # or "judge": ask the judge endpoint to write them (templates on failure)
/// concurrency = 4         # requests in flight at once
/// ```
public struct JudgeSettings: Sendable, Equatable {
    public var endpoint: String?
    public var repeats = 1
    public var low = 2.0
    /// CodecLM flags a gap over 3 on a 1-10 scale, a third of its range; a
    /// third of 1-5 is 1.33, rounded up so one rubric slipping a little does not flag.
    public var gap = 1.5
    public var tie = 0.5
    public var drift = 1.0
    public var rubricsFromJudge = false
    public var concurrency = 4

    public init() {}
}
