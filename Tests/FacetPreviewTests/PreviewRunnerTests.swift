import FacetCore
@testable import FacetPreview
import Foundation
import XCTest

/// Whole previews against the fake endpoint: cases, multi-turn history,
/// variables, the cache, stopping early, cancellation, and keys kept secret.
final class PreviewRunnerTests: FakeEndpointTestCase {
    static let message = """
    ---
    variables:
      company: Acme
    cases:
      - Hello there
      - name: two turns
        turns:
          - Where is my order?
          - Thanks!
    ---
    You are the support agent for {{company}}.
    """

    func settings(model: String = "fake", apiKeyEnv: String? = nil) -> PreviewSettings {
        var settings = PreviewSettings()
        var change = EndpointOverride()
        change.baseURL = fake.baseURL
        change.model = model
        change.apiKeyEnv = apiKeyEnv
        settings.override("fake", with: change)
        settings.defaultEndpoint = "fake"
        return settings
    }

    func job(_ text: String = message, model: String = "fake", force: Bool = false, cache: PreviewCache? = nil,
             apiKeyEnv: String? = nil, environment: [String: String] = [:]) throws -> PreviewJob {
        var choices = PreviewSetup.Choices()
        choices.readCache = !force
        return try PreviewSetup.job(text: text, path: nil, settings: settings(model: model, apiKeyEnv: apiKeyEnv), choices: choices,
                                    cache: cache, environment: environment).get()
    }

    func cache() throws -> PreviewCache { try PreviewCache.open(path: folder.appendingPathComponent("previews.sqlite").path) }

    static func run(_ job: PreviewJob) async -> [CaseResult] {
        await PreviewRunner.run(job) { _, _ in }
    }

    func testCasesMultiTurnHistoryAndVariables() async throws {
        let results = await Self.run(try job())
        XCTAssertEqual(results.map(\.status), [.done, .done])
        XCTAssertEqual(results[0].answers.map(\.text), ["Echo: Hello there"])
        XCTAssertEqual(results[1].answers.map(\.text), ["Echo: Where is my order?", "Echo: Thanks!"])
        XCTAssertEqual(results[1].answers.map(\.turn), [0, 1])
        XCTAssertNotNil(results[0].answers[0].usage)
        XCTAssertNotNil(results[0].answers[0].firstTextSeconds)
        let sent = try fake.requests()
        XCTAssertEqual(sent.count, 3)
        let last = try XCTUnwrap(sent.last?["messages"] as? [[String: String]])
        XCTAssertEqual(last.map { $0["role"]! }, ["system", "user", "assistant", "user"], "the first answer joins the history")
        XCTAssertEqual(last[0]["content"], "You are the support agent for Acme.")
        XCTAssertEqual(last[2]["content"], "Echo: Where is my order?")
    }

    /// The cache key leaves the case's name out, so a renamed case (or the same case in a copied
    /// file) was answered from the cache under its old name: in --format json, the editor's reply.
    func testACachedAnswerCarriesTheCasesNameOfToday() async throws {
        let cache = try cache()
        _ = await Self.run(try job(cache: cache))
        let renamed = await Self.run(try job(Self.message.replacingOccurrences(of: "name: two turns", with: "name: order status"), cache: cache))
        XCTAssertEqual(renamed.map(\.cached), [true, true])
        XCTAssertEqual(renamed.map(\.name), ["case 1", "order status"])
    }

    func testUnchangedCasesComeFromTheCacheUnlessForced() async throws {
        let cache = try cache()
        _ = await Self.run(try job(cache: cache))
        XCTAssertEqual(cache.count(), 2)
        let again = await Self.run(try job(cache: cache))
        XCTAssertEqual(again.map(\.cached), [true, true])
        XCTAssertEqual(again[1].answers.map(\.text), ["Echo: Where is my order?", "Echo: Thanks!"])
        XCTAssertEqual(try fake.stats()["requests"] as? Int, 3, "nothing was sent the second time")
        let forced = await Self.run(try job(force: true, cache: cache))
        XCTAssertEqual(forced.map(\.cached), [false, false])
        XCTAssertEqual(try fake.stats()["requests"] as? Int, 6)
        let edited = await Self.run(try job(Self.message.replacingOccurrences(of: "Acme", with: "Globex"), cache: cache))
        XCTAssertEqual(edited.map(\.cached), [false, false], "a changed system message is a new key")
        let otherModel = await Self.run(try job(model: "slow-1", cache: cache))
        XCTAssertEqual(otherModel.map(\.cached), [false, false], "so is another model")
    }

