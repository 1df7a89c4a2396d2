import Foundation
import XCTest
@testable import FacetServer
import JSONRPC

final class DocumentSyncTests: XCTestCase {
    let uri = "file:///tmp/facet-tests/sample.system.md"

    func text(_ client: TestClient) -> String? {
        client.server.queue.sync { client.server.documents[uri].map { String(decoding: $0.source.bytes, as: UTF8.self) } }
    }

    func testOpenPublishesFindingsWithRuleCodes() throws {
        let client = TestClient()
        client.initialize()
        client.open(uri, sampleMessage)
        let diagnostics = try XCTUnwrap(client.diagnostics(uri, version: 1))
        XCTAssertTrue(diagnostics.codes.contains("weak-instruction"), "\(diagnostics.codes)")
        XCTAssertTrue(diagnostics.codes.contains("vague-quantifier"), "\(diagnostics.codes)")
        let weak = try XCTUnwrap(diagnostics.first { $0["code"] == "weak-instruction" })
        XCTAssertEqual(weak["range"]?["start"]?["line"], 2)
        XCTAssertEqual(weak["source"], "facet")
        XCTAssertEqual(weak["codeDescription"]?["href"]?.stringValue?.hasSuffix("#weak-instruction"), true)
        XCTAssertNotNil(weak["data"]?["fixes"]?[0]?["edits"], "fix edits travel in data")
    }

    func testIncrementalChangesInUTF16() throws {
        let client = TestClient()
        client.initialize()
        client.open(uri, "👍🏽 héllo\nsecond line\n")
        // Insert after the emoji (two surrogate pairs = 4 UTF-16 units) and replace "second".
        client.change(uri, version: 2, [["range": TestClient.range(0, 4, 0, 4), "text": "!"],
                                        ["range": TestClient.range(1, 0, 1, 6), "text": "2nd"]])
        XCTAssertNotNil(client.diagnostics(uri, version: 2))
        XCTAssertEqual(text(client), "👍🏽! héllo\n2nd line\n")
        client.change(uri, version: 3, [["text": "whole new text"]])
        XCTAssertNotNil(client.diagnostics(uri, version: 3))
        XCTAssertEqual(text(client), "whole new text")
    }

