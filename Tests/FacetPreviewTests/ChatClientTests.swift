import FacetCore
@testable import FacetPreview
import Foundation
import XCTest

/// The streaming client against the fake endpoint: normal streams, each fault
/// it can inject, cancellation and retries.
final class ChatClientTests: XCTestCase {
    var fake: FakeEndpoint!

    override func setUpWithError() throws {
        fake = try FakeEndpoint()
    }

    override func tearDown() {
        fake.stop()
    }

    func profile(_ model: String, _ change: (inout EndpointProfile) -> Void = { _ in }) -> EndpointProfile {
        var profile = EndpointProfile(name: "fake", baseURL: fake.baseURL, model: model)
        profile.timeout = 5
        profile.chunkTimeout = 5
        change(&profile)
        return profile
    }

    static let hello = [ChatMessage(role: "system", content: "Be brief."), ChatMessage(role: "user", content: "hello there friend")]

    struct Outcome: Sendable {
        var events: [ChatEvent] = []
        var error: PreviewError?
        var text: String { events.compactMap { if case .text(let t) = $0 { return t } else { return nil } }.joined() }
        var finished: (reason: String?, complete: Bool)? {
            for event in events { if case .finished(let reason, let complete) = event { return (reason, complete) } }
            return nil
        }
    }

    /// Every event of one call, or its error; fails the test if it takes longer than `limit` seconds.
    func collect(_ profile: EndpointProfile, apiKey: String? = nil, limit: Double = 15, maxAnswerBytes: Int? = nil) async -> Outcome {
        var client = ChatClient(profile: profile, apiKey: apiKey)
        if let maxAnswerBytes { client.maxAnswerBytes = maxAnswerBytes }
        let task = Task { [client] in await ChatClientTests.gather(client) }
        let watchdog = Task {
            try await Task.sleep(nanoseconds: UInt64(limit * 1e9))
            task.cancel()
        }
        let outcome = await task.value
        watchdog.cancel()
        return outcome
    }

    static func gather(_ client: ChatClient) async -> Outcome {
        var outcome = Outcome()
        do {
            for try await event in client.complete(hello) { outcome.events.append(event) }
        } catch {
            outcome.error = error as? PreviewError
        }
        return outcome
    }

    static func countTexts(_ profile: EndpointProfile) async -> Int {
        var count = 0
        do {
            for try await event in ChatClient(profile: profile, apiKey: nil).complete(hello) {
                if case .text = event { count += 1 }
            }
        } catch {}
        return count
    }

    func testStreamsTheAnswerWithUsageAndDone() async throws {
        let outcome = await collect(profile("fake"))
        XCTAssertNil(outcome.error)
        XCTAssertEqual(outcome.text, "Echo: hello there friend")
        XCTAssertEqual(outcome.events.filter { if case .text = $0 { return true } else { return false } }.count, 4, "one event per streamed token")
        XCTAssertEqual(outcome.finished?.reason, "stop")
        XCTAssertEqual(outcome.finished?.complete, true)
        XCTAssertTrue(outcome.events.contains(.usage(TokenUsage(promptTokens: 5, completionTokens: 4))))
        let sent = try XCTUnwrap(fake.requests().last)
        XCTAssertEqual(sent["stream"] as? Bool, true)
        XCTAssertEqual(sent["max_tokens"] as? Int, 512)
        XCTAssertEqual((sent["messages"] as? [[String: Any]])?.first?["content"] as? String, "Be brief.")
    }

    func testMaxTokensEndsWithLength() async {
        let outcome = await collect(profile("fake") { $0.maxTokens = 2 })
        XCTAssertEqual(outcome.text, "Echo: hello ")
        XCTAssertEqual(outcome.finished?.reason, "length")
    }

    func testNonStreamingRequestAndEndpointThatIgnoresStream() async {
        let plain = await collect(profile("fake") { $0.stream = false })
        XCTAssertEqual(plain.text, "Echo: hello there friend")
        XCTAssertEqual(plain.finished?.complete, true)
        XCTAssertNotNil(plain.events.first { if case .usage = $0 { return true } else { return false } })
        let ignoring = await collect(profile("no-stream-support"))
        XCTAssertNil(ignoring.error)
        XCTAssertEqual(ignoring.text, "Echo: hello there friend")
    }

