import FacetCore
import Foundation
import XCTest
@testable import FacetServer
import JSONRPC

final class FeatureTests: XCTestCase {
    let uri = "file:///tmp/facet-tests/features.system.md"

    func opened(_ text: String = sampleMessage, options: JSONValue? = nil, capabilities: JSONValue = [:]) -> TestClient {
        let client = TestClient()
        client.initialize(capabilities: capabilities, options: options)
        client.open(uri, text)
        XCTAssertNotNil(client.diagnostics(uri, version: 1))
        return client
    }

    func testHoverShowsFacetsEvidenceAndRuleExplanation() throws {
        let client = opened()
        let role = try XCTUnwrap(client.request("textDocument/hover", ["textDocument": TestClient.document(uri), "position": TestClient.position(1, 5)]))
        let text = try XCTUnwrap(role["contents"]?["value"]?.stringValue)
        XCTAssertTrue(text.contains("**role**"), text)
        XCTAssertTrue(text.contains("confidence"), text)
        XCTAssertEqual(role["range"]?["start"]?["line"], 1)
        let weak = try XCTUnwrap(client.request("textDocument/hover", ["textDocument": TestClient.document(uri), "position": TestClient.position(2, 2)]))
        let weakText = try XCTUnwrap(weak["contents"]?["value"]?.stringValue)
        XCTAssertTrue(weakText.contains("**weak-instruction**"), weakText)
        XCTAssertTrue(weakText.contains(RuleRegistry.rule(id: "weak-instruction")!.summary), weakText)
        // Past the end, or on a blank line: nothing.
        XCTAssertEqual(client.request("textDocument/hover", ["textDocument": TestClient.document(uri), "position": TestClient.position(40, 0)]), JSONValue.null)
        XCTAssertEqual(client.request("textDocument/hover", ["textDocument": TestClient.document(uri), "position": TestClient.position(4, 0)]), JSONValue.null)
        // Positions are unsigned: a negative one is a client's mistake, and said so.
        let negative = client.start("textDocument/hover", ["textDocument": TestClient.document(uri), "position": TestClient.position(-1, 0)])
        let answer = client.response(negative)
        XCTAssertEqual(answer?["error"]?["code"], -32602)
        XCTAssertEqual(answer?["error"]?["message"], "invalid params: params.position.line: must be 0 or more, not -1")
    }

    /// Decodes LSP's relative token encoding into (line, start, length, type).
    func decode(_ data: [JSONValue]) -> [(line: Int, start: Int, length: Int, type: String)] {
        let legend = SemanticTokensFeature.legend.tokenTypes
        var result: [(Int, Int, Int, String)] = []
        var line = 0, start = 0
        for i in stride(from: 0, to: data.count, by: 5) {
            let dl = data[i].intValue!, ds = data[i + 1].intValue!
            line += dl
            start = dl == 0 ? start + ds : ds
            result.append((line, start, data[i + 2].intValue!, legend[data[i + 3].intValue!]))
        }
        return result
    }

    func testSemanticTokensColourUnitsByFacetAndVariables() throws {
        let text = "You are a travel agent.\nGreet {{user_name}} warmly and answer briefly.\n"
        let client = opened(text)
        let full = try XCTUnwrap(client.request("textDocument/semanticTokens/full", ["textDocument": TestClient.document(uri)]))
        let tokens = decode(try XCTUnwrap(full["data"]?.arrayValue))
        XCTAssertEqual(tokens.first?.line, 0)
        XCTAssertEqual(tokens.first?.type, "role")
        XCTAssertEqual(tokens.first?.length, 23)
        let variable = try XCTUnwrap(tokens.first { $0.type == "variable" })
        XCTAssertEqual(variable.line, 1)
        XCTAssertEqual(variable.start, 6)
        XCTAssertEqual(variable.length, "{{user_name}}".count)
        let range = try XCTUnwrap(client.request("textDocument/semanticTokens/range", ["textDocument": TestClient.document(uri), "range": TestClient.range(1, 0, 2, 0)]))
        let inRange = decode(try XCTUnwrap(range["data"]?.arrayValue))
        XCTAssertFalse(inRange.isEmpty)
        XCTAssertTrue(inRange.allSatisfy { $0.line == 1 }, "\(inRange)")
    }

    /// A half-typed `{{name}` before an inline `<tone>` crashed the server (an inverted range).
    func testSemanticTokensOfHalfTypedAndNestedVariables() throws {
        for text in ["Greet {{name} warmly. Use a <tone> voice. Mention the {{plan}} plan.\n", "You are a guide.\nWrite {{ answer <name> }} here.\n"] {
            let client = opened(text)
            let tokens = decode(try XCTUnwrap(client.request("textDocument/semanticTokens/full", ["textDocument": TestClient.document(uri)])?["data"]?.arrayValue))
            XCTAssertTrue(tokens.contains { $0.type == "variable" }, "\(tokens)")
            let ends = zip(tokens, tokens.dropFirst()).allSatisfy { $0.line < $1.line || $0.start + $0.length <= $1.start }
            XCTAssertTrue(ends, "tokens in order, not overlapping: \(tokens)")
            XCTAssertNotNil(client.request("textDocument/semanticTokens/range", ["textDocument": TestClient.document(uri), "range": TestClient.range(0, 0, 1, 0)]))
        }
    }

