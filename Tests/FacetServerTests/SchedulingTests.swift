import Foundation
import XCTest
@testable import FacetServer
import JSONRPC

final class SchedulingTests: XCTestCase {
    let uri = "file:///tmp/facet-tests/sched.system.md"

    func slowClient(latency: Int) -> TestClient {
        var options = TestClient.quickOptions
        options.simulatedLatency = latency
        return TestClient(options: options)
    }

    func testCancelAnswersRequestCancelledAtOnce() {
        let client = slowClient(latency: 3000)
        client.initialize()
        client.open(uri, sampleMessage)
        let started = Date()
        let id = client.start("textDocument/hover", ["textDocument": TestClient.document(uri), "position": TestClient.position(1, 2)])
        client.notify("$/cancelRequest", ["id": .number(Double(id))])
        XCTAssertEqual(client.response(id)?["error"]?["code"], -32800)
        XCTAssertLessThan(Date().timeIntervalSince(started), 2.5, "cancelled well before the 3 s the request would take")
    }

    func testCancellingAFinishedOrUnknownRequestIsHarmless() {
        let client = TestClient()
        client.initialize()
        client.notify("$/cancelRequest", ["id": 999])
        client.notify("$/cancelRequest", ["id": "not-a-request"])
        client.open(uri, sampleMessage)
        XCTAssertNotNil(client.request("textDocument/codeLens", ["textDocument": TestClient.document(uri)]))
    }

    /// Also when the edit repeats the version number (1): results went by the version.
    func testAnEditDuringARequestGivesContentModified() {
        for version in [2, 1] {
            let client = slowClient(latency: 300)
            client.initialize()
            client.open(uri, sampleMessage)
            let id = client.start("textDocument/semanticTokens/full", ["textDocument": TestClient.document(uri)])
            client.change(uri, version: version, [["range": TestClient.range(0, 0, 0, 0), "text": "x"]])
            let error = client.response(id)?["error"]
            XCTAssertEqual(error?["code"], -32801, "version \(version)")
            // The edit came while the request waited: it was not computed at all (a burst of
            // them on a large document kept the current requests waiting).
            XCTAssertEqual(error?["message"]?.stringValue, "the document changed before the request was computed")
        }
    }


    func testDebouncedDiagnosticsAreForTheLatestVersionOnly() throws {
        var options = TestClient.quickOptions
        options.diagnosticsDelay = 80
        let client = TestClient(options: options)
        client.initialize()
        client.open(uri, sampleMessage)
        XCTAssertNotNil(client.diagnostics(uri, version: 1), "opening publishes at once")
        var version = 1
        for character in "Never guess." {
            version += 1
            client.change(uri, version: version, [["range": TestClient.range(6, 0, 6, 0), "text": .string(String(character))]])
        }
        XCTAssertNotNil(client.diagnostics(uri, version: version))
        let versions = client.published(uri).compactMap { $0["params"]?["version"]?.intValue }
        XCTAssertEqual(versions, [1, version], "typing within the delay publishes once, for the last version")
    }

    func testPublishedVersionsNeverGoBackwards() throws {
        let client = TestClient()
        client.initialize()
        client.open(uri, sampleMessage)
        for version in 2...40 {
            client.change(uri, version: version, [["range": TestClient.range(1, 0, 1, 0), "text": "a"]])
        }
        XCTAssertNotNil(client.diagnostics(uri, version: 40))
        let versions = client.published(uri).compactMap { $0["params"]?["version"]?.intValue }
        XCTAssertEqual(versions, versions.sorted(), "a result for an older version is never published after a newer one")
        XCTAssertEqual(versions.last, 40)
    }

    func testRequestsRunInParallelWithoutMixingAnswers() {
        let client = TestClient()
        client.initialize()
        client.open(uri, sampleMessage)
        let ids = (0..<30).map { _ in client.start("textDocument/codeLens", ["textDocument": TestClient.document(uri)]) }
        for id in ids {
            XCTAssertNotNil(client.response(id)?["result"]?[0]?["command"]?["title"], "response \(id)")
        }
    }
}