    /// The first text reaches the caller while the server still holds the rest back.
    func testStreamingIsIncremental() async throws {
        let stream = ChatClient(profile: profile("gated"), apiKey: nil).complete(Self.hello)
        var iterator = stream.makeAsyncIterator()
        var first: ChatEvent?
        let waited = Task { try await Task.sleep(nanoseconds: 10_000_000_000) }
        first = try await iterator.next()
        waited.cancel()
        XCTAssertEqual(first, .text("Echo: "), "the first token arrived before the server was released")
        try fake.release()
        var rest = ""
        while let event = try await iterator.next() { if case .text(let t) = event { rest += t } }
        XCTAssertEqual(rest, "hello there friend")
    }

    /// Cancelling the consumer ends the stream at once and the server sees the connection close.
    func testCancellationClosesTheConnection() async throws {
        let before = try fake.stats()["disconnects"] as? Int ?? 0
        let endless = profile("endless")
        let consumer = Task { await ChatClientTests.countTexts(endless) }
        // Let a few ticks arrive, then cancel.
        try await Task.sleep(nanoseconds: 300_000_000)
        let cancelledAt = Date()
        consumer.cancel()
        let ticks = await consumer.value
        XCTAssertGreaterThan(ticks, 2)
        XCTAssertLessThan(Date().timeIntervalSince(cancelledAt), 1, "the stream ends promptly on cancellation")
        var disconnects = before
        for _ in 0..<40 where disconnects == before {
            try await Task.sleep(nanoseconds: 50_000_000)
            disconnects = try fake.stats()["disconnects"] as? Int ?? 0
        }
        XCTAssertEqual(disconnects, before + 1, "the fake server saw the client go away")
    }

    func testRetriesHonourRetryAfter() async throws {
        let started = Date()
        let outcome = await collect(profile("fault-429-2"))
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertNil(outcome.error)
        XCTAssertEqual(outcome.text, "Echo: hello there friend")
        XCTAssertEqual(outcome.events.filter { if case .retrying(429, 1, _) = $0 { return true } else { return false } }.count, 2)
        XCTAssertGreaterThanOrEqual(elapsed, 2.0, "waited Retry-After: 1 twice")
        XCTAssertLessThan(elapsed, 6)
        XCTAssertEqual(try fake.stats()["requests"] as? Int, 3)
    }

    func testRetriesAreBounded() async throws {
        let outcome = await collect(profile("fault-429-always") { $0.retries = 1 })
        XCTAssertEqual(outcome.error?.kind, .rateLimited)
        XCTAssertTrue(outcome.error?.message.contains("after 1 retry") == true, outcome.error?.message ?? "")
        XCTAssertTrue(outcome.error?.message.contains("Rate limit reached") == true)
        XCTAssertEqual(try fake.stats()["requests"] as? Int, 2)
    }

    /// A Retry-After of 20 digits crashed facet (the language server with it) converting the wait to Int for the message.
    func testAHugeRetryAfterIsReportedNotWaitedFor() async {
        let outcome = await collect(profile("fault-429-after-99999999999999999999"))
        XCTAssertEqual(outcome.error?.kind, .rateLimited)
        XCTAssertTrue(outcome.error?.message.contains("asks to wait 100000000000000000000 s") == true, outcome.error?.message ?? "")
    }