    func testSemanticTokenColumnsFollowTheEncoding() throws {
        // The emoji is 2 UTF-16 units and 4 UTF-8 bytes; "é" is 1 and 2.
        let text = "Reply in French 👍. You are a café owner.\n"
        let utf16 = opened(text)
        let utf8 = opened(text, capabilities: ["general": ["positionEncodings": ["utf-8"]]])
        let a = decode(try XCTUnwrap(utf16.request("textDocument/semanticTokens/full", ["textDocument": TestClient.document(uri)])?["data"]?.arrayValue))
        let b = decode(try XCTUnwrap(utf8.request("textDocument/semanticTokens/full", ["textDocument": TestClient.document(uri)])?["data"]?.arrayValue))
        let role16 = try XCTUnwrap(a.first { $0.type == "role" }), role8 = try XCTUnwrap(b.first { $0.type == "role" })
        XCTAssertEqual(role16.start, 20, "\(a)")
        XCTAssertEqual(role8.start, 22, "\(b)")
        XCTAssertEqual(role16.length, 21)
        XCTAssertEqual(role8.length, 22)
    }

    func testInlayHintsAreOffByDefaultAndOnWhenAsked() throws {
        let quiet = opened()
        XCTAssertEqual(quiet.request("textDocument/inlayHint", ["textDocument": TestClient.document(uri), "range": TestClient.range(0, 0, 10, 0)]), [])
        let loud = opened(options: ["inlayHints": true])
        let hints = try XCTUnwrap(loud.request("textDocument/inlayHint", ["textDocument": TestClient.document(uri), "range": TestClient.range(0, 0, 10, 0)])?.arrayValue)
        let role = try XCTUnwrap(hints.first { $0["position"]?["line"] == 1 })
        XCTAssertEqual(role["label"], "role:")
        XCTAssertEqual(role["position"]?["character"], 0)
    }

    /// A preview to an endpoint that is not there fails fast with a clear message
    /// and still writes its preview file. (Streaming is tested against the fake
    /// endpoint in FacetPreviewTests and the end-to-end suites.)
    func testPreviewToAClosedPortReportsTheFailure() throws {
        try? FileManager.default.removeItem(atPath: "/tmp/facet-tests/.facet")
        let closed = "http://127.0.0.1:9/v1"  // the discard port: nothing listens on it here
        let client = opened(options: ["preview": ["endpoints": ["ollama": ["baseUrl": .string(closed)]]]])
        let result = try XCTUnwrap(client.request("workspace/executeCommand", ["command": "facet.preview", "arguments": [.string(uri)]]))
        let first = try XCTUnwrap(result["cases"]?.arrayValue?.first)
        XCTAssertEqual(first["name"], "probe")
        XCTAssertEqual(first["status"], "failed")
        XCTAssertTrue(first["error"]?.stringValue?.contains("connection refused by 127.0.0.1:9") == true, "\(first)")
        let file = try XCTUnwrap(result["file"]?.stringValue)
        XCTAssertEqual(file, "/tmp/facet-tests/.facet/previews/features.preview.md")
        let ignore = try String(contentsOfFile: "/tmp/facet-tests/.facet/previews/.gitignore", encoding: .utf8)
        XCTAssertTrue(ignore.hasSuffix("*\n"), "the previews folder keeps itself out of version control")
        let markdown = try String(contentsOfFile: file, encoding: .utf8)
        XCTAssertTrue(markdown.contains("| Endpoint | ollama (\(closed)) |"), markdown)
        XCTAssertTrue(markdown.contains("connection refused"), markdown)
        let shown = client.output.wait { $0["method"] == "window/showMessage" }?.message
        XCTAssertTrue(shown?["params"]?["message"]?.stringValue?.contains("connection refused") == true)
        let bad = client.start("workspace/executeCommand", ["command": "facet.preview", "arguments": [.string(uri), ["case": 3]]])
        XCTAssertEqual(client.output.wait { $0["id"] == .number(Double(bad)) }?.message["error"]?["code"], -32602)
    }

    /// A preview file that could not be written was ignored: the editor was sent
    /// to open a file that did not exist, and nothing said why.
    func testAPreviewFileThatCannotBeWrittenIsReported() throws {
        try? FileManager.default.removeItem(atPath: "/tmp/facet-tests/.facet")
        XCTAssertTrue(FileManager.default.createFile(atPath: "/tmp/facet-tests/.facet", contents: Data("a file, not a folder\n".utf8)))
        defer { try? FileManager.default.removeItem(atPath: "/tmp/facet-tests/.facet") }
        let client = opened(options: ["preview": ["endpoints": ["ollama": ["baseUrl": "http://127.0.0.1:9/v1"]]]])
        let result = try XCTUnwrap(client.request("workspace/executeCommand", ["command": "facet.preview", "arguments": [.string(uri)]]))
        XCTAssertEqual(result["cases"]?.arrayValue?.first?["status"], "failed", "the run itself goes on")
        let failure = try XCTUnwrap(result["fileError"]?.stringValue)
        XCTAssertTrue(failure.hasPrefix("cannot write /tmp/facet-tests/.facet/previews/features.preview.md: "), failure)
        XCTAssertTrue(failure.hasSuffix(": /tmp/facet-tests/.facet is a file, not a folder"), failure)
        let shown = client.output.wait { $0["method"] == "window/showMessage" && $0["params"]?["message"]?.stringValue?.contains("cannot write") == true }
        XCTAssertEqual(shown?.message["params"]?["type"], 1, "an error")
        XCTAssertEqual(try String(contentsOfFile: "/tmp/facet-tests/.facet", encoding: .utf8), "a file, not a folder\n", "nothing of the user's is changed")
    }

