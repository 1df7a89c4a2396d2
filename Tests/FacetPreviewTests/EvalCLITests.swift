import Foundation
import XCTest

/// `facet eval` and `facet preview --compare` as a user runs them: the real
/// binary, a system message with three cases, two models and a judge.
final class EvalCLITests: XCTestCase {
    var fake: FakeEndpoint!
    var directory: URL!
    var file: String { directory.appendingPathComponent("support.system.md").path }
    var cache: String { directory.appendingPathComponent("previews.sqlite").path }

    override func setUpWithError() throws {
        fake = try FakeEndpoint()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("facet-eval-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try """
        You are the support agent of Acme.
        Answer questions about orders.
        Reply in JSON only.
        """.write(toFile: file, atomically: true, encoding: .utf8)
        // The cases file beside it: NAME.cases.yaml for NAME.system.md.
        try """
        cases:
          - Hello there
          - name: refund
            user: I want a refund
          - name: conversation
            turns: [Hi, My order is 42, Still broken]
        """.write(to: directory.appendingPathComponent("support.cases.yaml"), atomically: true, encoding: .utf8)
        try """
        [preview]
        endpoint = "strong"
        compare = ["small", "strong"]

        [judge]
        endpoint = "judge"

        [endpoints.small]
        base-url = "\(fake.baseURL)"
        model = "quality-4+format=1"

        [endpoints.strong]
        base-url = "\(fake.baseURL)"
        model = "quality-5"

        [endpoints.drifty]
        base-url = "\(fake.baseURL)"
        model = "quality-5,5,2"

        [endpoints.judge]
        base-url = "\(fake.baseURL)"
        model = "judge"

        [endpoints.confused]
        base-url = "\(fake.baseURL)"
        model = "judge-malformed"
        """.write(to: directory.appendingPathComponent(".facet.toml"), atomically: true, encoding: .utf8)
    }

    override func tearDown() {
        fake.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    func eval(_ arguments: [String]) throws -> PreviewCLITests.Run { try PreviewCLITests.Run(arguments, cache: cache, command: "eval") }

    func testOneCommandScoresComparesAndReportsDrift() throws {
        let run = try eval([file, "--compare", "small,strong"])
        XCTAssertEqual(run.finish(), 0, run.stderr)
        let out = run.stdout
        for piece in ["support.system.md — 3 cases · small vs strong · 3 rubrics · judge judge",
                      "    small     3.00  [role 4 · task 4 · format 1]",
                      "    gap 2 (loss for small)  ⚑ falls short",
                      "small vs strong: 0 wins, 0 ties, 3 losses · capacity recovery 0.0% · 3 cases flagged (gap ≥ 1.5)",
                      "support.system.md:3: The format instruction was not followed in 3 of 6 judged cases",
                      "conversation on small: turn 1 3 → turn 2 3 → turn 3 3 — steady",
                      "Requests: 40 sent"] {
            XCTAssertTrue(out.contains(piece), "missing \(piece) in\n\(out)")
        }
        let drift = try eval([file, "--endpoint", "drifty", "--format", "markdown"])
        XCTAssertEqual(drift.finish(), 0, drift.stderr)
        XCTAssertTrue(drift.stdout.contains("conversation on drifty: turn 1 5 → turn 2 5 → turn 3 2 — ⚑ adherence drops by 3 at turn 3"), drift.stdout)
        XCTAssertTrue(drift.stdout.hasPrefix("# Evaluation: support.system.md"))
        // Everything is cached now: a rerun sends nothing.
        let before = try fake.stats()["requests"] as? Int
        let again = try eval([file, "--compare", "small,strong", "--format", "json"])
        XCTAssertEqual(again.finish(), 0)
        XCTAssertEqual(try fake.stats()["requests"] as? Int, before)
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
        let summary = try XCTUnwrap(document["summary"] as? [String: Any])
        let comparison = try XCTUnwrap((summary["comparisons"] as? [[String: Any]])?.first?["summary"] as? [String: Any])
        XCTAssertEqual(comparison["losses"] as? Int, 3)
        XCTAssertEqual((document["result"] as? [String: Any])?["requests"] as? Int, 0)
        // With no endpoint named, the configured comparison runs.
        let configured = try eval([file, "--case", "2"])
        XCTAssertEqual(configured.finish(), 0, configured.stderr)
        XCTAssertTrue(configured.stdout.contains("support.system.md — 1 case · small vs strong"), configured.stdout)
    }

    /// A broken case was dropped (or all of them replaced by the probe) and the gate passed.
    func testBrokenCasesStopEvalBeforeAnythingIsSent() throws {
        let before = try fake.stats()["requests"] as? Int
        for cases in ["cases:\n  - Hello there\n  - [1, 2]\n", "cases: ["] {
            try cases.write(to: directory.appendingPathComponent("support.cases.yaml"), atomically: true, encoding: .utf8)
            let run = try eval([file, "--endpoint", "strong", "--fail-under", "1"])
            XCTAssertEqual(run.finish(), 2, cases)
            XCTAssertTrue(run.stderr.contains("support.system.md: "), run.stderr)
        }
        XCTAssertEqual(try fake.stats()["requests"] as? Int, before, "nothing was sent")
    }

    func testExitStatuses() throws {
        let unscored = try eval([file, "--endpoint", "strong", "--judge", "confused", "--case", "1"])
        XCTAssertEqual(unscored.finish(), 1)
        XCTAssertTrue(unscored.stdout.contains("not scored: unparseable judge reply"), unscored.stdout)
        let under = try eval([file, "--endpoint", "small", "--case", "1", "--fail-under", "4"])
        XCTAssertEqual(under.finish(), 1)
        XCTAssertTrue(under.stderr.contains("below --fail-under 4"), under.stderr)
        // No rubric, so no score: the gate fails, and says why rather than "a mean is below".
        let plain = directory.appendingPathComponent("plain.system.md").path
        try "Hello.\n".write(toFile: plain, atomically: true, encoding: .utf8)
        let nothing = try eval([plain, "--endpoint", "small", "--fail-under", "1"])
        XCTAssertEqual(nothing.finish(), 1)
        XCTAssertTrue(nothing.stderr.contains("no answer was scored, so there is no mean to compare with --fail-under 1"), nothing.stderr)
        for (arguments, message) in [([file, "--compare", "small"], "--compare takes two or more"),
                                     ([file, "--compare", "small,nowhere"], "no endpoint named 'nowhere'"),
                                     ([file, "--judge", "nowhere"], "no endpoint named 'nowhere'"),
                                     ([file, "--repeats", "0"], "--repeats takes 1 to 10"),
                                     ([file + ".missing"], "cannot read the file")] {
            let run = try eval(arguments)
            XCTAssertEqual(run.finish(), 2, "\(arguments)")
            XCTAssertTrue(run.stderr.contains(message), "\(arguments): \(run.stderr)")
        }
    }

    func testPreviewCompareShowsAnswersSideBySideAndScoresWithAJudge() throws {
        // No judge given: [judge] endpoint is configured, so it scores; without it, side by side only.
        let scored = try PreviewCLITests.Run([file, "--compare", "small,strong", "--case", "2"], cache: cache)
        XCTAssertEqual(scored.finish(), 0, scored.stderr)
        XCTAssertTrue(scored.stdout.contains("gap 2 (loss for small)  ⚑ falls short"), scored.stdout)
        let toml = directory.appendingPathComponent(".facet.toml")
        let text = try String(contentsOf: toml, encoding: .utf8).replacingOccurrences(of: "[judge]\nendpoint = \"judge\"\n", with: "")
        try text.write(to: toml, atomically: true, encoding: .utf8)
        let sideBySide = try PreviewCLITests.Run([file, "--compare", "small,strong", "--case", "2"], cache: cache)
        XCTAssertEqual(sideBySide.finish(), 0, sideBySide.stderr)
        XCTAssertTrue(sideBySide.stdout.contains("judge none"), sideBySide.stdout)
        XCTAssertTrue(sideBySide.stdout.contains("small     \"Echo: I want a refund [quality 4] [format 1]\""), sideBySide.stdout)
        XCTAssertTrue(sideBySide.stdout.contains("strong    \"Echo: I want a refund [quality 5]\""), sideBySide.stdout)
        XCTAssertFalse(sideBySide.stdout.contains("Summary"))
    }

    /// --model, --endpoint and the other one-endpoint options were ignored with --compare: the comparison
    /// ran on the profiles as configured, and nothing said so.
    func testOptionsForOneEndpointAreRefusedWithCompare() throws {
        for arguments in [["--model", "quality-1"], ["--endpoint", "drifty"], ["--base-url", "http://127.0.0.1:9/v1"],
                          ["--temperature", "1"], ["--max-tokens", "5"], ["--timeout", "1"]] {
            let run = try PreviewCLITests.Run([file, "--compare", "small,strong", "--case", "1"] + arguments, cache: cache)
            XCTAssertEqual(run.finish(), 2, "\(arguments): \(run.stdout)")
            XCTAssertTrue(run.stderr.contains("\(arguments[0]) cannot go with --compare"), "\(arguments): \(run.stderr)")
        }
        let both = try eval([file, "--compare", "small,strong", "--endpoint", "drifty", "--case", "1"])
        XCTAssertEqual(both.finish(), 2, both.stdout)
        XCTAssertTrue(both.stderr.contains("--endpoint and --compare cannot go together"), both.stderr)
        XCTAssertEqual(try fake.stats()["requests"] as? Int, 0, "nothing was sent")
    }

    func testABenchmarkFileRunsDirectly() throws {
        let rubric: [String: Any] = ["criteria": "Is it vivid?", "score_descriptions": ["1": "a", "2": "b", "3": "c", "4": "d", "5": "e"]]
        let row: [String: Any] = ["system": "You are a storyteller.", "prompt": "Tell me about rain.", "rubrics": [rubric]]
        let path = directory.appendingPathComponent("bench.jsonl").path
        let line = String(decoding: try JSONSerialization.data(withJSONObject: row), as: UTF8.self)
        try (line + "\n" + line + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let run = try eval([path, "--endpoint", "small", "--limit", "1"])
        XCTAssertEqual(run.finish(), 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("bench.jsonl:1 — 1 case · small · 1 rubric · judge judge"), run.stdout)
        XCTAssertTrue(run.stdout.contains("small: mean 4.00 over 1 case"), run.stdout)
        XCTAssertFalse(run.stdout.contains("bench.jsonl:2"))
    }
}