    /// A client that diffs UTF-16 text turns "😀" into "😁" by replacing the
    /// low surrogate alone, a lone surrogate in JSON. The pair cannot be kept,
    /// but the columns must: before, the whole emoji went and every later
    /// edit on the line landed one unit early.
    func testAnEditInsideASurrogatePairKeepsTheColumnsInStep() throws {
        let client = TestClient()
        client.initialize()
        client.open(uri, "a😀b\n")
        XCTAssertNotNil(client.diagnostics(uri, version: 1))
        client.sendRaw(Array(OutgoingMessage.frame(Data(#"{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"\#(uri)","version":2},"contentChanges":[{"range":{"start":{"line":0,"character":2},"end":{"line":0,"character":3}},"text":"\ude01"}]}}"#.utf8))))
        XCTAssertNotNil(client.diagnostics(uri, version: 2))
        XCTAssertEqual(text(client), "a\u{FFFD}\u{FFFD}b\n", "two units, as in the client")
        // "b" is still at column 3 for both sides.
        client.change(uri, version: 3, [["range": TestClient.range(0, 3, 0, 4), "text": "c"]])
        XCTAssertNotNil(client.diagnostics(uri, version: 3))
        XCTAssertEqual(text(client), "a\u{FFFD}\u{FFFD}c\n")
        // An insertion between the halves, and an edit ending inside a pair.
        client.change(uri, version: 4, [["text": "x👍y"], ["range": TestClient.range(0, 2, 0, 2), "text": "-"]])
        XCTAssertNotNil(client.diagnostics(uri, version: 4))
        XCTAssertEqual(text(client), "x\u{FFFD}-\u{FFFD}y")
        client.change(uri, version: 5, [["text": "x👍y"], ["range": TestClient.range(0, 0, 0, 2), "text": ""]])
        XCTAssertNotNil(client.diagnostics(uri, version: 5))
        XCTAssertEqual(text(client), "\u{FFFD}y")
    }

    func testIncrementalChangesInUTF8() throws {
        let client = TestClient()
        client.initialize(capabilities: ["general": ["positionEncodings": ["utf-8"]]])
        client.open(uri, "日本 x\n")
        client.change(uri, version: 2, [["range": TestClient.range(0, 6, 0, 7), "text": "語"]])
        XCTAssertNotNil(client.diagnostics(uri, version: 2))
        XCTAssertEqual(text(client), "日本語x\n")
    }

    /// LSP: a character past its line's end stands for the end of the line; a
    /// line past the last, for the end of the document (as editors read it); a
    /// range given end first is read start first. Rejecting these left the
    /// server's copy behind the editor's for every later edit.
    func testEditsPastTheEndAreClampedAsTheSpecSays() throws {
        let client = TestClient()
        client.initialize()
        client.open(uri, "line one\nline two\n")
        XCTAssertNotNil(client.diagnostics(uri, version: 1))
        client.change(uri, version: 2, [["range": TestClient.range(0, 50, 0, 51), "text": "!"]])
        XCTAssertEqual(text(client), "line one!\nline two\n")
        client.change(uri, version: 3, [["range": TestClient.range(1, 0, 7, 0), "text": "end\n"]])
        XCTAssertEqual(text(client), "line one!\nend\n")
        client.change(uri, version: 4, [["range": TestClient.range(0, 4, 0, 0), "text": "L"]])
        XCTAssertEqual(text(client), "L one!\nend\n")
        client.change(uri, version: 5, [["range": TestClient.range(0, Int(Int32.max), 0, Int(Int32.max)), "text": "?"]])
        XCTAssertEqual(text(client), "L one!?\nend\n")
        XCTAssertEqual(client.server.queue.sync { client.server.documents[uri]?.version }, 5)
    }

    func testMalformedEditsAreRejectedWholeAndLogged() throws {
        let client = TestClient()
        client.initialize()
        client.open(uri, "line one\nline two\n")
        XCTAssertNotNil(client.diagnostics(uri, version: 1))
        // The first change is fine, the second has a negative position: neither may apply.
        client.change(uri, version: 2, [["range": TestClient.range(0, 0, 0, 4), "text": "LINE"],
                                        ["range": TestClient.range(0, -1, 0, 1), "text": "x"]])
        client.change(uri, version: 3, [["range": ["start": ["line": "zero"]], "text": "x"]])
        XCTAssertNotNil(client.output.wait { $0["method"] == "window/logMessage" && $0["params"]?["message"]?.stringValue?.contains("contentChanges[1].range.start.character: must be 0 or more") == true })
        XCTAssertNotNil(client.output.wait { $0["params"]?["message"]?.stringValue?.contains("invalid params") == true })
        XCTAssertEqual(text(client), "line one\nline two\n")
        XCTAssertEqual(client.server.queue.sync { client.server.documents[uri]?.version }, 1)
    }

    /// Results go by the text, not the client's version number, which a client may repeat or lower.
    func testAChangeThatRepeatsOrLowersTheVersionGivesFreshResults() throws {
        let client = TestClient()
        client.initialize()
        let document = TestClient.document(uri)
        func headings() -> [String] {
            client.request("textDocument/documentSymbol", ["textDocument": document])?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        }
        func pull(_ previous: String?) -> JSONValue? {
            client.request("textDocument/diagnostic", ["textDocument": document, "previousResultId": previous.map { .string($0) } ?? nil])
        }
        client.open(uri, "# Alpha\n\nYou are a bot.\n", version: 1)
        XCTAssertEqual(headings(), ["Alpha"])
        let first = try XCTUnwrap(pull(nil)?["resultId"]?.stringValue)
        client.change(uri, version: 1, [["text": "# Beta\n\nTry to answer in a few words.\n"]])
        XCTAssertEqual(headings(), ["Beta"])
        let changed = pull(first)
        XCTAssertEqual(changed?["kind"], "full", "the text changed, so the earlier result id is stale")
        XCTAssertTrue(changed?["items"]?.arrayValue?.codes.contains("weak-instruction") == true, "\(String(describing: changed))")
        client.change(uri, version: 2, [["text": "# Gamma\n"]])
        client.change(uri, version: 1, [["text": "# Delta\n"]])
        XCTAssertEqual(headings(), ["Delta"])
    }

    func testNotificationsForUnopenedDocumentsAreIgnored() {
        let client = TestClient()
        client.initialize()
        client.change("file:///never-opened.md", version: 2, [["text": "x"]])
        client.notify("textDocument/didClose", ["textDocument": TestClient.document("file:///never-opened.md")])
        client.notify("textDocument/didSave", ["textDocument": TestClient.document("file:///never-opened.md")])
        XCTAssertEqual(client.request("shutdown"), JSONValue.null)
        XCTAssertTrue(client.logLines.contains { $0.contains("ignored didChange for file:///never-opened.md") })
        XCTAssertTrue(client.published("file:///never-opened.md").isEmpty)
    }

    func testCloseClearsDiagnostics() throws {
        let client = TestClient()
        client.initialize()
        client.open(uri, sampleMessage)
        XCTAssertNotNil(client.diagnostics(uri, version: 1))
        client.notify("textDocument/didClose", ["textDocument": TestClient.document(uri)])
        let cleared = client.output.wait { $0["method"] == "textDocument/publishDiagnostics" && $0["params"]?["diagnostics"] == [] }
        XCTAssertNotNil(cleared)
    }
}
