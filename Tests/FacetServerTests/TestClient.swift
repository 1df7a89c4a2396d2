import Foundation
import XCTest
@testable import FacetServer
import JSONRPC

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(Dictionary(uniqueKeysWithValues: elements)) }
    public init(nilLiteral: ()) { self = .null }

    subscript(_ key: String) -> JSONValue? { objectValue?[key] }
    subscript(_ index: Int) -> JSONValue? { arrayValue.flatMap { index < $0.count ? $0[index] : nil } }
}

/// Collects what the server sends, decoded, and lets a test wait for a message.
final class RecordingOutput: MessageOutput, @unchecked Sendable {
    private let condition = NSCondition()
    private var framer = MessageFramer()
    private(set) var messages: [JSONValue] = []

    func send(_ framed: Data) {
        condition.lock()
        framer.append(framed)
        while case .message(let body)? = framer.next() {
            messages.append((try? JSONDecoder().decode(JSONValue.self, from: Data(body))) ?? .string("undecodable"))
        }
        condition.broadcast()
        condition.unlock()
    }

    /// The first message (after `from`) matching `predicate`, waiting up to `timeout` seconds.
    func wait(timeout: TimeInterval = 5, from start: Int = 0, _ predicate: (JSONValue) -> Bool) -> (index: Int, message: JSONValue)? {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        var checked = start
        while true {
            while checked < messages.count {
                if predicate(messages[checked]) { return (checked, messages[checked]) }
                checked += 1
            }
            if !condition.wait(until: deadline) { return nil }
        }
    }

    var snapshot: [JSONValue] {
        condition.lock(); defer { condition.unlock() }
        return messages
    }
}

/// Drives an in-process server through the same byte path as stdio.
final class TestClient: @unchecked Sendable {
    let output = RecordingOutput()
    let server: LanguageServer
    private let lock = NSLock()
    private let events = Events()
    private var nextID = 1
    var logLines: [String] { events.logs }

    /// Log lines and exit codes the server reports.
    final class Events: @unchecked Sendable {
        private let lock = NSLock()
        private var _logs: [String] = []
        private var _exits: [Int32] = []
        var logs: [String] { lock.lock(); defer { lock.unlock() }; return _logs }
        var exits: [Int32] { lock.lock(); defer { lock.unlock() }; return _exits }
        func log(_ line: String) { lock.lock(); _logs.append(line); lock.unlock() }
        func exit(_ code: Int32) { lock.lock(); _exits.append(code); lock.unlock() }
    }

    init(options: ServerOptions = TestClient.quickOptions) {
        let events = self.events
        let logger = Logger(level: .debug) { line in events.log(line) }
        server = LanguageServer(options: options, output: output, log: logger) { code in events.exit(code) }
    }

    /// No debounce, a throwaway preference index and preview cache (tests never touch the user's cache).
    static var quickOptions: ServerOptions {
        var options = ServerOptions()
        options.diagnosticsDelay = 0
        options.indexPath = temporaryIndexPath()
        options.previewCachePath = (temporaryIndexPath() as NSString).deletingLastPathComponent + "/previews.sqlite"
        return options
    }

    static func temporaryIndexPath() -> String {
        "\(testRunFolder)/\(UUID().uuidString)/index.sqlite"
    }

    /// One folder for this test process's throwaway indexes and caches, removed when the process exits,
    /// so hundreds of test servers leave nothing behind in the temporary directory.
    private static let testRunFolder: String = {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("facet-server-tests-\(ProcessInfo.processInfo.processIdentifier)").path
        atexit { TestClient.removeTestRunFolder() }
        return folder
    }()

    private static func removeTestRunFolder() {
        try? FileManager.default.removeItem(atPath: testRunFolder)
    }

