import FacetCore
@testable import FacetPreview
import Foundation
import XCTest

/// Whole evaluations against the fake endpoint playing two models of
/// different quality and a judge: scores, gaps, drift, unreadable replies,
/// repeats, the cache, judge-written rubrics, faults, bounded concurrency,
/// cancellation and benchmark rows.
final class EvalRunnerTests: FakeEndpointTestCase {
    /// Three cases, the last a three-turn conversation; three derived rubrics (role, task, format).
    static let message = """
    ---
    cases:
      - Hello there
      - name: refund
        user: I want a refund
      - name: conversation
        turns:
          - Hi
          - My order is 42
          - Still broken
    ---
    You are the support agent of Acme.
    Answer questions about orders.
    Reply in JSON only.
    """

    func settings(_ models: [String: String], judge: JudgeSettings = JudgeSettings()) -> PreviewSettings {
        var settings = PreviewSettings()
        for (name, model) in models {
            var change = EndpointOverride()
            change.baseURL = name == "closed" ? "http://127.0.0.1:\(FakeEndpoint.closedPort())/v1" : fake.baseURL
            change.model = model
            settings.override(name, with: change)
        }
        settings.judge = judge
        return settings
    }

    func job(_ text: String = message, path: String? = nil, models: [String: String], compare: [String] = [], endpoint: String? = nil,
             judge: String? = "judge", judgeSettings: JudgeSettings = JudgeSettings(), cache: PreviewCache? = nil, readCache: Bool = true) throws -> EvalJob {
        let settings = settings(models, judge: judgeSettings)
        var choices = EvalSetup.Choices()
        choices.compare = compare
        choices.endpoint = endpoint
        choices.judge = judge
        choices.skipJudge = judge == nil
        let endpoints = try EvalSetup.endpoints(settings: settings, choices: choices, environment: [:]).get()
        let judgeEndpoint = try EvalSetup.judge(settings: settings, choices: choices, endpoints: endpoints, environment: [:]).get()
        var configuration = FacetConfiguration()
        configuration.preview = settings
        let subject = try EvalSetup.subject(text: text, path: path, configuration: configuration).get()
        return EvalJob(subjects: [subject], endpoints: endpoints, judge: judgeEndpoint, settings: judgeSettings, cache: cache, readCache: readCache)
    }

    func cache() throws -> PreviewCache { try PreviewCache.open(path: folder.appendingPathComponent("previews.sqlite").path) }

    func requestCount() throws -> Int { try fake.stats()["requests"] as? Int ?? -1 }

    func testComparisonScoresEveryRubricAndFlagsTheWeakerModel() async throws {
        let job = try job(models: ["small": "quality-4+format=1", "strong": "quality-5", "judge": "judge"], compare: ["small", "strong"])
        XCTAssertEqual(job.subjects[0].rubrics.map(\.id), ["role", "task", "format"])
        let result = await EvalRunner.run(job)
        // 5 answers per endpoint (1 + 1 + 3 turns), each judged on 3 rubrics.
        XCTAssertEqual(job.uncachedRequests, 2 * 5 + 2 * 5 * 3)
        XCTAssertEqual(result.requests, 40)
        XCTAssertEqual(try requestCount(), 40)
        let runs = result.subjects[0].runs
        XCTAssertEqual(runs[0][0].judged[0].verdicts.map(\.score), [4, 4, 1])
        XCTAssertEqual(runs[0][1].judged[0].verdicts.map(\.score), [5, 5, 5])
        XCTAssertEqual(runs[0][0].score, 3)
        XCTAssertEqual(runs[0][0].judged[0].verdicts[2].samples[0].feedback, "The response meets the rubric at level 1.")

        let summary = EvalSummary(result, settings: JudgeSettings())
        let comparison = try XCTUnwrap(summary.comparisons.first)
        XCTAssertEqual(comparison.target, "small")
        XCTAssertEqual(comparison.reference, "strong")
        XCTAssertEqual(comparison.cases.map(\.comparison.gap), [2, 2, 2])
        XCTAssertEqual(comparison.summary.losses, 3)
        XCTAssertEqual(comparison.summary.flagged, 3)
        XCTAssertEqual(comparison.summary.capacityRecovery, 0)
        let notFollowed = try XCTUnwrap(summary.notFollowed.first)
        XCTAssertEqual(summary.notFollowed.count, 1)
        XCTAssertEqual(notFollowed.rubric, "format")
        XCTAssertEqual(notFollowed.lowCases, 3)
        XCTAssertEqual(notFollowed.judgedCases, 6)
        XCTAssertTrue(notFollowed.message.hasPrefix("The format instruction was not followed in 3 of 6 judged cases (small: 3 of 3; strong: 0 of 3"),
                      notFollowed.message)
        XCTAssertEqual(notFollowed.sources.map { SourceText(Self.message).text($0) }, ["Reply in JSON only."])

        let markdown = EvalReport(result: result, settings: JudgeSettings(), status: "done").markdown()
        for piece in ["small (quality-4+format=1) vs strong (quality-5) — reference", "small vs strong: 0 wins, 0 ties, 3 losses",
                      "capacity recovery 0.0%", "3 cases flagged (gap ≥ 1.5)", "| format | 1 ⚠ | The response meets the rubric at level 1. |",
                      "⚑ small falls short", "**User** (turn 1):\n\n> I want a refund"] {
            XCTAssertTrue(markdown.contains(piece), piece)
        }
    }

