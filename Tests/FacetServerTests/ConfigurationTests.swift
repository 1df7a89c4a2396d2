import FacetCore
import Foundation
import LSPTypes
import XCTest
@testable import FacetServer
import JSONRPC

final class ConfigurationTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("facet-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    var uri: String { directory.appendingPathComponent("msg.system.md").absoluteString }

    func testInitializationOptionsTurnRulesOff() throws {
        let client = TestClient()
        client.initialize(options: ["facet": ["rules": ["weak-instruction": "off"], "requiredFacets": ["role", "task", "tool"]]])
        client.open(uri, sampleMessage)
        let codes = try XCTUnwrap(client.diagnostics(uri, version: 1)).codes
        XCTAssertFalse(codes.contains("weak-instruction"), "\(codes)")
        XCTAssertTrue(codes.contains("vague-quantifier"))
        XCTAssertTrue(codes.contains("missing-facet"), "tool is now required: \(codes)")
    }

    func testFacetTomlWinsOverEditorSettings() throws {
        try "[rules]\nvague-quantifier = \"off\"\nweak-instruction = \"error\"\n".write(to: directory.appendingPathComponent(".facet.toml"), atomically: true, encoding: .utf8)
        let client = TestClient()
        client.initialize(options: ["rules": ["weak-instruction": "off", "vague-quantifier": "warning"]])
        client.open(uri, sampleMessage)
        let diagnostics = try XCTUnwrap(client.diagnostics(uri, version: 1))
        XCTAssertFalse(diagnostics.codes.contains("vague-quantifier"), "\(diagnostics.codes)")
        XCTAssertEqual(diagnostics.first { $0["code"] == "weak-instruction" }?["severity"], 1)
    }

    func testBrokenFacetTomlIsShownAndTheEditorSettingsStillApply() throws {
        try "colour = 3\n".write(to: directory.appendingPathComponent(".facet.toml"), atomically: true, encoding: .utf8)
        let client = TestClient()
        client.initialize(options: ["rules": ["weak-instruction": "off"]])
        client.open(uri, sampleMessage)
        let codes = try XCTUnwrap(client.diagnostics(uri, version: 1)).codes
        XCTAssertFalse(codes.contains("weak-instruction"))
        let shown = client.output.wait { $0["method"] == "window/logMessage" && $0["params"]?["message"]?.stringValue?.contains(".facet.toml:1") == true }
        XCTAssertNotNil(shown)
    }

    func testWorkspaceConfigurationIsPulledAndApplied() throws {
        let client = TestClient()
        client.initialize(capabilities: ["workspace": ["configuration": true]])
        let request = try XCTUnwrap(client.output.wait { $0["method"] == "workspace/configuration" }).message
        XCTAssertEqual(request["params"]?["items"]?[0]?["section"], "facet")
        client.open(uri, sampleMessage)
        XCTAssertTrue(try XCTUnwrap(client.diagnostics(uri, version: 1)).codes.contains("vague-quantifier"))
        let before = client.published(uri).count
        client.send(["jsonrpc": "2.0", "id": request["id"]!, "result": [["rules": ["vague-quantifier": "off"]]]])
        let republished = client.output.wait { message in
            message["method"] == "textDocument/publishDiagnostics" && !(message["params"]?["diagnostics"]?.arrayValue?.codes.contains("vague-quantifier") ?? true)
        }
        XCTAssertNotNil(republished)
        XCTAssertGreaterThan(client.published(uri).count, before)
    }

    func testDidChangeConfigurationAndBadValues() throws {
        let client = TestClient()
        client.initialize()
        client.open(uri, sampleMessage)
        XCTAssertNotNil(client.diagnostics(uri, version: 1))
        client.notify("workspace/didChangeConfiguration", ["settings": ["facet": ["rules": ["weak-instruction": "off", "no-such-rule": "off"], "tokenBudget": -5]]])
        let republished = client.output.wait { $0["method"] == "textDocument/publishDiagnostics" && !($0["params"]?["diagnostics"]?.arrayValue?.codes.contains("weak-instruction") ?? true) }
        XCTAssertNotNil(republished)
        XCTAssertNotNil(client.output.wait { $0["params"]?["message"]?.stringValue?.contains("unknown rule 'no-such-rule'") == true })
        XCTAssertNotNil(client.output.wait { $0["params"]?["message"]?.stringValue?.contains("tokenBudget must be a positive") == true })
    }

    func testSameFileSameFindingsAsTheCoreWithTheFile() throws {
        let toml = "required-facets = [\"role\", \"task\", \"background\"]\n[rules]\nweak-instruction = \"hint\"\n"
        try toml.write(to: directory.appendingPathComponent(".facet.toml"), atomically: true, encoding: .utf8)
        let configuration = try FacetConfiguration.parse(toml: toml, file: ".facet.toml")
        let expected = Analyzer.analyze(sampleMessage, configuration: configuration).findings.map(\.rule)
        let client = TestClient()
        client.initialize()
        client.open(uri, sampleMessage)
        XCTAssertEqual(try XCTUnwrap(client.diagnostics(uri, version: 1)).codes, expected)
    }
}