    /// "inf" and "nan" are not delays: they crashed facet, or retried at once; now they count as no Retry-After (1 s back-off).
    func testARetryAfterThatIsNotANumberOfSecondsIsIgnored() async throws {
        for value in ["inf", "nan"] {
            let started = Date()
            let outcome = await collect(profile("fault-429-after-\(value)") { $0.retries = 1 })
            XCTAssertEqual(outcome.error?.kind, .rateLimited, value)
            XCTAssertTrue(outcome.events.contains(.retrying(status: 429, seconds: 1, attempt: 1)), "\(value): \(outcome.events)")
            XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 1.0, value)
        }
    }

    func testServiceUnavailableIsRetriedThenReported() async {
        let outcome = await collect(profile("fault-503") { $0.retries = 1 })
        XCTAssertEqual(outcome.error?.kind, .unavailable)
        XCTAssertTrue(outcome.error?.message.contains("HTTP 503") == true)
    }

    func testAuthenticationErrorsNameTheSettingToCheck() async {
        let unauthorized = await collect(profile("fault-401") { $0.apiKeyEnv = "FAKE_KEY" }, apiKey: "sk-test-0123456789")
        XCTAssertEqual(unauthorized.error?.kind, .unauthorized)
        XCTAssertTrue(unauthorized.error?.message.contains("$FAKE_KEY") == true, unauthorized.error?.message ?? "")
        XCTAssertFalse(unauthorized.error?.message.contains("sk-test-0123456789") == true)
        let forbidden = await collect(profile("fault-403"))
        XCTAssertEqual(forbidden.error?.kind, .forbidden)
        XCTAssertTrue(forbidden.error?.message.contains("api-key-env") == true, forbidden.error?.message ?? "")
    }

    /// A gateway's credential in a custom header is as secret as the key:
    /// an error that repeats it shows it blanked; other headers show as sent.
    func testSecretLookingHeaderValuesAreBlankedInErrors() async {
        let outcome = await collect(profile("fault-echo-headers") {
            $0.headers = ["X-Goog-Api-Key": "gateway-credential-42", "X-Project": "facet-tests"]
        })
        let message = outcome.error?.message ?? ""
        XCTAssertEqual(outcome.error?.kind, .httpError, message)
        XCTAssertTrue(message.contains("x-goog-api-key: [redacted]"), message)
        XCTAssertFalse(message.contains("gateway-cre"), message)
        XCTAssertTrue(message.contains("x-project: facet-tests"), message)
    }

    /// A header read from the environment is a credential whatever its name:
    /// an error that repeats it shows it blanked.
    func testHeaderEnvValuesAreSentAndBlankedInErrors() async throws {
        var settings = PreviewSettings()
        settings.endpoints["gw"] = profile("fault-echo-headers") { $0.name = "gw"; $0.headerEnv = ["X-Gateway": "FACET_TEST_GATEWAY"] }
        let (gateway, key) = try PreviewSetup.endpoint(named: "gw", settings: settings, editorKey: nil,
                                                      environment: ["FACET_TEST_GATEWAY": "gateway-credential-42"]).get()
        XCTAssertEqual(gateway.headers["X-Gateway"], "gateway-credential-42")
        let outcome = await collect(gateway, apiKey: key)
        let message = outcome.error?.message ?? ""
        XCTAssertTrue(message.contains("x-gateway: [redacted]"), message)
        XCTAssertFalse(message.contains("gateway-cre"), message)
        guard case .failure(let unset) = PreviewSetup.endpoint(named: "gw", settings: settings, editorKey: nil, environment: [:]) else {
            return XCTFail("an unset variable is an error before anything is sent")
        }
        XCTAssertEqual(unset.kind, .missingKey)
        XCTAssertTrue(unset.message.contains("$FACET_TEST_GATEWAY"), unset.message)
    }

    /// A server (or proxy) that silently drops requests on a kept-alive
    /// connection made every preview wait out its timeout, and the error said
    /// to raise it. The error now names the setting that avoids the warm-up
    /// connection, and with it off the same server answers.
    func testARequestDroppedOnTheWarmUpConnectionNamesTheSettingThatAvoidsIt() async {
        let dropped = await collect(profile("fault-drop-reused") { $0.timeout = 0.5 })
        XCTAssertEqual(dropped.error?.kind, .connectTimeout, dropped.error?.message ?? "")
        XCTAssertTrue(dropped.error?.message.contains("set warm-up = false for this endpoint") == true, dropped.error?.message ?? "")
        let direct = await collect(profile("fault-drop-reused") { $0.timeout = 0.5; $0.warmUp = false })
        XCTAssertNil(direct.error, direct.error?.message ?? "")
        XCTAssertEqual(direct.text, "Echo: hello there friend")
        // Without the warm-up, a silent server gets the plain advice only.
        let hung = await collect(profile("fault-hang") { $0.timeout = 0.5; $0.warmUp = false })
        XCTAssertEqual(hung.error?.kind, .connectTimeout)
        XCTAssertFalse(hung.error?.message.contains("warm-up") == true, hung.error?.message ?? "")
    }

    /// URLSession followed redirects, to another host too, with the key in the headers.
    func testRedirectsAreNotFollowed() async throws {
        let outcome = await collect(profile("fault-redirect"), apiKey: "sk-test-key")
        XCTAssertEqual(outcome.error?.kind, .httpError)
        XCTAssertEqual(outcome.error?.message.contains("HTTP 307, a redirect to /v1/chat/completions"), true, outcome.error?.message ?? "")
        XCTAssertEqual(outcome.error?.message.contains("does not follow redirects"), true)
        let posts = try fake.requests().filter { ($0["path"] as? String)?.hasSuffix("/chat/completions") == true }
        XCTAssertEqual(posts.count, 1, "the request was sent once, not again to where the redirect pointed")
    }

    /// A 3xx with no Location never reached the delegate as a response: it read "closed the connection without answering".
    func testARedirectToNowhereIsReportedAsARedirect() async {
        let outcome = await collect(profile("fault-redirect-bare"))
        XCTAssertEqual(outcome.error?.kind, .httpError)
        XCTAssertEqual(outcome.error?.message.contains("answered HTTP 302, a redirect. "), true, outcome.error?.message ?? "")
    }

    func testModelNotFoundAndWrongBaseURL() async {
        let model = await collect(profile("missing-model"))
        XCTAssertEqual(model.error?.kind, .modelNotFound)
        XCTAssertTrue(model.error?.message.contains("model 'missing-model' not found") == true, model.error?.message ?? "")
        let path = await collect(profile("fake") { $0.baseURL = "http://127.0.0.1:\(self.fake.port)/v2" })
        XCTAssertEqual(path.error?.kind, .notFound)
        XCTAssertTrue(path.error?.message.contains("base-url") == true)
    }

    func testServerErrorCarriesTheServersMessage() async {
        let outcome = await collect(profile("fault-500"))
        XCTAssertEqual(outcome.error?.kind, .serverError)
        XCTAssertTrue(outcome.error?.message.contains("HTTP 500: internal boom") == true, outcome.error?.message ?? "")
    }

    func testMalformedEventIsReportedWithItsText() async {
        let outcome = await collect(profile("fault-malformed"))
        XCTAssertEqual(outcome.text, "Echo: ", "text before the bad line still arrives")
        XCTAssertEqual(outcome.error?.kind, .malformedEvent)
        XCTAssertTrue(outcome.error?.message.contains(#"data: {"choices":[{"delta":{"content":"oops""#) == true, outcome.error?.message ?? "")
    }

    func testStreamEndingWithoutDoneKeepsTheTextMarkedIncomplete() async {
        for model in ["fault-cut", "fault-cut-abrupt"] {
            let outcome = await collect(profile(model))
            XCTAssertNil(outcome.error, model)
            XCTAssertEqual(outcome.text, "Echo: hello ", model)
            XCTAssertEqual(outcome.finished?.complete, false, model)
        }
    }

    func testChunkTimeoutAndResponseTimeout() async {
        let stalled = await collect(profile("fault-stall") { $0.chunkTimeout = 0.5 })
        XCTAssertEqual(stalled.text, "Echo: ")
        XCTAssertEqual(stalled.error?.kind, .chunkTimeout)
        let started = Date()
        let hung = await collect(profile("fault-hang") { $0.timeout = 0.5 })
        XCTAssertEqual(hung.error?.kind, .connectTimeout)
        XCTAssertTrue(hung.error?.message.contains("did not start answering within 0.5 s") == true, hung.error?.message ?? "")
        XCTAssertLessThan(Date().timeIntervalSince(started), 3)
    }

    /// Keep-alive comments are not an answer: an endpoint that sends only
    /// them held a preview open until the 60 s the fake allows, and forever
    /// with a real one.
    func testKeepAliveCommentsDoNotHoldTheTimeoutsOff() async {
        var started = Date()
        let pinging = await collect(profile("fault-pings") { $0.chunkTimeout = 0.5 })
        XCTAssertEqual(pinging.text, "Echo: ")
        XCTAssertEqual(pinging.error?.kind, .chunkTimeout, pinging.error?.message ?? "")
        XCTAssertTrue(pinging.error?.message.contains("keep-alive comments do not count") == true, pinging.error?.message ?? "")
        XCTAssertLessThan(Date().timeIntervalSince(started), 4)
        started = Date()
        let neverStarted = await collect(profile("fault-pings-only") { $0.timeout = 0.5 })
        XCTAssertEqual(neverStarted.error?.kind, .connectTimeout, neverStarted.error?.message ?? "")
        XCTAssertLessThan(Date().timeIntervalSince(started), 4)
        // Slow but real events keep the answer going: 20 chunks 100 ms apart under a 0.5 s chunk timeout.
        let slow = await collect(profile("slow-100") { $0.chunkTimeout = 0.5 })
        XCTAssertNil(slow.error, slow.error?.message ?? "")
        XCTAssertEqual(slow.finished?.complete, true)
    }

    /// An endpoint that ignores max_tokens is read up to a bound (4 MB; 256 KB
    /// here, which a debug build reads in well under a second), and what came is kept.
    func testAStreamedAnswerIsReadUpToItsBound() async {
        XCTAssertEqual(ChatClient(profile: profile("flood"), apiKey: nil).maxAnswerBytes, 4 << 20)
        let outcome = await collect(profile("flood"), maxAnswerBytes: 256 << 10)
        XCTAssertEqual(outcome.error?.kind, .invalidResponse, "\(outcome.error?.message ?? "") events \(outcome.events.count) text \(outcome.text.utf8.count) finished \(String(describing: outcome.finished))")
        XCTAssertTrue(outcome.error?.message.contains("more than 256 KB of answer") == true, outcome.error?.message ?? "")
        XCTAssertGreaterThan(outcome.text.utf8.count, 128 << 10)
        XCTAssertLessThanOrEqual(outcome.text.utf8.count, 256 << 10)
    }

    func testConnectionRefusedDNSAndTLSFailures() async {
        let refused = await collect(profile("fake") { $0.baseURL = "http://127.0.0.1:\(FakeEndpoint.closedPort())/v1" })
        XCTAssertEqual(refused.error?.kind, .connectionRefused)
        let dns = await collect(profile("fake") { $0.baseURL = "http://facet-test.invalid/v1" })
        XCTAssertEqual(dns.error?.kind, .hostNotFound)
        let tls = await collect(profile("fake") { $0.baseURL = "https://127.0.0.1:\(self.fake.port)/v1" })
        XCTAssertEqual(tls.error?.kind, .tls, tls.error?.message ?? "")
        XCTAssertTrue(tls.error?.message.contains("http://") == true)
    }

    /// "…/v1?api-version=1" gave "…/v1?api-version=1/chat/completions".
    func testThePathGoesBeforeABaseURLsQuery() {
        let azure = EndpointProfile(name: "azure", baseURL: "https://example.test/openai/deployments/gpt?api-version=2024-06-01", model: "gpt")
        XCTAssertEqual(ChatClient(profile: azure, apiKey: nil).completionsURL,
                       "https://example.test/openai/deployments/gpt/chat/completions?api-version=2024-06-01")
        let plain = EndpointProfile(name: "local", baseURL: "http://localhost:11434/v1/", model: "m")
        XCTAssertEqual(ChatClient(profile: plain, apiKey: nil).completionsURL, "http://localhost:11434/v1/chat/completions")
    }

    func testOnlyHTTPURLsAreAccepted() async {
        let outcome = await collect(profile("fake") { $0.baseURL = "file:///etc/passwd" })
        XCTAssertEqual(outcome.error?.kind, .invalidURL)
    }

    func testKeyIsSentAsBearerAndMissingKeyIsAClearError() async throws {
        fake.stop()
        fake = try FakeEndpoint(apiKey: "sk-fake-key-123456")
        let outcome = await collect(profile("fake"), apiKey: "sk-fake-key-123456")
        XCTAssertNil(outcome.error)
        XCTAssertEqual(try fake.requests().last?["authorized"] as? Bool, true)
        let missing = ChatClient.apiKey(for: profile("fake") { $0.apiKeyEnv = "FACET_TEST_UNSET_KEY" }, environment: [:])
        guard case .failure(let error) = missing else { return XCTFail("expected a missing-key error") }
        XCTAssertEqual(error.kind, .missingKey)
        XCTAssertTrue(error.message.contains("$FACET_TEST_UNSET_KEY"))
    }
}