    func testEachTurnOfAConversationIsJudgedAndTheDropIsFlagged() async throws {
        let job = try job(models: ["drifty": "quality-5,5,2", "judge": "judge"], endpoint: "drifty")
        let result = await EvalRunner.run(job)
        let conversation = result.subjects[0].runs[2][0]
        XCTAssertEqual(conversation.judged.map(\.turn), [0, 1, 2])
        XCTAssertEqual(conversation.judged.map(\.score), [5, 5, 2])
        let drift = try XCTUnwrap(conversation.drift(margin: 1))
        XCTAssertEqual(drift.droppedAt, 2)
        XCTAssertEqual(drift.drop, 3)
        // The judge saw the conversation so far, generated answers included.
        let prompts = try fake.requests().filter { ($0["model"] as? String) == "judge" }.compactMap { request -> String? in
            ((request["messages"] as? [[String: Any]])?.last?["content"] as? String)
        }
        XCTAssertTrue(prompts.contains { $0.contains("Conversation so far:") && $0.contains("Assistant: Echo: Hi [quality 5]") && $0.contains("Still broken") })
        let summary = EvalSummary(result, settings: JudgeSettings())
        XCTAssertEqual(summary.drifts.count, 1)
        XCTAssertTrue(EvalReport(result: result, settings: JudgeSettings(), status: "done").text()
            .contains("conversation on drifty: turn 1 5 → turn 2 5 → turn 3 2 — ⚑ adherence drops by 3 at turn 3"))
        // Under the case in the report file, the drift line is just the turns (case names hold ": " themselves).
        XCTAssertTrue(EvalReport(result: result, settings: JudgeSettings(), status: "done").markdown()
            .contains("\nDrift: turn 1 5 → turn 2 5 → turn 3 2 — ⚑ adherence drops by 3 at turn 3\n"))
    }

    /// A conversation whose turns the judge could not score was reported "turn 1 – → turn 2 – → turn 3 – — steady".
    func testAConversationWithoutTwoScoredTurnsHasNoDrift() async throws {
        let job = try job(models: ["drifty": "quality-5,5,2", "judge": "judge-malformed"], endpoint: "drifty")
        let result = await EvalRunner.run(job)
        XCTAssertEqual(result.subjects[0].runs[2][0].judged.map(\.score), [nil, nil, nil])
        XCTAssertNil(result.subjects[0].runs[2][0].drift(margin: 1))
        XCTAssertEqual(EvalSummary(result, settings: JudgeSettings()).drifts, [])
        XCTAssertFalse(EvalReport(result: result, settings: JudgeSettings(), status: "done").text().contains("steady"))
    }

    func testAnUnreadableJudgeReplyIsReportedAndNotCached() async throws {
        let cache = try cache()
        let job = try job(models: ["model": "quality-5", "judge": "judge-malformed"], endpoint: "model", cache: cache)
        let result = await EvalRunner.run(job)
        let sample = try XCTUnwrap(result.subjects[0].runs[0][0].judged.first?.verdicts.first?.samples.first)
        XCTAssertNil(sample.score)
        XCTAssertTrue(sample.problem?.hasPrefix("unparseable judge reply: no score found") == true, sample.problem ?? "")
        XCTAssertEqual(sample.feedback, "I am unable to grade this response.")
        XCTAssertNil(result.subjects[0].runs[0][0].score)
        XCTAssertEqual(EvalSummary(result, settings: JudgeSettings()).endpoints[0].unscored, 15)
        // Answers are cached; unreadable judgements are asked again.
        let again = await EvalRunner.run(job)
        XCTAssertEqual(again.requests, 15)
    }