import FacetCore

extension ConfigurationTests {
    /// Regression: an empty answer to workspace/configuration wiped the initializationOptions.
    func testAnEmptyConfigurationAnswerKeepsInitializationOptions() throws {
        for answer: JSONValue in [[:], [], nil, ["facet": [:]]] {
            let client = TestClient()
            client.initialize(capabilities: ["workspace": ["configuration": true]], options: ["rules": ["vague-quantifier": "off"]])
            let request = try XCTUnwrap(client.output.wait { $0["method"] == "workspace/configuration" }).message
            client.send(["jsonrpc": "2.0", "id": request["id"]!, "result": [answer]])
            _ = client.request("shutdown")  // the answer has been handled once this returns
            let codes = Analyzer.analyze(sampleMessage, configuration: client.server.queue.sync { client.server.settings.configuration }).findings.map(\.rule)
            XCTAssertFalse(codes.contains("vague-quantifier"), "answer \(answer)")
        }
    }

    func testClientSettingsOverrideInitializationOptionsKeyByKey() throws {
        let client = TestClient()
        client.initialize(capabilities: ["workspace": ["configuration": true]],
                          options: ["facet": ["rules": ["vague-quantifier": "off"], "token-budget": 10]])
        let request = try XCTUnwrap(client.output.wait { $0["method"] == "workspace/configuration" }).message
        client.send(["jsonrpc": "2.0", "id": request["id"]!, "result": [["tokenBudget": 20, "colour": "blue", "rules": ["overlong": "error"]]]])
        _ = client.request("shutdown")
        let settings = client.server.queue.sync { client.server.settings }
        XCTAssertEqual(settings.tokenBudget, 20)
        // Nested objects merge too: the client's rule joins the first layer's.
        XCTAssertEqual(settings.ruleSeverities["vague-quantifier"], .some(nil))
        XCTAssertEqual(settings.ruleSeverities["overlong"], .some(.error))
        XCTAssertNotNil(client.output.wait { $0["params"]?["message"]?.stringValue?.contains("'colour' is not a Facet setting") == true })
    }

    /// A later value that cannot be used reset its setting to the default instead of keeping the one that worked.
    func testAnUnusableValueKeepsTheSettingItWouldChange() throws {
        let client = TestClient()
        client.initialize(options: ["maxDiagnostics": 5])
        func settings() -> EditorSettings { client.server.queue.sync { client.server.settings } }
        func change(_ values: JSONValue) {
            client.notify("workspace/didChangeConfiguration", ["settings": values])
        }
        change(["maxDiagnostics": .number(9.2e18)])
        XCTAssertNotNil(client.output.wait { $0["params"]?["message"]?.stringValue?.contains("maxDiagnostics must be a whole number of 1 or more") == true })
        XCTAssertEqual(settings().maxDiagnostics, 5, "the first layer's value stays")
        change(["maxDiagnostics": 7, "rules": ["overlong": "error"],
                "preview": ["endpoints": ["local": ["baseUrl": "http://localhost:8080/v1", "temperature": .number(0.5)]]]])
        XCTAssertEqual(settings().maxDiagnostics, 7)
        change(["maxDiagnostics": "many", "rules": ["overlong": "loud"],
                "preview": ["endpoints": ["local": ["baseUrl": "http://localhost:8080/v1", "temperature": 9]]]])
        XCTAssertNotNil(client.output.wait { $0["params"]?["message"]?.stringValue?.contains("preview.endpoints.local.temperature must be a number from 0 to 2") == true })
        let kept = settings()
        XCTAssertEqual(kept.maxDiagnostics, 7, "the client's earlier value stays")
        XCTAssertEqual(kept.ruleSeverities["overlong"], .some(.error))
        XCTAssertEqual(kept.preview.endpoints["local"]?.temperature, 0.5)
        XCTAssertEqual(kept.preview.endpoints["local"]?.baseURL, "http://localhost:8080/v1")
        // A setting the client no longer sends goes back to the layer below, or the default.
        change(["tokenBudget": 10])
        XCTAssertEqual(settings().maxDiagnostics, 5)
        XCTAssertFalse(settings().ruleSeverities.keys.contains("overlong"))
        XCTAssertNil(settings().preview.endpoints["local"])
    }

