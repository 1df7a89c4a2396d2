import Foundation
import XCTest
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The OpenAI-compatible test server (Tests/Support/fake-openai), started on a
/// free loopback port for one test and stopped after it.
final class FakeEndpoint: @unchecked Sendable {
    let port: Int
    private let process: Process
    private let input: Pipe

    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Support/fake-openai/fake_openai.py").path
    }

    init(apiKey: String? = nil) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script, "--port", "0", "--exit-on-stdin-eof"] + (apiKey.map { ["--api-key", $0] } ?? [])
        let output = Pipe()
        input = Pipe()
        process.standardOutput = output
        process.standardInput = input
        try process.run()
        var line = Data()
        while !line.contains(0x0A) {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw NSError(domain: "FakeEndpoint", code: 1, userInfo: [NSLocalizedDescriptionKey: "the fake server exited before printing its port"]) }
            line.append(chunk)
        }
        guard let text = String(data: line, encoding: .utf8), text.hasPrefix("PORT "),
              let port = Int(text.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw NSError(domain: "FakeEndpoint", code: 2, userInfo: [NSLocalizedDescriptionKey: "unexpected first line from the fake server"])
        }
        self.port = port
    }

    deinit { stop() }

    /// Closes the server's stdin, which ends it; terminates it if it lingers.
    func stop() {
        guard process.isRunning else { return }
        try? input.fileHandleForWriting.close()
        for _ in 0..<100 where process.isRunning { usleep(20_000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    /// GET or POST one of the control routes (`/__stats`, `/__requests`, `/__release`, `/__reset`).
    /// Tried twice: a kept-alive connection the server has since closed fails
    /// the first request on it, with no body, which is the client's hiccup, not the server's.
    func control(_ path: String, method: String = "GET") throws -> Any {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        var failure = "no reply"
        for _ in 0..<2 {
            let semaphore = DispatchSemaphore(value: 0)
            nonisolated(unsafe) var reply: (body: Data?, error: Error?) = (nil, nil)
            URLSession.shared.dataTask(with: request) { data, _, error in
                reply = (data, error)
                semaphore.signal()
            }.resume()
            guard semaphore.wait(timeout: .now() + 5) == .success else { throw NSError(domain: "FakeEndpoint", code: 3) }
            if let body = reply.body, !body.isEmpty { return try JSONSerialization.jsonObject(with: body) }
            failure = reply.error.map { "\($0)" } ?? "an empty reply"
        }
        throw NSError(domain: "FakeEndpoint", code: 4, userInfo: [NSLocalizedDescriptionKey: "\(method) \(path): \(failure)"])
    }

    func stats() throws -> [String: Any] { try control("/__stats") as? [String: Any] ?? [:] }
    func requests() throws -> [[String: Any]] { try control("/__requests") as? [[String: Any]] ?? [] }
    func release() throws { _ = try control("/__release", method: "POST") }

    /// A port with nothing listening on it.
    static func closedPort() -> Int {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = bind(socketFD, $0, length); _ = getsockname(socketFD, $0, &length) }
        }
        let port = Int(UInt16(bigEndian: address.sin_port))
        close(socketFD)
        return port
    }
}

/// A test case with its own fake endpoint and a scratch folder (for caches and files), both gone after each test.
class FakeEndpointTestCase: XCTestCase {
    var fake: FakeEndpoint!
    var folder: URL!

    override func setUpWithError() throws {
        fake = try FakeEndpoint()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("facet-\(type(of: self))-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDown() {
        fake.stop()
        try? FileManager.default.removeItem(at: folder)
    }
}