    func testEvaluateLensAndAnUnreachableEndpoint() throws {
        try? FileManager.default.removeItem(atPath: "/tmp/facet-tests/.facet")
        let closed = "http://127.0.0.1:9/v1"
        let client = opened(options: ["preview": ["endpoints": ["ollama": ["baseUrl": .string(closed)], "vllm": ["baseUrl": .string(closed)]],
                                                  "compare": ["ollama", "vllm"]]])
        let lenses = try XCTUnwrap(client.request("textDocument/codeLens", ["textDocument": TestClient.document(uri)])?.arrayValue)
        let lens = try XCTUnwrap(lenses.first { $0["command"]?["command"] == "facet.evaluate" })
        XCTAssertEqual(lens["command"]?["title"], "★ Evaluate: ollama vs vllm")
        let result = try XCTUnwrap(client.request("workspace/executeCommand", ["command": "facet.evaluate", "arguments": lens["command"]!["arguments"]!]))
        XCTAssertEqual(result["cancelled"], false)
        XCTAssertEqual(result["endpoints"]?.arrayValue?.map { $0["mean"] }, [.null, .null])
        let file = try XCTUnwrap(result["file"]?.stringValue)
        XCTAssertEqual(file, "/tmp/facet-tests/.facet/previews/features.eval.md")
        let markdown = try String(contentsOfFile: file, encoding: .utf8)
        XCTAssertTrue(markdown.contains("| Endpoints | ollama (llama3.2) vs vllm (default) — reference |"), markdown)
        XCTAssertTrue(markdown.contains("connection refused"), markdown)
        let bad = client.start("workspace/executeCommand", ["command": "facet.evaluate", "arguments": [.string(uri), ["compare": ["ollama", "nowhere"]]]])
        let refused = client.output.wait { $0["id"] == .number(Double(bad)) }?.message
        XCTAssertEqual(refused?["error"]?["code"], -32602)
        XCTAssertTrue(refused?["error"]?["message"]?.stringValue?.contains("no endpoint named 'nowhere'") == true, "\(String(describing: refused))")
    }

    /// Options of the wrong type, or unknown, were dropped: `{"case": "x", "endpoint": 5}` ran a
    /// whole preview against the default endpoint, `{"compare": "x"}` an evaluation against it.
    func testCommandOptionsOfTheWrongTypeAreRefusedByName() throws {
        let closed = "http://127.0.0.1:9/v1"
        let client = opened(options: ["preview": ["endpoints": ["ollama": ["baseUrl": .string(closed)]]]])
        func refusal(_ command: String, _ options: JSONValue) -> String? {
            let id = client.start("workspace/executeCommand", ["command": .string(command), "arguments": [.string(uri), options]])
            let error = client.response(id)?["error"]
            XCTAssertEqual(error?["code"], -32602, "\(command) \(options)")
            return error?["message"]?.stringValue
        }
        let both = refusal("facet.preview", ["case": "x", "endpoint": 5]) ?? ""
        XCTAssertTrue(both.contains("case should be a whole number") && both.contains("endpoint should be a string"), both)
        XCTAssertTrue(refusal("facet.preview", ["case": "2"])?.contains("case") == true)
        XCTAssertTrue(refusal("facet.preview", ["case": .number(1.5)])?.contains("case") == true)
        XCTAssertTrue(refusal("facet.preview", ["force": "yes"])?.contains("force should be true or false") == true)
        XCTAssertTrue(refusal("facet.preview", "first case")?.contains("should be an object") == true)
        XCTAssertTrue(refusal("facet.evaluate", ["compare": "x"])?.contains("compare should be an array of strings") == true)
        XCTAssertTrue(refusal("facet.evaluate", ["compare": ["ollama", 5]])?.contains("compare") == true)
        XCTAssertTrue(refusal("facet.evaluate", ["judge": 1])?.contains("judge should be a string") == true)
        XCTAssertTrue(refusal("facet.evaluate", ["case": true, "force": 1])?.contains("force") == true)
        // A misspelt option was ignored: {"cases": 2} sent every case.
        let misspelt = refusal("facet.preview", ["cases": 2, "force": true]) ?? ""
        XCTAssertTrue(misspelt.contains("unknown option 'cases' (it takes case, force, endpoint)"), misspelt)
        let two = refusal("facet.evaluate", ["judges": "a", "Case": 1]) ?? ""
        XCTAssertTrue(two.contains("unknown options 'Case', 'judges'"), two)
        // Null is no option at all.
        let result = try XCTUnwrap(client.request("workspace/executeCommand", ["command": "facet.preview", "arguments": [.string(uri), ["endpoint": nil, "case": nil]]]))
        XCTAssertEqual(result["cases"]?[0]?["status"], "failed", "ran, against the closed port")
    }

    func testEvalFindingsFollowTheirSentenceUntilItIsEdited() {
        let finding = EvalFinding(range: 11..<30, text: "Reply in JSON only.", rubric: "format", message: "not followed")
        let original = SourceText("Be polite. Reply in JSON only.")
        XCTAssertEqual(finding.located(in: original), 11..<30)
        XCTAssertEqual(finding.located(in: SourceText("# Rules\nBe polite. Reply in JSON only.")), 19..<38)
        XCTAssertNil(finding.located(in: SourceText("Be polite. Reply in YAML only.")))
    }