    func exitCode(timeout: TimeInterval = 5) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let code = events.exits.first { return code }
            usleep(2000)
        }
        return nil
    }

    func sendRaw(_ bytes: [UInt8]) { server.receive(bytes) }

    func send(_ message: JSONValue) {
        let body = try! JSONEncoder().encode(message)
        sendRaw(Array(OutgoingMessage.frame(body)))
    }

    func notify(_ method: String, _ params: JSONValue = [:]) {
        send(["jsonrpc": "2.0", "method": .string(method), "params": params])
    }

    /// Sends a request and returns its id without waiting.
    @discardableResult
    func start(_ method: String, _ params: JSONValue = [:]) -> Int {
        lock.lock(); let id = nextID; nextID += 1; lock.unlock()
        send(["jsonrpc": "2.0", "id": .number(Double(id)), "method": .string(method), "params": params])
        return id
    }

    /// The whole response (with `result` or `error`) to request `id`.
    func response(_ id: Int, timeout: TimeInterval = 5) -> JSONValue? {
        output.wait(timeout: timeout) { $0["id"] == .number(Double(id)) && $0["method"] == nil }?.message
    }

    func request(_ method: String, _ params: JSONValue = [:], file: StaticString = #filePath, line: UInt = #line) -> JSONValue? {
        let id = start(method, params)
        guard let response = response(id) else {
            XCTFail("no response to \(method)", file: file, line: line)
            return nil
        }
        if let error = response["error"] { XCTFail("\(method) failed: \(error)", file: file, line: line) }
        return response["result"]
    }

    @discardableResult
    func initialize(capabilities: JSONValue = [:], options: JSONValue? = nil) -> JSONValue? {
        var params: [String: JSONValue] = ["processId": nil, "rootUri": nil, "capabilities": capabilities]
        if let options { params["initializationOptions"] = options }
        let result = request("initialize", .object(params))
        notify("initialized")
        return result
    }

    func open(_ uri: String, _ text: String, version: Int = 1) {
        notify("textDocument/didOpen", ["textDocument": ["uri": .string(uri), "languageId": "markdown", "version": .number(Double(version)), "text": .string(text)]])
    }

    func change(_ uri: String, version: Int, _ changes: [JSONValue]) {
        notify("textDocument/didChange", ["textDocument": ["uri": .string(uri), "version": .number(Double(version))], "contentChanges": .array(changes)])
    }

    /// The diagnostics published for `uri` at `version`.
    func diagnostics(_ uri: String, version: Int, timeout: TimeInterval = 5) -> [JSONValue]? {
        output.wait(timeout: timeout) {
            $0["method"] == "textDocument/publishDiagnostics" && $0["params"]?["uri"] == .string(uri)
                && $0["params"]?["version"] == .number(Double(version))
        }?.message["params"]?["diagnostics"]?.arrayValue
    }

    func published(_ uri: String) -> [JSONValue] {
        output.snapshot.filter { $0["method"] == "textDocument/publishDiagnostics" && $0["params"]?["uri"] == .string(uri) }
    }

    static func range(_ l1: Int, _ c1: Int, _ l2: Int, _ c2: Int) -> JSONValue {
        ["start": ["line": .number(Double(l1)), "character": .number(Double(c1))], "end": ["line": .number(Double(l2)), "character": .number(Double(c2))]]
    }

    static func position(_ line: Int, _ character: Int) -> JSONValue {
        ["line": .number(Double(line)), "character": .number(Double(character))]
    }

    static func document(_ uri: String) -> JSONValue { ["uri": .string(uri)] }
}

extension Array where Element == JSONValue {
    /// Rule ids (`code`) of diagnostics.
    var codes: [String] { compactMap { $0["code"]?.stringValue } }
}

/// A short system message with known findings:
/// line 2 "Try to" (weak-instruction), line 3 "a few" (vague-quantifier).
let sampleMessage = """
# Lumen support
You are a support assistant for Lumen Energy.
Try to answer every question in one reply.
Give a few troubleshooting steps when the inverter shows an error.

## Output format
Reply in Markdown with at most five bullet points.
"""
