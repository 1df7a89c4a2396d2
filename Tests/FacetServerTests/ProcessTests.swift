import Foundation
import XCTest
import JSONRPC

/// The real `facet lsp` binary over pipes: framing, fuzzing, exit codes.
final class ServerProcess: @unchecked Sendable {
    let process = Process()
    let stdin = Pipe()
    let stdout = Pipe()
    let stderr = Pipe()
    let output = RecordingOutput()
    private let lock = NSLock()
    private var rawStdout = Data()
    private var stderrText = Data()

    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["FACET_BIN"] { return URL(fileURLWithPath: path) }
        // The test bundle sits next to the built products.
        let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return products.appendingPathComponent("facet")
    }

    init(_ arguments: [String] = []) throws {
        process.executableURL = Self.binary
        process.arguments = ["lsp", "--diagnostics-delay", "0", "--index", TestClient.temporaryIndexPath(),
                             "--preview-cache", (TestClient.temporaryIndexPath() as NSString).deletingLastPathComponent + "/previews.sqlite"] + arguments
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        // One thread a stream, reading until its end: readabilityHandler was seen
        // never to report a stream's last data after its process had exited.
        for (pipe, isError) in [(stdout, false), (stderr, true)] {
            let handle = pipe.fileHandleForReading
            Thread { [self] in
                while true {
                    let data = handle.availableData
                    if data.isEmpty { break }
                    lock.lock()
                    if isError { stderrText.append(data) } else { rawStdout.append(data) }
                    lock.unlock()
                    if !isError { output.send(data) }
                }
                ended.signal()
            }.start()
        }
        try process.run()
    }

    /// Signalled once per stream at its end, so what a process wrote before it exited is all read.
    private let ended = DispatchSemaphore(value: 0)

    var stdoutBytes: Data { lock.lock(); defer { lock.unlock() }; return rawStdout }
    var stderrString: String { lock.lock(); defer { lock.unlock() }; return String(decoding: stderrText, as: UTF8.self) }

    func write(_ bytes: [UInt8]) { stdin.fileHandleForWriting.write(Data(bytes)) }
    func write(_ text: String) { write(Array(text.utf8)) }

    func send(_ message: JSONValue) {
        write(Array(OutgoingMessage.frame(try! JSONEncoder().encode(message))))
    }

    func request(_ id: Int, _ method: String, _ params: JSONValue = [:], timeout: TimeInterval = 10) -> JSONValue? {
        send(["jsonrpc": "2.0", "id": .number(Double(id)), "method": .string(method), "params": params])
        return output.wait(timeout: timeout) { $0["id"] == .number(Double(id)) && $0["method"] == nil }?.message
    }

    func initialize() -> JSONValue? {
        let response = request(1, "initialize", ["capabilities": [:], "processId": nil])
        send(["jsonrpc": "2.0", "method": "initialized", "params": [:]])
        return response
    }

    func closeInput() { try? stdin.fileHandleForWriting.close() }

    /// Exit status, or nil if it did not end within `timeout`.
    func waitForExit(timeout: TimeInterval = 10) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(5000) }
        if process.isRunning { process.terminate(); return nil }
        // Both streams end with the process (its children would hold them open: it starts none).
        for _ in 0..<2 { _ = ended.wait(timeout: .now() + 5) }
        XCTAssertEqual(process.terminationReason, .exit, "ended by a signal, not an exit: \(stderrString)")
        return process.terminationStatus
    }
}

final class ProcessTests: XCTestCase {
    func start(_ arguments: [String] = []) throws -> ServerProcess {
        guard FileManager.default.isExecutableFile(atPath: ServerProcess.binary.path) else {
            XCTFail("no facet binary at \(ServerProcess.binary.path); run `swift build` first or set FACET_BIN")
            throw CancellationError()
        }
        return try ServerProcess(arguments)
    }

    let uri = "file:///tmp/facet-process-test.system.md"

    func testLifecycleOverPipesAndStdoutCarriesOnlyProtocol() throws {
        let server = try start(["--log-level", "debug"])
        XCTAssertEqual(server.initialize()?["result"]?["serverInfo"]?["name"], "facet")
        server.send(["jsonrpc": "2.0", "method": "textDocument/didOpen", "params": ["textDocument": ["uri": .string(uri), "languageId": "markdown", "version": 1, "text": .string(sampleMessage)]]])
        XCTAssertNotNil(server.output.wait(timeout: 10) { $0["method"] == "textDocument/publishDiagnostics" })
        XCTAssertEqual(server.request(2, "shutdown")?["result"], JSONValue.null)
        server.send(["jsonrpc": "2.0", "method": "exit"])
        XCTAssertEqual(server.waitForExit(), 0)
        // Every byte on stdout is a well-framed JSON-RPC message; the debug log went to stderr.
        var framer = MessageFramer()
        framer.append(server.stdoutBytes)
        var count = 0
        while let event = framer.next() {
            guard case .message(let body) = event, case .success = IncomingMessage.parse(body) else { return XCTFail("stray stdout: \(event)") }
            count += 1
        }
        XCTAssertEqual(framer.pendingByteCount, 0)
        XCTAssertGreaterThanOrEqual(count, 3)
        XCTAssertTrue(server.stderrString.contains("[info]"), server.stderrString)
    }