    func testScoreColonRepliesAndRepeatsWithSpread() async throws {
        var judgeSettings = JudgeSettings()
        judgeSettings.repeats = 2
        let colon = await EvalRunner.run(try job(Self.message, models: ["model": "quality-4", "judge": "judge-colon"], endpoint: "model",
                                                 judgeSettings: judgeSettings))
        XCTAssertEqual(colon.subjects[0].runs[0][0].judged[0].verdicts[0].samples.map(\.score), [4, 4])
        _ = try fake.control("/__reset", method: "POST")
        let noisy = await EvalRunner.run(try job(models: ["model": "quality-4", "judge": "judge-noisy"], endpoint: "model", judgeSettings: judgeSettings))
        let verdict = noisy.subjects[0].runs[0][0].judged[0].verdicts[0]
        XCTAssertEqual(Set(verdict.samples.compactMap(\.score)), [3, 4])
        XCTAssertEqual(verdict.stats?.mean, 3.5)
        XCTAssertEqual(verdict.stats?.spread, 0.5)
        XCTAssertTrue(EvalReport(result: noisy, settings: judgeSettings, status: "done").markdown().contains("3.5 ± 0.50 (n=2)"))
    }

    func testARerunAfterEditingOneFileSendsOnlyWhatChanged() async throws {
        let cache = try cache()
        let models = ["model": "quality-5", "judge": "judge"]
        let other = "You are a travel agent.\nAnswer questions about trips.\nReply in one sentence."
        func both(_ first: String) throws -> EvalJob {
            var job = try self.job(first, models: models, endpoint: "model", cache: cache)
            job.subjects += try self.job(other, models: models, endpoint: "model").subjects
            return job
        }
        let first = await EvalRunner.run(try both(Self.message))
        XCTAssertEqual(first.requests, 5 + 15 + 1 + 3)
        let unchanged = await EvalRunner.run(try both(Self.message))
        XCTAssertEqual(unchanged.requests, 0)
        XCTAssertEqual(unchanged.subjects[0].runs[0][0].judged[0].verdicts[0].samples[0].cached, true)
        // Editing the format sentence changes the system message (all answers) and the format rubric.
        let edited = await EvalRunner.run(try both(Self.message.replacingOccurrences(of: "Reply in JSON only.", with: "Reply in YAML only.")))
        XCTAssertEqual(edited.requests, 5 + 15)
        let forced = try both(Self.message)
        var noCache = forced
        noCache.readCache = false
        let resent = await EvalRunner.run(noCache)
        XCTAssertEqual(resent.requests, 24)
    }

    func testRubricsWrittenByTheJudgeOrTheTemplatesWhenTheReplyIsNotJSON() async throws {
        var judgeSettings = JudgeSettings()
        judgeSettings.rubricsFromJudge = true
        let written = await EvalRunner.run(try job(models: ["model": "quality-5+tone=2", "judge": "judge"], endpoint: "model", judgeSettings: judgeSettings))
        XCTAssertEqual(written.subjects[0].rubrics.map(\.id), ["format", "tone"])
        XCTAssertEqual(written.subjects[0].runs[0][0].judged[0].verdicts.map(\.score), [5, 2])
        XCTAssertTrue(written.subjects[0].notes.contains("rubrics written by the judge"))
        let fallback = await EvalRunner.run(try job(models: ["model": "quality-5", "judge": "judge-malformed"], endpoint: "model", judgeSettings: judgeSettings))
        XCTAssertEqual(fallback.subjects[0].rubrics.map(\.id), ["role", "task", "format"])
        XCTAssertTrue(fallback.subjects[0].notes.contains { $0.hasPrefix("the judge's reply holds no JSON array; the derived rubrics were used") }, "\(fallback.subjects[0].notes)")
    }

    func testAnUnreachableEndpointStopsItsCasesAndABadJudgeIsAskedOnce() async throws {
        let refused = await EvalRunner.run(try job(models: ["closed": "m", "strong": "quality-5", "judge": "judge"], compare: ["closed", "strong"]))
        let closedRuns = refused.subjects[0].runs.map { $0[0] }
        XCTAssertTrue(closedRuns.allSatisfy { $0.result.status == .failed && $0.judged.isEmpty })
        XCTAssertTrue(closedRuns.contains { $0.result.error?.hasPrefix("not sent:") == true }, "\(closedRuns.map(\.result.error))")
        XCTAssertEqual(refused.subjects[0].runs.map { $0[1].score }, [5, 5, 5])
        XCTAssertEqual(EvalSummary(refused, settings: JudgeSettings()).comparisons[0].cases.count, 0)

        _ = try fake.control("/__reset", method: "POST")
        var judgeSettings = JudgeSettings()
        judgeSettings.concurrency = 1
        let badJudge = await EvalRunner.run(try job(models: ["model": "quality-5", "judge": "fault-401"], endpoint: "model", judgeSettings: judgeSettings))
        let samples = badJudge.subjects[0].runs.flatMap { $0[0].judged }.flatMap(\.verdicts).flatMap(\.samples)
        XCTAssertEqual(samples.count, 15)
        XCTAssertTrue(samples.allSatisfy { $0.score == nil })
        XCTAssertEqual(samples.filter { $0.problem?.hasPrefix("judge request failed") == true }.count, 1)
        XCTAssertEqual(try fake.requests().filter { ($0["model"] as? String) == "fault-401" }.count, 1)
    }

