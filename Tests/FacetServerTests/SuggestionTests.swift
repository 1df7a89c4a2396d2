import FacetCore
import Foundation
import XCTest
@testable import FacetServer
import JSONRPC

final class SuggestionTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("facet-suggest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent(".facet/collection"), withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    var uri: String { folder.appendingPathComponent("tutor.system.md").absoluteString }
    /// A message with a role, a task and a style, but nothing about safety, privacy or accuracy.
    let message = "You are a Python tutor for high-school students.\nExplain each concept with a short code example.\nKeep a friendly tone.\n\n"

    /// A client that has opened `text` (the sample message by default).
    func opened(_ text: String? = nil, capabilities: JSONValue = [:]) -> TestClient {
        let client = TestClient()
        client.initialize(capabilities: capabilities)
        client.open(uri, text ?? message)
        return client
    }

    /// Whether completion offers anything at each (line, character), as expected.
    func expectOffers(_ client: TestClient, _ cases: [(line: Int, character: Int, offered: Bool, place: String)],
                      file: StaticString = #filePath, line: UInt = #line) {
        for place in cases {
            XCTAssertEqual(!completion(client, line: place.line, character: place.character).isEmpty, place.offered, place.place,
                           file: file, line: line)
        }
    }

    func completion(_ client: TestClient, line: Int, character: Int) -> [JSONValue] {
        client.request("textDocument/completion", ["textDocument": TestClient.document(uri), "position": TestClient.position(line, character)])?["items"]?.arrayValue ?? []
    }

    func testCompletionOnAnEmptyLineOffersMissingPreferences() throws {
        let client = opened()
        let items = completion(client, line: 4, character: 0)
        XCTAssertGreaterThanOrEqual(items.count, 5)
        let first = try XCTUnwrap(items.first)
        let detail = try XCTUnwrap(first["detail"]?.stringValue)
        XCTAssertTrue(detail.contains("/") && detail.contains("facet-default"), detail)
        XCTAssertEqual(first["insertText"], first["documentation"]?["value"]?.stringValue.map { .string(String($0.split(separator: "\n")[0])) })
        XCTAssertTrue(items.prefix(10).contains { $0["detail"]?.stringValue?.hasPrefix("harmlessness/") == true },
                      "the message has no harmlessness preference: \(items.compactMap { $0["detail"]?.stringValue })")
        XCTAssertTrue(completion(client, line: 1, character: 10).isEmpty, "mid-sentence: no preferences")
    }

    func testCompletionAfterAHeadingAndOnAListMarker() throws {
        let client = opened("## Rules\nSaf\n- \n")
        XCTAssertFalse(completion(client, line: 1, character: 3).isEmpty, "the line after a heading")
        XCTAssertFalse(completion(client, line: 2, character: 2).isEmpty, "after a list marker")
    }

    /// Right after "-" or "1." with no space, accepting gave "-Keep answers short.", which is no list item.
    func testCompletionRightAfterAListMarkerInsertsTheSpaceAListItemNeeds() throws {
        let client = opened("You are a support agent.\n## Rules\n-\n1.\n- \n")
        for (line, character, prefix) in [(2, 1, " "), (3, 2, " "), (4, 2, "")] {
            let items = completion(client, line: line, character: character)
            XCTAssertFalse(items.isEmpty, "line \(line)")
            for item in items {
                let text = try XCTUnwrap(item["insertText"]?.stringValue)
                XCTAssertTrue(text.hasPrefix(prefix) && !text.hasPrefix(prefix + " "), "line \(line): \(text.debugDescription)")
            }
        }
    }

    /// Accepting glued a sentence onto the line: "...agent.## Task", "...agent.Answer billing questions."
    func testNoCompletionBeforeTextOnTheLine() throws {
        let client = opened("You are a support agent.\n## Task\n- Answer billing questions.\nBe brief.\n")
        expectOffers(client, [(1, 0, false, "before a heading"), (2, 2, false, "after a list marker, before its text"),
                              (3, 0, false, "before a sentence"), (4, 0, true, "the empty last line")])
    }

    /// The documentation was Markdown whatever the client said it shows.
    func testCompletionDocumentationIsPlainTextForClientsWithoutMarkdown() throws {
        let client = opened(capabilities: ["textDocument": ["completion": ["completionItem": ["documentationFormat": ["plaintext"]]]]])
        let items = completion(client, line: 4, character: 0)
        XCTAssertFalse(items.isEmpty)
        for item in items {
            XCTAssertEqual(item["documentation"]?["kind"], "plaintext")
            XCTAssertFalse(item["documentation"]?["value"]?.stringValue?.contains("*Why:*") ?? true, "\(item)")
        }
        XCTAssertTrue(items.contains { $0["documentation"]?["value"]?.stringValue?.contains("\n\nWhy: ") == true })
        let markdown = opened(capabilities: ["textDocument": ["completion": ["completionItem": ["documentationFormat": ["markdown", "plaintext"]]]]])
        XCTAssertEqual(completion(markdown, line: 4, character: 0).first?["documentation"]?["kind"], "markdown")
    }

    /// A preference accepted in front matter broke the YAML; in code or a comment it is no instruction.
    func testNoCompletionInFrontMatterCodeBlocksOrComments() throws {
        let client = opened("---\nvariables: [a]\n\ncases:\n  - user: hi\n---\nYou are a bot {{a}}.\n\n```python\n\n```\n<!--\n\n-->\n\n")
        expectOffers(client, [(2, 0, false, "front matter"), (0, 0, false, "front matter, before its first line"),
                              (9, 0, false, "code block"), (12, 0, false, "comment"),
                              (7, 0, true, "the prose between"), (14, 0, true, "after the comment")])
        // Left open, a fence or comment holds the rest of the text, its end included.
        client.open(uri, "You are a bot.\n\n```\nprint(1)\n")
        XCTAssertTrue(completion(client, line: 4, character: 0).isEmpty, "an unclosed code block")
        XCTAssertFalse(completion(client, line: 1, character: 0).isEmpty, "before it")
        client.open(uri, "You are a bot.\n\n```\nprint(1)\n```\n")
        XCTAssertFalse(completion(client, line: 5, character: 0).isEmpty, "after a closed code block at the end")
        client.open(uri, "You are a bot.\n<!-- note\n")
        XCTAssertTrue(completion(client, line: 2, character: 0).isEmpty, "an unclosed comment")
    }

    /// In a CRLF or CR file the closing fence was not found, so a code block at
    /// the end held the empty last line and completion offered nothing there.
    func testCompletionAfterAClosedCodeBlockAtTheEndOfACRLFOrCRFile() throws {
        for lineBreak in ["\r\n", "\r"] {
            let client = opened(["You are a bot.", "", "```", "print(1)", "```", ""].joined(separator: lineBreak))
            XCTAssertFalse(completion(client, line: 5, character: 0).isEmpty, "after a closed code block, \(lineBreak.debugDescription)")
            client.open(uri, ["You are a bot.", "", "```", "print(1)", ""].joined(separator: lineBreak))
            XCTAssertTrue(completion(client, line: 4, character: 0).isEmpty, "in an unclosed code block, \(lineBreak.debugDescription)")
        }
    }

    func testAddPreferenceCodeActionAndHover() throws {
        let client = opened()
        let actions = try XCTUnwrap(client.request("textDocument/codeAction", ["textDocument": TestClient.document(uri), "range": TestClient.range(0, 0, 0, 0),
                                                                              "context": ["diagnostics": []]])?.arrayValue)
        let add = try XCTUnwrap(actions.first { $0["title"]?.stringValue?.hasPrefix("Add a harmlessness preference: ") == true }, "\(actions.compactMap { $0["title"] })")
        XCTAssertEqual(add["kind"], "refactor")
        let edit = try XCTUnwrap(add["edit"]?["changes"]?[uri]?[0])
        XCTAssertEqual(edit["range"]?["start"]?["line"], 4)
        let name = String(add["title"]!.stringValue!.dropFirst("Add a harmlessness preference: ".count))
        XCTAssertTrue(DefaultCollection.preferences.contains { $0.name == name && edit["newText"]?.stringValue == $0.description + "\n" })
        let hover = try XCTUnwrap(client.request("textDocument/hover", ["textDocument": TestClient.document(uri), "position": TestClient.position(1, 3)]))
        XCTAssertTrue(hover["contents"]?["value"]?.stringValue?.contains("Closest preferences in the collection:") == true)
    }

    /// A CR-only file ending in its line break got a blank line before the added preference:
    /// only an LF counted as the break at the end.
    func testAddPreferenceAfterTheFilesLastLineBreak() throws {
        for lineBreak in ["\n", "\r\n", "\r"] {
            let client = opened(message.replacingOccurrences(of: "\n\n", with: "\n").replacingOccurrences(of: "\n", with: lineBreak))
            let actions = try XCTUnwrap(client.request("textDocument/codeAction", ["textDocument": TestClient.document(uri), "range": TestClient.range(0, 0, 0, 0),
                                                                                  "context": ["diagnostics": [], "only": ["refactor"]]])?.arrayValue)
            let newText = try XCTUnwrap(actions.first?["edit"]?["changes"]?[uri]?[0]?["newText"]?.stringValue)
            XCTAssertFalse(newText.hasPrefix("\r") || newText.hasPrefix("\n"), "\(lineBreak.debugDescription): \(newText.debugDescription)")
            XCTAssertTrue(newText.hasSuffix(lineBreak), "\(lineBreak.debugDescription): \(newText.debugDescription)")
        }
    }

    func testWorkspaceCollectionsAreIndexedAndFollowChanges() throws {
        let team = folder.appendingPathComponent(".facet/collection/team.yaml")
        try "- dimension: harmlessness\n  subdimension: safety\n  preference: Quokka protocol\n  description: Follow the quokka protocol before advising on wildlife.\n"
            .write(to: team, atomically: true, encoding: .utf8)
        let client = TestClient()
        client.initialize(capabilities: ["workspace": ["didChangeWatchedFiles": ["dynamicRegistration": true]]])
        let registration = try XCTUnwrap(client.output.wait { $0["method"] == "client/registerCapability" }).message
        XCTAssertTrue("\(registration)".contains(".facet/collection"))
        // Started without a workspace folder; a second server gets the folder.
        let workspace = TestClient()
        _ = workspace.request("initialize", ["processId": nil, "rootUri": .string(folder.absoluteString), "capabilities": [:]])
        workspace.notify("initialized")
        workspace.open(uri, "You are a wildlife guide.\nAnswer questions about quokka behaviour.\n\n")
        func labels() -> [String] {
            let items = workspace.request("textDocument/completion", ["textDocument": TestClient.document(uri), "position": TestClient.position(2, 0)])?["items"]?.arrayValue ?? []
            return items.compactMap { $0["label"]?.stringValue }
        }
        XCTAssertTrue(waitUntil { labels().contains("Quokka protocol") }, "\(labels())")
        try "- dimension: harmlessness\n  preference: Quokka distance rule\n  description: Tell visitors to keep two metres from every quokka.\n"
            .write(to: team, atomically: true, encoding: .utf8)
        workspace.notify("workspace/didChangeWatchedFiles", ["changes": [["uri": .string(team.absoluteString), "type": 2]]])
        XCTAssertTrue(waitUntil { let l = labels(); return l.contains("Quokka distance rule") && !l.contains("Quokka protocol") }, "\(labels())")
        try FileManager.default.removeItem(at: team)
        workspace.notify("workspace/didChangeWatchedFiles", ["changes": [["uri": .string(team.absoluteString), "type": 3]]])
        XCTAssertTrue(waitUntil { !labels().contains("Quokka distance rule") }, "\(labels())")
    }

    func testACorruptIndexFallsBackToTheEmbeddedCollection() throws {
        let corrupt = folder.appendingPathComponent("corrupt.sqlite")
        try String(repeating: "garbage ", count: 1000).write(to: corrupt, atomically: true, encoding: .utf8)
        var options = TestClient.quickOptions
        options.indexPath = corrupt.path
        let client = TestClient(options: options)
        client.initialize()
        client.open(uri, message)
        XCTAssertFalse(completion(client, line: 4, character: 0).isEmpty, "suggestions still come, from the embedded collection")
        XCTAssertNotNil(client.output.wait { $0["method"] == "window/logMessage" && $0["params"]?["message"]?.stringValue?.contains("not an SQLite database, so not an index") == true })
        XCTAssertEqual(try String(contentsOf: corrupt, encoding: .utf8).prefix(7), "garbage", "the file is not touched")
    }

    /// A running server keeps its index from `facet index reset`: deleted under it,
    /// the workspace collections it imports went into a file no longer there.
    func testResetLeavesTheIndexOfARunningServerAlone() throws {
        var options = TestClient.quickOptions
        let index = folder.appendingPathComponent("served.sqlite").path
        options.indexPath = index
        let client = TestClient(options: options)
        client.initialize()
        client.open(uri, message)
        XCTAssertFalse(completion(client, line: 4, character: 0).isEmpty, "the index is open")
        let (status, _, error) = try runFacet(["index", "reset", "--index", index])
        XCTAssertEqual(status, 2, error)
        XCTAssertTrue(error.contains("serving an editor from it; nothing was deleted"), error)
        XCTAssertTrue(FileManager.default.fileExists(atPath: index))
        XCTAssertFalse(completion(client, line: 4, character: 0).isEmpty, "and still serves")
    }

    func testSimilarMessagesCommand() throws {
        let rows = folder.appendingPathComponent(".facet/collection/rows.jsonl")
        try #"{"preference_set":[{"dimension":"style","subdimension":"tone","preference":"Patient","description":"Be patient with beginners."}],"system":"You are a patient Python tutor who explains loops to teenagers."}"#
            .write(to: rows, atomically: true, encoding: .utf8)
        let client = TestClient()
        _ = client.request("initialize", ["processId": nil, "rootUri": .string(folder.absoluteString), "capabilities": [:]])
        client.notify("initialized")
        client.open(uri, message)
        XCTAssertTrue(waitUntil {
            let result = client.request("workspace/executeCommand", ["command": "facet.similarMessages", "arguments": [.string(self.uri)]])
            return result?[0]?["text"]?.stringValue?.contains("explains loops") == true
        })
    }

    func waitUntil(timeout: TimeInterval = 10, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            usleep(50_000)
        }
        return false
    }
}