    func testIncompleteAnswersAreNotCached() async throws {
        let cache = try cache()
        let cut = await Self.run(try job("Be brief.", model: "fault-cut", cache: cache))
        XCTAssertEqual(cut[0].status, .failed)
        XCTAssertEqual(cut[0].answers[0].text, "Echo: Hello! ")
        XCTAssertEqual(cut[0].answers[0].complete, false)
        XCTAssertEqual(cache.count(), 0)
    }

    /// An answer with no text (a model that stops at once, or calls a tool) was cached, and every
    /// later run showed it again without asking.
    func testAnswersWithNoTextAreNotCached() async throws {
        let cache = try cache()
        let silent = await Self.run(try job("Be brief.", model: "silent", cache: cache))
        XCTAssertEqual(silent[0].status, .done)
        XCTAssertEqual(silent[0].answers.map(\.text), [""])
        XCTAssertEqual(cache.count(), 0)
        let again = await Self.run(try job("Be brief.", model: "silent", cache: cache))
        XCTAssertEqual(again[0].cached, false)
        XCTAssertEqual(try fake.stats()["requests"] as? Int, 2)
    }

    func testEndpointWideFailureStopsTheOtherCases() async throws {
        let results = await Self.run(try job(model: "missing-model"))
        XCTAssertEqual(results.map(\.status), [.failed, .failed])
        XCTAssertTrue(results[1].answers[0].error?.hasPrefix("not sent: model 'missing-model' not found") == true, results[1].answers[0].error ?? "")
        XCTAssertEqual(try fake.stats()["requests"] as? Int, 1)
    }

    func testCancellingStopsTheRequestAndMarksTheCase() async throws {
        let endless = try job("Be brief.", model: "endless")
        let task = Task { await PreviewRunnerTests.run(endless) }
        try await Task.sleep(nanoseconds: 300_000_000)
        task.cancel()
        let results = await task.value
        XCTAssertEqual(results[0].status, .cancelled)
        XCTAssertTrue(results[0].answers[0].text.hasPrefix("tick tick"))
        XCTAssertEqual(results[0].answers[0].error, "cancelled")
    }

    /// The key reaches the endpoint and nothing Facet writes: not the report, not the cache, not an error.
    func testKeyNeverLeaks() async throws {
        let key = "sk-facet-test-9f8e7d6c5b4a"
        fake.stop()
        fake = try FakeEndpoint(apiKey: key)
        let cache = try cache()
        let good = try job(cache: cache, apiKeyEnv: "FACET_TEST_KEY", environment: ["FACET_TEST_KEY": key])
        let results = await Self.run(good)
        XCTAssertEqual(results.map(\.status), [.done, .done])
        XCTAssertEqual(try fake.requests().map { $0["authorized"] as? Bool }, [true, true, true])
        let wrong = try job(force: true, apiKeyEnv: "FACET_TEST_KEY", environment: ["FACET_TEST_KEY": key + "-wrong"])
        let refused = await Self.run(wrong)
        let error = try XCTUnwrap(refused[0].answers[0].error)
        XCTAssertTrue(error.contains("HTTP 401") && error.contains("$FACET_TEST_KEY"), error)
        let report = PreviewReport(title: "t", plan: good.plan, profile: good.profile, started: Date(), status: "done")
        for text in [report.markdown(results), report.markdown(refused), error] {
            XCTAssertFalse(text.contains(key), "the key appears in: \(text.prefix(200))")
        }
        let cacheBytes = try Data(contentsOf: URL(fileURLWithPath: cache.path))
        XCTAssertNil(cacheBytes.firstRange(of: Data(key.utf8)), "the key is in the cache file")
        XCTAssertGreaterThan(cache.count(), 0)
    }

    func testReportShowsWhatWasSentAndTheAnswers() async throws {
        let made = try job()
        let results = await Self.run(made)
        let markdown = PreviewReport(title: "support.md", plan: made.plan, profile: made.profile, started: Date(), status: "done").markdown(results)
        XCTAssertTrue(markdown.hasPrefix("# Preview: support.md\n"))
        XCTAssertTrue(markdown.contains("| Endpoint | fake (\(fake.baseURL)) |"))
        XCTAssertTrue(markdown.contains("| Model | fake |"))
        XCTAssertTrue(markdown.contains("`sha256:" + SHA256.hex("You are the support agent for Acme.").prefix(12) + "`"))
        XCTAssertTrue(markdown.contains("## Case 2: two turns"))
        XCTAssertTrue(markdown.contains("**User:**\n\n> Thanks!\n\n**Assistant:**\n\nEcho: Thanks!\n\n_stop · first text"))
        XCTAssertTrue(markdown.contains("tokens: "))
    }
}
