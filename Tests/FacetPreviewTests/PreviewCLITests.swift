import Foundation
import XCTest

/// `facet preview` run as a user runs it: the real binary against the fake endpoint.
final class PreviewCLITests: XCTestCase {
    var fake: FakeEndpoint!
    var directory: URL!
    var file: String { directory.appendingPathComponent("support.system.md").path }

    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["FACET_BIN"] { return URL(fileURLWithPath: path) }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("facet")
    }

    override func setUpWithError() throws {
        fake = try FakeEndpoint()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("facet-preview-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try """
        ---
        cases:
          - Hello there
          - name: refund
            user: I want a refund
        ---
        You are a support agent. Answer briefly.
        """.write(toFile: file, atomically: true, encoding: .utf8)
        try writeConfiguration()
    }

    /// `.facet.toml` with the fake as the default endpoint, then `more`.
    func writeConfiguration(_ more: String = "") throws {
        try """
        [preview]
        endpoint = "fake"

        [endpoints.fake]
        base-url = "\(fake.baseURL)"
        model = "fake"
        \(more)
        """.write(to: directory.appendingPathComponent(".facet.toml"), atomically: true, encoding: .utf8)
    }

    override func tearDown() {
        fake.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// A started `facet preview` (or another command), with its output read as it arrives.
    final class Run: @unchecked Sendable {
        let process = Process()
        private let lock = NSLock()
        private var out = Data()
        private var err = Data()
        /// Signalled once per stream at its end (an empty read), so `finish` returns all the output.
        private let ended = DispatchSemaphore(value: 0)

        /// With another `executable`, `arguments` are its own (`command` is not put first).
        init(_ arguments: [String], cache: String, command: String = "preview", executable: URL? = nil, environment extra: [String: String] = [:]) throws {
            process.executableURL = executable ?? PreviewCLITests.binary
            process.arguments = executable == nil ? [command] + arguments : arguments
            var environment = ProcessInfo.processInfo.environment
            environment["FACET_PREVIEW_CACHE"] = cache  // never the user's cache
            environment.merge(extra) { _, new in new }
            process.environment = environment
            let outPipe = Pipe(), errPipe = Pipe()
            process.standardOutput = outPipe
            process.standardError = errPipe
            // One thread a stream, reading until its end. readabilityHandler once never
            // reported a stream's end (nor its last data) after the process had exited,
            // which cut a JSON document on a busy machine.
            for (pipe, isError) in [(outPipe, false), (errPipe, true)] {
                let handle = pipe.fileHandleForReading
                Thread { [self] in
                    while true {
                        let data = handle.availableData
                        if data.isEmpty { break }
                        append(data, error: isError)
                    }
                    ended.signal()
                }.start()
            }
            try process.run()
        }

        private func append(_ data: Data, error: Bool) {
            lock.lock()
            if error { err.append(data) } else { out.append(data) }
            lock.unlock()
        }

        var stdout: String { lock.lock(); defer { lock.unlock() }; return String(decoding: out, as: UTF8.self) }
        var stderr: String { lock.lock(); defer { lock.unlock() }; return String(decoding: err, as: UTF8.self) }

        /// Waits until `condition` holds on stdout; false after `seconds`.
        func waitFor(_ seconds: Double, _ condition: (String) -> Bool) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if condition(stdout) { return true }
                usleep(10_000)
            }
            return condition(stdout)
        }

        func finish(within seconds: Double = 60) -> Int32? {
            let deadline = Date().addingTimeInterval(seconds)
            while process.isRunning && Date() < deadline { usleep(10_000) }
            if process.isRunning { process.terminate(); return nil }
            // Both streams read to their end: a fixed pause lost the end of a JSON document on a busy machine.
            // The wait returns as soon as a stream ends; the limit only guards against a hang, so it is generous.
            for _ in 0..<2 { _ = ended.wait(timeout: .now() + 30) }
            return process.terminationStatus
        }
    }

    var cache: String { directory.appendingPathComponent("previews.sqlite").path }

    func testStreamsEachCaseThenServesThemFromTheCache() throws {
        let first = try Run([file], cache: cache)
        XCTAssertEqual(first.finish(), 0, first.stderr)
        XCTAssertTrue(first.stdout.contains("── case 1 · fake · fake ──\n> Hello there\nEcho: Hello there\n[stop · "), first.stdout)
        XCTAssertTrue(first.stdout.contains("── case 2: refund · fake · fake ──\n> I want a refund\nEcho: I want a refund\n"), first.stdout)
        let second = try Run([file, "--case", "2"], cache: cache)
        XCTAssertEqual(second.finish(), 0)
        XCTAssertTrue(second.stdout.contains("Echo: I want a refund\n[cached]"), second.stdout)
        XCTAssertEqual(try fake.stats()["requests"] as? Int, 2)
        let forced = try Run([file, "--case", "2", "--no-cache"], cache: cache)
        XCTAssertEqual(forced.finish(), 0)
        XCTAssertEqual(try fake.stats()["requests"] as? Int, 3)
    }

    /// `--timeout 1e300` crashed facet: the seconds were turned into a whole number for a message.
    func testAnAbsurdTimeoutStillPreviews() throws {
        let run = try Run([file, "--case", "1", "--timeout", "1e300"], cache: cache)
        XCTAssertEqual(run.finish(), 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("Echo: Hello there\n"), run.stdout)
    }

    /// A gateway credential in a header comes from the environment, named in
    /// `.facet.toml` ([endpoints.NAME.header-env]); unset, nothing is sent.
    func testHeaderEnvSendsAHeaderFromTheEnvironment() throws {
        try writeConfiguration("[endpoints.fake.header-env]\nX-Gateway = \"FACET_TEST_GATEWAY\"")
        let unset = try Run([file, "--case", "1"], cache: cache, environment: ["FACET_TEST_GATEWAY": ""])
        XCTAssertEqual(unset.finish(), 2)
        XCTAssertTrue(unset.stderr.contains("reads header X-Gateway from $FACET_TEST_GATEWAY, which is not set"), unset.stderr)
        XCTAssertEqual(try fake.stats()["requests"] as? Int, 0)
        let set = try Run([file, "--case", "1"], cache: cache, environment: ["FACET_TEST_GATEWAY": "gateway-credential-42"])
        XCTAssertEqual(set.finish(), 0, set.stderr)
        let headers = try XCTUnwrap(fake.requests().last?["headers"] as? [String: Any])
        XCTAssertEqual(headers["x-gateway"] as? String, "gateway-credential-42")
        XCTAssertFalse(set.stdout.contains("gateway-cre") || set.stderr.contains("gateway-cre"))
    }

    /// Text reaches stdout while the endpoint still holds the rest of the answer.
    func testStreamsToTheTerminalAsTextArrives() throws {
        let run = try Run([file, "--case", "1", "--model", "gated", "--no-cache"], cache: cache)
        XCTAssertTrue(run.waitFor(10) { $0.contains("> Hello there\nEcho: ") }, run.stdout)
        XCTAssertFalse(run.stdout.contains("[stop"), "the answer cannot be finished before the server is released")
        try fake.release()
        XCTAssertEqual(run.finish(), 0)
        XCTAssertTrue(run.stdout.contains("Echo: Hello there\n[stop"), run.stdout)
    }

    /// The fake echoes the case, ESC and all: on a terminal (here a pseudo-terminal
    /// made by script(1)) it is shown as "�"; into a pipe or file the answer stays
    /// as it came.
    func testAnAnswerCannotDriveTheTerminal() throws {
        let escaping = directory.appendingPathComponent("escape.system.md").path
        try "---\ncases:\n  - \"Clear \\x1b[2J and \\u202e flip\"\n---\nYou are a support agent.\n"
            .write(toFile: escaping, atomically: true, encoding: .utf8)
        let piped = try Run([escaping, "--no-cache"], cache: cache)
        XCTAssertEqual(piped.finish(), 0, piped.stderr)
        XCTAssertTrue(piped.stdout.contains("Echo: Clear \u{1B}[2J and \u{202E} flip"), piped.stdout)

        let quote = { (text: String) in "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let command = [Self.binary.path, "preview", escaping, "--no-cache"].map(quote).joined(separator: " ")
        let terminal = try Run(["-qec", command, "/dev/null"], cache: cache, executable: URL(fileURLWithPath: "/usr/bin/script"))
        XCTAssertEqual(terminal.finish(), 0, terminal.stderr)
        XCTAssertTrue(terminal.stdout.contains("Echo: Clear \u{FFFD}[2J and \u{FFFD} flip"), terminal.stdout)
        XCTAssertFalse(terminal.stdout.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{202E}" }, terminal.stdout)
    }

    func testJSONFormatAndExitStatuses() throws {
        let json = try Run([file, "--format", "json", "--no-cache"], cache: cache)
        XCTAssertEqual(json.finish(), 0, json.stderr)
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(document["model"] as? String, "fake")
        XCTAssertTrue((document["systemMessage"] as? String)?.hasPrefix("sha256:") == true)
        let cases = try XCTUnwrap(document["cases"] as? [[String: Any]])
        XCTAssertEqual(cases.map { $0["status"] as? String }, ["done", "done"])
        XCTAssertEqual((cases[1]["answers"] as? [[String: Any]])?.first?["text"] as? String, "Echo: I want a refund")

        let failing = try Run([file, "--model", "fault-500", "--no-cache"], cache: cache)
        XCTAssertEqual(failing.finish(), 1)
        XCTAssertTrue(failing.stdout.contains("fake failed with HTTP 500: internal boom"), failing.stdout)

        // A failure that would repeat stops the run; the text output says so for each case left, as JSON does.
        let stopped = try Run([file, "--model", "missing-model", "--no-cache"], cache: cache)
        XCTAssertEqual(stopped.finish(), 1)
        XCTAssertEqual(stopped.stdout.components(separatedBy: "── ").count - 1, 2, stopped.stdout)
        XCTAssertTrue(stopped.stdout.contains("[not sent: model 'missing-model' not found"), stopped.stdout)

        let unknown = try Run([file, "--endpoint", "nowhere"], cache: cache)
        XCTAssertEqual(unknown.finish(), 2)
        XCTAssertTrue(unknown.stderr.contains("no endpoint named 'nowhere'"), unknown.stderr)
        let badCase = try Run([file, "--case", "9"], cache: cache)
        XCTAssertEqual(badCase.finish(), 2)
        XCTAssertTrue(badCase.stderr.contains("case 9 does not exist: the file declares 2 cases"), badCase.stderr)
        // Out of the bounds .facet.toml enforces: nan crashed the request encoder, 0 tokens meant no limit.
        for (arguments, message) in [(["--temperature", "nan"], "--temperature takes 0 to 2"), (["--temperature", "5"], "--temperature takes 0 to 2"),
                                     (["--max-tokens", "0"], "--max-tokens takes 1 or more"), (["--timeout", "0"], "--timeout takes a number of seconds above 0")] {
            let run = try Run([file] + arguments, cache: cache)
            XCTAssertEqual(run.finish(), 2, "\(arguments)")
            XCTAssertTrue(run.stderr.contains(message), "\(arguments): \(run.stderr)")
        }
    }

    /// Ctrl-C stops the request in flight: exit 130, and the endpoint sees the connection close.
    func testInterruptStopsCleanly() throws {
        let run = try Run([file, "--case", "1", "--model", "endless", "--no-cache"], cache: cache)
        XCTAssertTrue(run.waitFor(10) { $0.contains("tick tick") }, run.stdout)
        kill(run.process.processIdentifier, SIGINT)
        XCTAssertEqual(run.finish(within: 5), 130)
        XCTAssertTrue(run.stderr.contains("interrupted"), run.stderr)
        var disconnects = 0
        for _ in 0..<40 where disconnects == 0 {
            usleep(50_000)
            disconnects = try fake.stats()["disconnects"] as? Int ?? 0
        }
        XCTAssertEqual(disconnects, 1)
    }
}