    func testConcurrencyIsBoundedAndCancellingStopsEverything() async throws {
        var judgeSettings = JudgeSettings()
        judgeSettings.concurrency = 2
        let job = try job(models: ["slow": "gated"], endpoint: "slow", judge: nil, judgeSettings: judgeSettings)
        let task = Task { await EvalRunner.run(job) }
        try await waitFor { try self.requestCount() == 2 }
        try await Task.sleep(nanoseconds: 300_000_000)
        XCTAssertEqual(try requestCount(), 2, "only two requests in flight at once")
        try fake.release()
        try await waitFor { try self.requestCount() == 3 }
        let started = Date()
        task.cancel()
        let result = await task.value
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
        XCTAssertTrue(result.cancelled)
        XCTAssertEqual(result.subjects[0].runs[2][0].result.status, .cancelled)
        try await waitFor { (try self.fake.stats()["disconnects"] as? Int ?? 0) >= 1 }
    }

    func testBenchmarkRowsRunWithTheirRubricsAndReferenceAnswers() async throws {
        let rubric: [String: Any] = ["criteria": "Is it vivid?", "score_descriptions": ["1": "a", "2": "b", "3": "c", "4": "d", "5": "e"]]
        let rows: [[String: Any]] = [
            ["system": "You are a storyteller.", "prompt": "Tell me about rain.", "reference_answer": "REFERENCE ANSWER",
             "rubrics": [rubric, rubric], "preference_set": [["dimension": "style"], ["dimension": "informativeness"]]],
            ["system_prompt": "You are a tutor.", "user_prompt": "Explain sorting.", "rubric": [rubric]],
        ]
        var text = rows.map { String(decoding: try! JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }.joined(separator: "\n")
        text += "\n{not json\n{\"system\": \"x\", \"prompt\": \"y\"}\n[\"a list\"]\n42\n"
        let path = folder.appendingPathComponent("bench.jsonl").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let read = try EvalSetup.benchSubjects(path: path).get()
        XCTAssertEqual(read.subjects.map(\.title), ["bench.jsonl:1", "bench.jsonl:2"])
        XCTAssertEqual(read.subjects[0].rubrics.map(\.id), ["style", "informativeness"])
        // Rows 5 and 6 are JSON, but not objects: said so, not "not valid JSON".
        XCTAssertEqual(read.problems, ["bench.jsonl:3: not valid JSON; row skipped", "bench.jsonl:4: no 'rubrics' list; row skipped",
                                       "bench.jsonl:5: a row must be a JSON object; row skipped",
                                       "bench.jsonl:6: a row must be a JSON object; row skipped"])
        XCTAssertEqual(try EvalSetup.benchSubjects(path: path, limit: 1).get().subjects.count, 1)

        let settings = settings(["model": "quality-4", "judge": "judge"])
        var choices = EvalSetup.Choices()
        choices.endpoint = "model"
        choices.judge = "judge"
        let endpoints = try EvalSetup.endpoints(settings: settings, choices: choices, environment: [:]).get()
        let judge = try EvalSetup.judge(settings: settings, choices: choices, endpoints: endpoints, environment: [:]).get()
        let result = await EvalRunner.run(EvalJob(subjects: read.subjects, endpoints: endpoints, judge: judge, settings: JudgeSettings(), cache: nil))
        XCTAssertEqual(result.subjects.map { $0.runs[0][0].score }, [4, 4])
        let prompts = try fake.requests().compactMap { (($0["messages"] as? [[String: Any]])?.last?["content"] as? String) }
        XCTAssertTrue(prompts.contains { $0.contains("###Reference Answer (Score 5):\nREFERENCE ANSWER") })
    }

    func testTheCasesFileOfASystemMessageDropsItsWholeSuffix() throws {
        for (file, cases) in [("billing.system.md", "billing.cases.yaml"), ("notes.md", "notes.cases.yaml"),
                              ("agent.sysmsg", "agent.cases.yml"), ("old.system.md", "old.system.cases.yaml")] {
            let path = folder.appendingPathComponent(cases).path
            try "cases: [hi]\n".write(toFile: path, atomically: true, encoding: .utf8)
            XCTAssertEqual(CaseFiles.path(besides: folder.appendingPathComponent(file).path), path, file)
            try FileManager.default.removeItem(atPath: path)
        }
        XCTAssertNil(CaseFiles.path(besides: folder.appendingPathComponent("none.system.md").path))
    }

    func waitFor(_ condition: @escaping () throws -> Bool) async throws {
        for _ in 0..<200 {
            if try condition() { return }
            try await Task.sleep(nanoseconds: 25_000_000)
        }
        XCTFail("condition not met in 5 s")
    }
}