    func testCodeLensShowsCoverageAndItsCommandRuns() throws {
        let client = opened()
        let lenses = try XCTUnwrap(client.request("textDocument/codeLens", ["textDocument": TestClient.document(uri)])?.arrayValue)
        XCTAssertEqual(lenses.first?["command"]?["title"], "▶ Preview")
        XCTAssertEqual(lenses.first?["command"]?["command"], "facet.preview")
        let coverage = try XCTUnwrap(lenses.first { $0["command"]?["command"] == "facet.showCoverage" })
        let title = try XCTUnwrap(coverage["command"]?["title"]?.stringValue)
        XCTAssertTrue(title.hasPrefix("role ✓ task ✓"), title)
        XCTAssertTrue(title.contains("tool ✗"), title)
        let command = try XCTUnwrap(coverage["command"])
        let summary = client.request("workspace/executeCommand", ["command": command["command"]!, "arguments": command["arguments"]!])
        XCTAssertTrue(summary?.stringValue?.contains("role: 1") == true, "\(String(describing: summary))")
        XCTAssertNotNil(client.output.wait { $0["method"] == "window/showMessage" })
        let unknown = client.start("workspace/executeCommand", ["command": "facet.nothing"])
        XCTAssertEqual(client.response(unknown)?["error"]?["code"], -32602)
    }

    func testDocumentSymbolsNestHeadingsAndSections() throws {
        let text = "# Assistant\nYou are a tutor.\n## Output format\n<rules>\nAnswer in JSON.\n</rules>\n# Notes\nBe brief.\n"
        let client = opened(text)
        let symbols = try XCTUnwrap(client.request("textDocument/documentSymbol", ["textDocument": TestClient.document(uri)])?.arrayValue)
        XCTAssertEqual(symbols.compactMap { $0["name"]?.stringValue }, ["Assistant", "Notes"])
        let output = try XCTUnwrap(symbols[0]["children"]?[0])
        XCTAssertEqual(output["name"], "Output format")
        XCTAssertEqual(output["children"]?[0]?["name"], "<rules>")
        XCTAssertEqual(output["children"]?[0]?["detail"]?.stringValue?.contains("format"), true)
        XCTAssertEqual(symbols[0]["range"]?["end"]?["line"], 5, "the first heading ends before the next level-1 heading")
        let folds = try XCTUnwrap(client.request("textDocument/foldingRange", ["textDocument": TestClient.document(uri)])?.arrayValue)
        XCTAssertTrue(folds.contains { $0["startLine"] == 3 && $0["endLine"] == 5 }, "the <rules> section folds: \(folds)")
        XCTAssertTrue(folds.contains { $0["startLine"] == 0 && $0["endLine"] == 5 }, "\(folds)")
    }

    /// A heading of only a no-break space showed as a blank outline entry.
    func testAHeadingOfOnlySpacesIsUntitledInTheOutline() throws {
        let client = opened("# \u{00A0}\u{2003}\nYou are a tutor.\n# Notes\nBe brief.\n")
        let symbols = try XCTUnwrap(client.request("textDocument/documentSymbol", ["textDocument": TestClient.document(uri)])?.arrayValue)
        XCTAssertEqual(symbols.compactMap { $0["name"]?.stringValue }, ["(untitled)", "Notes"])
    }

    func testAHeadingEndsWithTheInnermostSectionAroundIt() throws {
        let text = "<outer>\n# A\ntext\n<inner>\n## B\nb text\n</inner>\n## C\nc\n</outer>\n# D\nd\n"
        let client = opened(text)
        let folds = try XCTUnwrap(client.request("textDocument/foldingRange", ["textDocument": TestClient.document(uri)])?.arrayValue)
        let spans = Set(folds.compactMap { fold -> [Int]? in
            guard let start = fold["startLine"]?.intValue, let end = fold["endLine"]?.intValue else { return nil }
            return [start, end]
        })
        XCTAssertTrue(spans.isSuperset(of: [[0, 9], [3, 6], [1, 9], [4, 6], [7, 9], [10, 11]]), "\(folds)")
    }

    /// 300 nested sections failed to encode ("could not encode the result") and
    /// 3,000 overflowed the stack: the outline is at most 32 levels deep, as
    /// docs/server.md says, with the deeper sections side by side at the 32nd.
    func testDeeplyNestedSectionsGiveAnOutlineThirtyTwoLevelsDeep() throws {
        let depth = 3000
        let text = (0..<depth).map { "<t\($0)>\n" }.joined() + "You are a bot.\n" + (0..<depth).reversed().map { "</t\($0)>\n" }.joined()
        let client = opened(text)
        // Encoding and decoding the answer takes seconds in a debug build (0.05 s released): more than the usual wait under load.
        let id = client.start("textDocument/documentSymbol", ["textDocument": TestClient.document(uri)])
        let symbols = try XCTUnwrap(client.response(id, timeout: 60)?["result"]?.arrayValue)
        var level = symbols, levels = 0, names: [String] = []
        while !level.isEmpty {
            levels += 1
            names += level.compactMap { $0["name"]?.stringValue }
            level = level.last?["children"]?.arrayValue ?? []
        }
        XCTAssertEqual(levels, 32, "32 nested levels, the deepest holding the rest side by side")
        XCTAssertEqual(names.count, depth, "every section is in the outline")
        XCTAssertEqual(names.last, "<t\(depth - 1)>")
        var deepest = symbols
        for _ in 1..<32 { deepest = deepest.last?["children"]?.arrayValue ?? [] }
        XCTAssertEqual(deepest.count, depth - 31, "the 32nd level lists the 32nd section and every deeper one")
        XCTAssertTrue(deepest.allSatisfy { $0["children"] == nil || $0["children"] == [] }, "nothing below the 32nd level")
        let folds = try XCTUnwrap(client.request("textDocument/foldingRange", ["textDocument": TestClient.document(uri)])?.arrayValue)
        XCTAssertEqual(folds.count, depth)
    }

