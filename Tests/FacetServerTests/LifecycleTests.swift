import Foundation
import XCTest
@testable import FacetServer
import JSONRPC

final class LifecycleTests: XCTestCase {
    func testRequestsBeforeInitializeAreRefused() {
        let client = TestClient()
        let id = client.start("textDocument/hover", ["textDocument": TestClient.document("file:///a.system.md"), "position": TestClient.position(0, 0)])
        XCTAssertEqual(client.response(id)?["error"]?["code"], -32002)
        client.open("file:///a.system.md", sampleMessage)  // ignored: not initialized
        client.initialize()
        let hover = client.start("textDocument/hover", ["textDocument": TestClient.document("file:///a.system.md"), "position": TestClient.position(1, 3)])
        XCTAssertEqual(client.response(hover)?["error"]?["code"], -32602, "the didOpen before initialize must have been ignored")
    }

    func testInitializeAdvertisesWhatTheServerDoes() throws {
        let client = TestClient()
        let result = try XCTUnwrap(client.initialize())
        let capabilities = try XCTUnwrap(result["capabilities"])
        XCTAssertEqual(capabilities["positionEncoding"], "utf-16")
        XCTAssertEqual(capabilities["textDocumentSync"]?["change"], 2)
        XCTAssertEqual(capabilities["hoverProvider"], true)
        XCTAssertEqual(capabilities["semanticTokensProvider"]?["legend"]?["tokenTypes"],
                       ["role", "task", "background", "format", "style", "tool", "guardrail", "variable"])
        XCTAssertEqual(capabilities["executeCommandProvider"]?["commands"], ["facet.showCoverage", "facet.similarMessages", "facet.preview", "facet.evaluate"])
        XCTAssertEqual(result["serverInfo"]?["name"], "facet")
        // Every advertised request has a handler.
        for (key, method) in [("hoverProvider", "textDocument/hover"), ("completionProvider", "textDocument/completion"), ("codeActionProvider", "textDocument/codeAction"),
                              ("codeLensProvider", "textDocument/codeLens"), ("documentSymbolProvider", "textDocument/documentSymbol"),
                              ("foldingRangeProvider", "textDocument/foldingRange"), ("inlayHintProvider", "textDocument/inlayHint"),
                              ("diagnosticProvider", "textDocument/diagnostic"), ("executeCommandProvider", "workspace/executeCommand")] {
            XCTAssertNotNil(capabilities[key], key)
            XCTAssertNotNil(LanguageServer.requestHandlers[method], method)
        }
        let again = client.start("initialize", ["capabilities": [:]])
        XCTAssertEqual(client.response(again)?["error"]?["code"], -32600)
    }

    func testUTF8IsChosenWhenOffered() {
        let client = TestClient()
        let result = client.initialize(capabilities: ["general": ["positionEncodings": ["utf-32", "utf-8", "utf-16"]]])
        XCTAssertEqual(result?["capabilities"]?["positionEncoding"], "utf-8")
    }

    func testShutdownThenExitGivesZero() {
        let client = TestClient()
        client.initialize()
        XCTAssertEqual(client.request("shutdown"), JSONValue.null)
        let late = client.start("textDocument/codeLens", ["textDocument": TestClient.document("file:///a")])
        XCTAssertEqual(client.response(late)?["error"]?["code"], -32600)
        client.notify("exit")
        XCTAssertEqual(client.exitCode(), 0)
    }

    func testExitWithoutShutdownGivesOne() {
        let client = TestClient()
        client.initialize()
        client.notify("exit")
        XCTAssertEqual(client.exitCode(), 1)
    }

    func testEndOfInputExits() {
        let client = TestClient()
        client.initialize()
        client.server.endOfInput()
        XCTAssertEqual(client.exitCode(), 1)
        let polite = TestClient()
        polite.initialize()
        _ = polite.request("shutdown")
        polite.server.endOfInput()
        XCTAssertEqual(polite.exitCode(), 0)
    }

    func testUnknownMethodsAndBadParams() {
        let client = TestClient()
        client.initialize()
        let unknown = client.start("textDocument/frobnicate")
        XCTAssertEqual(client.response(unknown)?["error"]?["code"], -32601)
        let bad = client.start("textDocument/hover", ["textDocument": 42])
        let error = client.response(bad)?["error"]
        XCTAssertEqual(error?["code"], -32602)
        XCTAssertTrue(error?["message"]?.stringValue?.contains("params.textDocument") == true, "\(String(describing: error))")
        client.notify("unknown/notification")
        let notOpen = client.start("textDocument/codeLens", ["textDocument": TestClient.document("file:///nope")])
        XCTAssertEqual(client.response(notOpen)?["error"]?["code"], -32602)
        XCTAssertEqual(client.request("shutdown"), JSONValue.null, "the server still answers")
    }

    /// Responses are never answered, not even malformed ones: the client would get an answer to a request it never made.
    func testMalformedResponsesFromTheClientAreOnlyLogged() {
        let client = TestClient()
        client.initialize()
        let before = client.output.snapshot.count
        for body in [#"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}"#,
                     #"{"jsonrpc":"2.0","result":null}"#, #"{"id":5,"result":null}"#] {
            client.sendRaw(Array(OutgoingMessage.frame(Data(body.utf8))))
        }
        XCTAssertEqual(client.request("shutdown"), JSONValue.null)
        let sent = client.output.snapshot.dropFirst(before).filter { $0["error"] != nil }
        XCTAssertEqual(sent, [], "nothing but the shutdown answer")
        XCTAssertTrue(client.logLines.contains { $0.contains("Parse error") }, "\(client.logLines)")
    }

    /// `initialize` took any trace value and then traced, while `$/setTrace` refused the same value.
    func testAnUnknownTraceValueInInitializeIsOff() {
        let client = TestClient()
        let result = client.request("initialize", ["processId": nil, "rootUri": nil, "capabilities": [:], "trace": "loud"])
        XCTAssertNotNil(result?["capabilities"], "initialize still succeeds")
        client.notify("initialized")
        _ = client.request("shutdown")
        XCTAssertNil(client.output.wait(timeout: 0.5) { $0["method"] == "$/logTrace" })
        XCTAssertTrue(client.logLines.contains { $0.contains("trace must be off, messages or verbose, not loud") }, "\(client.logLines)")
    }

    func testTraceSendsLogTrace() {
        let client = TestClient()
        client.initialize()
        client.notify("$/setTrace", ["value": "messages"])
        _ = client.request("shutdown")
        let trace = client.output.wait { $0["method"] == "$/logTrace" }
        XCTAssertEqual(trace?.message["params"]?["message"]?.stringValue?.contains("shutdown"), true)
    }
}