    /// A generated file with 100,000 findings took 21 s and 2.5 GB to publish; the list is capped.
    func testMaxDiagnosticsKeepsTheMostSevereAndSaysHowManyAreLeftOut() throws {
        let lines = (1...30).map { "- Try to use some of the \($0) sources." } + ["Never use emoji.", "Always use emoji."]
        let message = lines.joined(separator: "\n") + "\n"
        let all = Analyzer.analyze(message).findings
        XCTAssertGreaterThan(all.count, 10)
        let client = TestClient()
        client.initialize(options: ["maxDiagnostics": 5, "rules": ["conflicting-instructions": "error"]])
        client.open(uri, message)
        let pushed = try XCTUnwrap(client.diagnostics(uri, version: 1))
        XCTAssertEqual(pushed.count, 6, "\(pushed.codes)")
        XCTAssertEqual(pushed.first?["code"], "too-many-findings")
        XCTAssertEqual(pushed.first?["message"]?.stringValue?.contains("5 of the \(all.count) findings"), true, "\(pushed.first ?? nil)")
        XCTAssertTrue(pushed.codes.contains("conflicting-instructions"), "the error, on the last lines, is kept: \(pushed.codes)")
        let shownLines = pushed.dropFirst().compactMap { $0["range"]?["start"]?["line"]?.intValue }
        XCTAssertEqual(shownLines, shownLines.sorted(), "shown in document order")
        XCTAssertLessThan(shownLines.dropLast().max() ?? 99, 5, "the warnings kept are the earliest: \(shownLines)")

        client.notify("workspace/didChangeConfiguration", ["settings": ["maxDiagnostics": 0]])
        XCTAssertNotNil(client.output.wait { $0["params"]?["message"]?.stringValue?.contains("maxDiagnostics must be a whole number of 1 or more") == true })

        let puller = TestClient()
        puller.initialize(capabilities: ["textDocument": ["diagnostic": ["dynamicRegistration": false]]], options: ["maxDiagnostics": 3])
        puller.open(uri, message)
        let pulled = try XCTUnwrap(puller.request("textDocument/diagnostic", ["textDocument": TestClient.document(uri)])?["items"]?.arrayValue)
        XCTAssertEqual(pulled.codes.first, "too-many-findings")
        XCTAssertEqual(pulled.count, 4)
    }

    /// Over the cap, findings from the last evaluation (warnings) come after
    /// the lint errors and before the other warnings.
    func testTheCapKeepsEvaluationFindingsAfterErrorsAndBeforeOtherWarnings() throws {
        let lines = (1...8).map { "- Try to use some of the \($0) sources." } + ["Never use emoji.", "Always use emoji.", "Reply in French."]
        let source = SourceText(lines.joined(separator: "\n") + "\n")
        let configuration = try FacetConfiguration.parse(toml: "[rules]\nconflicting-instructions = \"error\"\n", file: ".facet.toml")
        let frenchRange = (source.count - "Reply in French.\n".utf8.count)..<(source.count - 1)
        let judged = EvalFinding(range: frenchRange, text: "Reply in French.", rubric: "language", message: "not followed: the answers were in English")
        func shown(limit: Int, evalFindings: [EvalFinding]) -> [Diagnostic] {
            var snapshot = DocumentSnapshot(uri: uri, revision: 1, version: 1, source: source, configuration: configuration, encoding: .utf16,
                                            markdownHovers: true, markdownCompletions: true, maxAnalysedBytes: 1 << 20, analyses: AnalysisCache(),
                                            preferences: IndexHolder(path: "/nonexistent/index.sqlite"))
            snapshot.evalFindings = evalFindings
            return DiagnosticsFeature.diagnostics(snapshot, limit: limit)
        }
        let lint = shown(limit: 1000, evalFindings: []).map(\.code)
        XCTAssertGreaterThan(lint.count, 4, "\(lint)")
        XCTAssertEqual(lint.filter { $0 == "conflicting-instructions" }.count, 1, "\(lint)")

        let capped = shown(limit: 3, evalFindings: [judged])
        XCTAssertEqual(capped.map(\.code), ["too-many-findings", "missing-facet", "conflicting-instructions", "not-followed"],
                       "the error, then the evaluation's finding, then the earliest warning: \(capped.map(\.code))")
        XCTAssertEqual(capped.last?.range.start.line, 10)
        let tighter = shown(limit: 2, evalFindings: [judged])
        XCTAssertEqual(tighter.map(\.code), ["too-many-findings", "conflicting-instructions", "not-followed"])
        let tightest = shown(limit: 1, evalFindings: [judged])
        XCTAssertEqual(tightest.map(\.code), ["too-many-findings", "conflicting-instructions"], "an error before the evaluation's finding")
    }
}