    func apply(_ edit: JSONValue, to text: String, encoding: ColumnEncoding = .utf16) throws -> String {
        let edits = try XCTUnwrap(edit["changes"]?[uri]?.arrayValue)
        var bytes = Array(text.utf8)
        let lines = LineIndex(bytes: bytes)
        let ranges = edits.map { edit -> (Range<Int>, String) in
            let r = edit["range"]!
            let start = lines.offset(of: LinePosition(line: r["start"]!["line"]!.intValue!, column: r["start"]!["character"]!.intValue!), encoding: encoding)
            let end = lines.offset(of: LinePosition(line: r["end"]!["line"]!.intValue!, column: r["end"]!["character"]!.intValue!), encoding: encoding)
            return (start..<end, edit["newText"]!.stringValue!)
        }
        for (range, newText) in ranges.sorted(by: { $0.0.lowerBound > $1.0.lowerBound }) {
            bytes.replaceSubrange(range, with: Array(newText.utf8))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    func actions(_ client: TestClient, _ range: JSONValue) throws -> [JSONValue] {
        try XCTUnwrap(client.request("textDocument/codeAction", ["textDocument": TestClient.document(uri), "range": range, "context": ["diagnostics": []]])?.arrayValue)
    }

    func testCodeActionsFixDisableAndAddMissingFacets() throws {
        let client = opened()
        let onWeak = try actions(client, TestClient.range(2, 0, 2, 6))
        let titles = onWeak.compactMap { $0["title"]?.stringValue }
        XCTAssertTrue(titles.contains("Remove \"Try to\""), "\(titles)")
        XCTAssertTrue(titles.contains("Disable weak-instruction here"), "\(titles)")
        XCTAssertTrue(titles.contains("Disable weak-instruction in this file"), "\(titles)")
        for title in ["Remove \"Try to\"", "Disable weak-instruction here", "Disable weak-instruction in this file"] {
            let action = try XCTUnwrap(onWeak.first { $0["title"]?.stringValue == title })
            XCTAssertEqual(action["kind"], "quickfix")
            XCTAssertEqual(action["diagnostics"]?[0]?["code"], "weak-instruction")
            let fixed = try apply(try XCTUnwrap(action["edit"]), to: sampleMessage)
            let rules = Analyzer.analyze(fixed).findings.map(\.rule)
            XCTAssertFalse(rules.contains("weak-instruction"), "\(title) leaves: \(fixed)")
            XCTAssertTrue(rules.contains("vague-quantifier"), "\(title) must not silence other rules")
        }

        let bare = "Answer questions about trains.\nKeep answers short.\nUse the timetable.\n"
        let missing = opened(bare)
        let all = try actions(missing, TestClient.range(0, 0, 3, 0))
        let add = try XCTUnwrap(all.first { $0["title"]?.stringValue == "Add a role sentence" })
        let withRole = try apply(try XCTUnwrap(add["edit"]), to: bare)
        XCTAssertTrue(withRole.hasPrefix("You are a ["), withRole)
        XCTAssertFalse(Analyzer.analyze(withRole).findings.contains { $0.rule == "missing-facet" && $0.message.contains("role") })
    }

    /// Inline after "- ", the comment joined the item's text and silenced nothing; before an
    /// unclosed tag (no unit) it silenced nothing either; and one rule's two findings on a unit gave two actions.
    func testEveryDisableHereActionSilencesItsFinding() throws {
        let text = "Answer questions about trains.\n\n- Give a few examples.\n- Try to be brief.\n<rules>\nBe kind.\n"
        let client = opened(text)
        let all = try actions(client, TestClient.range(0, 0, 6, 0))
        let here = all.filter { $0["title"]?.stringValue?.hasSuffix(" here") == true }
        let titles = here.compactMap { $0["title"]?.stringValue }
        for rule in ["vague-quantifier", "weak-instruction", "unbalanced-section", "missing-facet"] {
            XCTAssertEqual(titles.filter { $0 == "Disable \(rule) here" }.count, 1, "\(titles)")
        }
        for action in here {
            let rule = try XCTUnwrap(action["diagnostics"]?[0]?["code"]?.stringValue)
            let fixed = try apply(try XCTUnwrap(action["edit"]), to: text)
            let after = Analyzer.analyze(fixed)
            XCTAssertFalse(after.findings.contains { $0.rule == rule }, "\(rule) stays after: \(fixed)")
            XCTAssertEqual(after.document.units.filter { $0.kind == .listItem }.count, 2, "the items are still items: \(fixed)")
        }
    }

    /// A sentence starting mid-line after one that began on an earlier line got its comment on a
    /// line of its own above, cutting the earlier sentence in two: the comment silenced that one's
    /// second half, and the finding stayed.
    func testDisableHereAfterASentenceFromTheLineBefore() throws {
        let text = "  Hi, thank you for reaching out to us. I am here to\n  help you find the right attorney. Could you tell me\n  a little about what you are dealing with?\n"
        let client = opened(text)
        let all = try actions(client, TestClient.range(2, 2, 2, 10))
        let disable = try XCTUnwrap(all.first { $0["title"]?.stringValue == "Disable vague-quantifier here" }, "\(all)")
        let fixed = try apply(try XCTUnwrap(disable["edit"]), to: text)
        XCTAssertFalse(Analyzer.analyze(fixed).findings.contains { $0.rule == "vague-quantifier" }, fixed)
        XCTAssertEqual(Analyzer.analyze(fixed).document.units.count, Analyzer.analyze(text).document.units.count, fixed)
    }

    /// "Disable overlong here" put a comment above the first line, which became the first
    /// line the finding sits on: it silenced nothing. Only the file-wide action is offered.
    func testEveryDisableOverlongActionSilencesIt() throws {
        let text = "You are a bot that answers questions about trains.\n"
            + (1...600).map { "Station \($0) opens at dawn and closes at dusk.\n" }.joined()
        XCTAssertTrue(Analyzer.analyze(text).findings.contains { $0.rule == "overlong" })
        let client = opened(text)
        let all = try actions(client, TestClient.range(0, 0, 0, 10))
        let disable = all.filter { $0["title"]?.stringValue?.hasPrefix("Disable overlong") == true }
        XCTAssertEqual(disable.compactMap { $0["title"]?.stringValue }, ["Disable overlong in this file"])
        for action in disable {
            let fixed = try apply(try XCTUnwrap(action["edit"]), to: text)
            XCTAssertFalse(Analyzer.analyze(fixed).findings.contains { $0.rule == "overlong" }, "\(action["title"] ?? nil) leaves overlong")
        }
    }

    /// With a byte order mark, a finding from the very start of the text (overlong's) put the
    /// comment's line start after the finding's start: asking for code actions there crashed the server.
    func testCodeActionsOnAFindingBeforeAByteOrderMarksEnd() throws {
        let text = "\u{FEFF}---\ntitle: trains\n---\nYou are a bot that answers questions about trains.\n"
            + (1...600).map { "Station \($0) opens at dawn and closes at dusk.\n" }.joined()
        let client = opened(text)
        let all = try actions(client, TestClient.range(0, 0, 0, 1))
        let disable = try XCTUnwrap(all.first { $0["title"]?.stringValue == "Disable overlong in this file" }, "\(all)")
        let fixed = try apply(try XCTUnwrap(disable["edit"]), to: text)
        XCTAssertFalse(Analyzer.analyze(fixed).findings.contains { $0.rule == "overlong" }, fixed)
    }

    /// A finding outside any unit (an unclosed tag) after a unit on its line got an inline
    /// comment, which silences only the unit after it, so the finding stayed.
    func testDisableHereSilencesAnUnclosedTagAfterAUnitOnItsLine() throws {
        let text = "You are a bot.\n<b>Be brief.</b>\n</rules><rules>\nGive examples.\n"
        let client = opened(text)
        XCTAssertEqual(client.diagnostics(uri, version: 1)?.codes, ["unbalanced-section"])
        let all = try actions(client, TestClient.range(2, 8, 2, 15))
        let disable = try XCTUnwrap(all.first { $0["title"]?.stringValue == "Disable unbalanced-section here" })
        let fixed = try apply(try XCTUnwrap(disable["edit"]), to: text)
        XCTAssertFalse(Analyzer.analyze(fixed).findings.contains { $0.rule == "unbalanced-section" }, fixed)
    }

    /// Every edit inserted a bare LF: a mixed file in CRLF, and in CR-only text the line before was joined.
    func testEditsUseTheFilesLineBreaks() throws {
        for lineBreak in ["\r\n", "\r"] {
            let text = ["Answer questions about trains.", "", "Try to be brief.", "Give a few examples.", ""].joined(separator: lineBreak)
            let client = opened(text)
            let all = try actions(client, TestClient.range(0, 0, 4, 0))
            XCTAssertFalse(all.isEmpty)
            for action in all {
                let fixed = try apply(try XCTUnwrap(action["edit"]), to: text)
                let bytes = Array(fixed.utf8)
                func isBare(_ i: Int) -> Bool {
                    guard bytes[i] == 0x0A else { return false }
                    return lineBreak == "\r" || i == 0 || bytes[i - 1] != 0x0D
                }
                let bare = bytes.indices.contains(where: isBare)
                XCTAssertFalse(bare, "\(action["title"] ?? nil) put a bare LF into \(lineBreak.debugDescription) text: \(fixed.debugDescription)")
            }
        }
    }

    /// The fixes carried in a diagnostic's data inserted a bare LF where the same fix
    /// as a code action used the file's line breaks.
    func testDiagnosticDataFixesUseTheFilesLineBreaks() throws {
        for lineBreak in ["\r\n", "\r"] {
            let text = ["You are a bot.", "<rules>", "Be brief.", "Answer questions.", ""].joined(separator: lineBreak)
            let client = TestClient()
            client.initialize()
            client.open(uri, text)
            let diagnostics = try XCTUnwrap(client.diagnostics(uri, version: 1))
            let texts = diagnostics.flatMap { $0["data"]?["fixes"]?.arrayValue ?? [] }
                .flatMap { $0["edits"]?.arrayValue ?? [] }.compactMap { $0["newText"]?.stringValue }
            XCTAssertTrue(texts.contains { $0.hasPrefix("</rules>") }, "\(texts)")
            for newText in texts {
                XCTAssertEqual(newText.replacingOccurrences(of: "\r\n", with: "").replacingOccurrences(of: "\r", with: "").contains("\n"), false,
                               "a bare LF in \(lineBreak.debugDescription) text: \(newText.debugDescription)")
                XCTAssertTrue(lineBreak == "\r\n" || !newText.contains("\r\n"), newText.debugDescription)
            }
        }
    }

    /// A finding in the front matter (an unused variable) is silenced file-wide,
    /// below the front matter: a comment inside it would break its YAML.
    func testDisablingAFindingInTheFrontMatter() throws {
        let text = "---\nvariables: [company]\n---\nYou are a support assistant.\n"
        let client = opened(text)
        let onDeclaration = try actions(client, TestClient.range(1, 12, 1, 19))
        let titles = onDeclaration.compactMap { $0["title"]?.stringValue }
        XCTAssertFalse(titles.contains("Disable unused-variable here"), "\(titles)")
        let fileWide = try XCTUnwrap(onDeclaration.first { $0["title"]?.stringValue == "Disable unused-variable in this file" })
        let fixed = try apply(try XCTUnwrap(fileWide["edit"]), to: text)
        XCTAssertTrue(fixed.hasPrefix("---\nvariables: [company]\n---\n<!-- facet-disable-file unused-variable -->\n"), fixed)
        let rules = Analyzer.analyze(fixed).findings.map(\.rule)
        XCTAssertFalse(rules.contains("unused-variable") || rules.contains("invalid-front-matter"), "\(rules)")
    }

    /// In a CR-only file, a file-wide comment after front matter that ends the text came after a blank line.
    func testDisablingInAFileWhoseFrontMatterEndsTheText() throws {
        for lineBreak in ["\n", "\r\n", "\r"] {
            let text = ["---", "variables: [company]", "---", ""].joined(separator: lineBreak)
            let client = opened(text)
            let all = try actions(client, TestClient.range(1, 12, 1, 19))
            let fileWide = try XCTUnwrap(all.first { $0["title"]?.stringValue == "Disable unused-variable in this file" })
            let fixed = try apply(try XCTUnwrap(fileWide["edit"]), to: text)
            XCTAssertEqual(fixed, text + "<!-- facet-disable-file unused-variable -->" + lineBreak)
        }
    }

    /// Actions over the whole file came for every finding, published or not: 32,000 actions and 26 MB for one long line.
    func testCodeActionsOnlyForTheDiagnosticsShown() throws {
        let text = (0..<20).map { "Try to answer question \($0) here." }.joined(separator: "\n") + "\n"
        let client = opened(text, options: ["maxDiagnostics": 5])
        let all = try actions(client, TestClient.range(0, 0, 20, 0))
        let shown = try XCTUnwrap(client.request("textDocument/diagnostic", ["textDocument": TestClient.document(uri)])?["items"]?.arrayValue)
        let acted = Set(all.compactMap { $0["diagnostics"]?[0] })
        XCTAssertFalse(acted.isEmpty)
        XCTAssertTrue(acted.isSubset(of: Set(shown)), "every action is for a diagnostic the client was shown")
        XCTAssertEqual(acted.count, 5, "one for each finding shown")
    }

    /// Each edit searched the whole file for its line break, positions were counted
    /// again from the start of the line when a fix began before the end of its finding,
    /// and each "disable here" scanned every unit: on one long line, diagnostics and
    /// code actions took time quadratic in the findings (12 s in a debug build here).
    func testOneLongLineCostsNoMoreThanManyShortOnes() throws {
        let sentences = (0..<3000).map { "Try to answer question \($0) here." }
        // The server's own timings, without encoding and the test's decoding. The margin
        // is wide so a busy machine cannot fail it; the quadratic version took 12 s.
        func milliseconds(_ text: String) throws -> (diagnostics: Double, codeActions: Double) {
            let client = opened(text, options: ["maxDiagnostics": 100_000])
            let lines = LineIndex(bytes: Array(text.utf8)).lineCount
            let pulled = try XCTUnwrap(client.request("textDocument/diagnostic", ["textDocument": TestClient.document(uri)])?["items"]?.arrayValue)
            XCTAssertGreaterThanOrEqual(pulled.count, 3000)
            let id = client.start("textDocument/codeAction", ["textDocument": TestClient.document(uri), "range": TestClient.range(0, 0, lines, 0), "context": ["diagnostics": []]])
            XCTAssertGreaterThanOrEqual(try XCTUnwrap(client.response(id, timeout: 60)?["result"]?.arrayValue).count, 6000)
            func logged(_ request: String) throws -> Double {
                let line = try XCTUnwrap(client.logLines.last { $0.contains("\(request) ") && $0.hasSuffix(" ms\n") }, "\(client.logLines.suffix(3))")
                return try XCTUnwrap(Double(line.split(separator: " ").dropLast().last ?? ""))
            }
            return (try logged("DocumentDiagnosticParams"), try logged("CodeActionParams"))
        }
        let short = try milliseconds(sentences.joined(separator: "\n")), long = try milliseconds(sentences.joined(separator: " "))
        XCTAssertLessThan(long.diagnostics, 5 * short.diagnostics + 500, "one line \(long), many lines \(short)")
        XCTAssertLessThan(long.codeActions, 5 * short.codeActions + 500, "one line \(long), many lines \(short)")
    }

    func testCodeActionsRespectOnly() throws {
        let client = opened()
        let refactors = try XCTUnwrap(client.request("textDocument/codeAction", ["textDocument": TestClient.document(uri), "range": TestClient.range(2, 0, 2, 6),
                                                                                 "context": ["diagnostics": [], "only": ["refactor"]]])?.arrayValue)
        XCTAssertFalse(refactors.isEmpty, "the message lacks preference dimensions, so there are preferences to add")
        XCTAssertTrue(refactors.allSatisfy { $0["kind"] == "refactor" }, "\(refactors)")
        let fixes = try XCTUnwrap(client.request("textDocument/codeAction", ["textDocument": TestClient.document(uri), "range": TestClient.range(2, 0, 2, 6),
                                                                             "context": ["diagnostics": [], "only": ["quickfix"]]])?.arrayValue)
        XCTAssertTrue(fixes.allSatisfy { $0["kind"] == "quickfix" } && !fixes.isEmpty, "\(fixes)")
    }

    func testPullDiagnosticsWithResultIds() throws {
        let client = TestClient()
        client.initialize(capabilities: ["textDocument": ["diagnostic": ["dynamicRegistration": false]]])
        client.open(uri, sampleMessage)
        let first = try XCTUnwrap(client.request("textDocument/diagnostic", ["textDocument": TestClient.document(uri)]))
        XCTAssertEqual(first["kind"], "full")
        XCTAssertTrue(first["items"]?.arrayValue?.codes.contains("weak-instruction") == true)
        let resultId = try XCTUnwrap(first["resultId"])
        let again = try XCTUnwrap(client.request("textDocument/diagnostic", ["textDocument": TestClient.document(uri), "previousResultId": resultId]))
        XCTAssertEqual(again["kind"], "unchanged")
        XCTAssertEqual(again["resultId"], resultId)
        client.change(uri, version: 2, [["text": "You are a poet."]])
        let changed = try XCTUnwrap(client.request("textDocument/diagnostic", ["textDocument": TestClient.document(uri), "previousResultId": resultId]))
        XCTAssertEqual(changed["kind"], "full")
        XCTAssertTrue(client.published(uri).isEmpty, "a client that pulls is not pushed to")
    }

    func testHugeDocumentsAreKeptButNotAnalysed() throws {
        var options = TestClient.quickOptions
        options.maxAnalysedBytes = 1000
        let client = TestClient(options: options)
        client.initialize()
        client.open(uri, String(repeating: "Try to be brief. ", count: 200))
        let diagnostics = try XCTUnwrap(client.diagnostics(uri, version: 1))
        XCTAssertEqual(diagnostics.codes, ["too-large"])
        client.change(uri, version: 2, [["text": "Try to be brief."]])
        XCTAssertEqual(try XCTUnwrap(client.diagnostics(uri, version: 2)).codes, ["weak-instruction"])
    }
}

extension FeatureTests {
    func testHoverIsPlainTextForClientsWithoutMarkdown() throws {
        let client = opened(capabilities: ["textDocument": ["hover": ["contentFormat": ["plaintext"]]]])
        let hover = try XCTUnwrap(client.request("textDocument/hover", ["textDocument": TestClient.document(uri), "position": TestClient.position(1, 5)]))
        XCTAssertEqual(hover["contents"]?["kind"], "plaintext")
        let text = try XCTUnwrap(hover["contents"]?["value"]?.stringValue)
        XCTAssertTrue(text.contains("Facet: this sentence is role"), text)
        XCTAssertFalse(text.contains("**"), text)
    }
}

extension FeatureTests {
    /// Regression: a reopened document restarts at version 1; its pull result id must still differ.
    func testAReopenedDocumentIsNotReportedUnchanged() throws {
        let client = TestClient()
        client.initialize(capabilities: ["textDocument": ["diagnostic": [:]]])
        client.open(uri, "Try to help.\n")
        let first = try XCTUnwrap(client.request("textDocument/diagnostic", ["textDocument": TestClient.document(uri)]))
        client.notify("textDocument/didClose", ["textDocument": TestClient.document(uri)])
        client.open(uri, "Help the user.\n")
        let second = try XCTUnwrap(client.request("textDocument/diagnostic", ["textDocument": TestClient.document(uri), "previousResultId": first["resultId"]!]))
        XCTAssertEqual(second["kind"], "full")
        XCTAssertEqual(second["items"], [])
    }

    /// Regression: the cursor just after the flagged words still offers the fix.
    func testCodeActionsAtTheEndOfAFinding() throws {
        let client = opened("You are a bot.\nTry to help.\n")
        let titles = try actions(client, TestClient.range(1, 6, 1, 6)).compactMap { $0["title"]?.stringValue }
        XCTAssertTrue(titles.contains("Remove \"Try to\""), "\(titles)")
    }

    func testSettingsChangeAsksPullClientsToRefresh() throws {
        let client = TestClient()
        client.initialize(capabilities: ["textDocument": ["diagnostic": [:]], "workspace": ["diagnostics": ["refreshSupport": true]]])
        client.open(uri, sampleMessage)
        client.notify("workspace/didChangeConfiguration", ["settings": ["facet": ["rules": ["vague-quantifier": "off"]]]])
        XCTAssertNotNil(client.output.wait { $0["method"] == "workspace/diagnostic/refresh" })
    }

    /// Turning inlay hints on (or changing the compared endpoints a lens names) showed
    /// nothing until the next edit: the client was never told to ask again.
    func testSettingsChangeAsksClientsToRefreshInlayHintsAndCodeLenses() throws {
        let client = TestClient()
        client.initialize(capabilities: ["workspace": ["inlayHint": ["refreshSupport": true], "codeLens": ["refreshSupport": true]]])
        client.open(uri, sampleMessage)
        XCTAssertNotNil(client.diagnostics(uri, version: 1))
        client.notify("workspace/didChangeConfiguration", ["settings": ["facet": ["inlayHints": true]]])
        XCTAssertNotNil(client.output.wait { $0["method"] == "workspace/inlayHint/refresh" })
        XCTAssertNotNil(client.output.wait { $0["method"] == "workspace/codeLens/refresh" })

        let plain = TestClient()
        plain.initialize()
        plain.open(uri, sampleMessage)
        plain.notify("workspace/didChangeConfiguration", ["settings": ["facet": ["inlayHints": true]]])
        XCTAssertNotNil(plain.output.wait { $0["method"] == "textDocument/publishDiagnostics" && $0["params"]?["version"] == 1 })
        XCTAssertNil(plain.output.wait(timeout: 0.5) { $0["method"]?.stringValue?.hasSuffix("/refresh") == true }, "a client that cannot refresh is not asked to")
    }
}