    func testExitWithoutShutdownAndEndOfInput() throws {
        let server = try start()
        _ = server.initialize()
        server.send(["jsonrpc": "2.0", "method": "exit"])
        XCTAssertEqual(server.waitForExit(), 1)

        let vanishing = try start()
        _ = vanishing.initialize()
        vanishing.closeInput()
        XCTAssertEqual(vanishing.waitForExit(), 1, "a client that disappears ends the server (1: no shutdown was asked)")
    }

    func testFuzzedInputNeverStopsTheServer() throws {
        let server = try start()
        _ = server.initialize()
        var id = 100
        func stillAnswers(_ what: String, file: StaticString = #filePath, line: UInt = #line) {
            id += 1
            let response = server.request(id, "textDocument/codeLens", ["textDocument": ["uri": "file:///not-open"]])
            XCTAssertEqual(response?["error"]?["code"], -32602, "after \(what): \(String(describing: response))", file: file, line: line)
        }
        var generator = SystemRandomNumberGenerator()
        for round in 0..<5 {
            server.write((0..<2000).map { _ in UInt8.random(in: 0...255, using: &generator) })
            server.write("\r\n\r\n")
            stillAnswers("random bytes \(round)")
        }
        server.write("Content-Length: 12\r\nContent-")  // truncated header, then a good message
        stillAnswers("a truncated header")
        server.write("Content-Length: 300\r\n\r\n{\"jsonrpc\":\"2.0\"}")  // announces more than it sends
        stillAnswers("a Content-Length larger than the body")
        server.write("Content-Length: 9\r\n\r\n{not json")
        XCTAssertNotNil(server.output.wait { $0["error"]?["code"] == -32700 && $0["id"] == .null })
        stillAnswers("invalid JSON")
        let badUTF8 = [UInt8]("{\"jsonrpc\":\"2.0\",\"method\":\"x\",\"params\":\"".utf8) + [0xFF, 0xFE, 0x22, 0x7D]
        server.write([UInt8]("Content-Length: \(badUTF8.count)\r\n\r\n".utf8) + badUTF8)
        stillAnswers("invalid UTF-8")
        XCTAssertEqual(server.request(200, "textDocument/hover", ["textDocument": 7, "position": "here"])?["error"]?["code"], -32602)
        XCTAssertEqual(server.request(201, "no/such/method")?["error"]?["code"], -32601)
        server.send([["jsonrpc": "2.0", "id": 202, "method": "shutdown"]])
        XCTAssertNotNil(server.output.wait { $0["error"]?["code"] == -32600 && $0["error"]?["message"]?.stringValue?.contains("batch") == true })
        server.send(["jsonrpc": "2.0", "method": "textDocument/didChange", "params": ["textDocument": ["uri": "file:///never", "version": 2], "contentChanges": [["text": "x"]]]])
        stillAnswers("a change to an unopened document")
        // Positions past the end of an open document.
        server.send(["jsonrpc": "2.0", "method": "textDocument/didOpen", "params": ["textDocument": ["uri": .string(uri), "languageId": "markdown", "version": 1, "text": "You are a poet."]]])
        XCTAssertEqual(server.request(203, "textDocument/hover", ["textDocument": ["uri": .string(uri)], "position": ["line": 99, "character": 99]])?["result"], JSONValue.null)
        XCTAssertEqual(server.request(204, "textDocument/codeAction", ["textDocument": ["uri": .string(uri)], "range": ["start": ["line": 50, "character": 0], "end": ["line": 99, "character": 0]], "context": ["diagnostics": [], "only": ["quickfix"]]])?["result"], [])
        XCTAssertEqual(server.request(205, "shutdown")?["result"], JSONValue.null)
        server.send(["jsonrpc": "2.0", "method": "exit"])
        XCTAssertEqual(server.waitForExit(), 0)
    }

    func testA50MBMessageIsHandled() throws {
        let server = try start()
        _ = server.initialize()
        let big = String(repeating: "Try to answer briefly. ", count: 50 * 1024 * 1024 / 23)
        server.send(["jsonrpc": "2.0", "method": "textDocument/didOpen", "params": ["textDocument": ["uri": .string(uri), "languageId": "markdown", "version": 1, "text": .string(big)]]])
        let published = server.output.wait(timeout: 60) { $0["method"] == "textDocument/publishDiagnostics" }
        XCTAssertEqual(published?.message["params"]?["diagnostics"]?[0]?["code"], "too-large")
        XCTAssertEqual(server.request(2, "textDocument/codeLens", ["textDocument": ["uri": .string(uri)]], timeout: 30)?["result"]?[0]?["range"]?["start"]?["line"], 0)
        server.closeInput()
        XCTAssertNotNil(server.waitForExit(timeout: 30))
    }

    func testTraceFileRecordsTraffic() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("facet-trace-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let server = try start(["--trace-file", path])
        _ = server.initialize()
        _ = server.request(2, "shutdown")
        server.send(["jsonrpc": "2.0", "method": "exit"])
        XCTAssertEqual(server.waitForExit(), 0)
        let trace = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(trace.contains("--- received"), trace)
        XCTAssertTrue(trace.contains("--- sent"), trace)
        XCTAssertTrue(trace.contains("\"method\":\"initialize\""), trace)
    }
}
