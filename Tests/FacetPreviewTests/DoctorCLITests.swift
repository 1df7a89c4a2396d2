import FacetPreview
import Foundation
import XCTest

/// `facet doctor` run as a user runs it: the real binary, a project folder with
/// `.facet.toml`, and the fake endpoint; caches in the scratch folder only.
final class DoctorCLITests: FakeEndpointTestCase {
    /// Runs `facet doctor ARGUMENTS --directory FOLDER`; returns (status, stdout, stderr).
    func doctor(_ arguments: [String], environment extra: [String: String] = [:]) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = PreviewCLITests.binary
        process.arguments = ["doctor", "--directory", folder.path] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_CACHE_HOME"] = folder.appendingPathComponent("cache").path  // never the user's cache
        environment["FACET_INDEX"] = folder.appendingPathComponent("index.sqlite").path
        environment["FACET_PREVIEW_CACHE"] = folder.appendingPathComponent("previews.sqlite").path
        environment["DOCTOR_TEST_KEY"] = nil
        environment.merge(extra) { $1 }
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    func configure(_ toml: String) throws {
        try toml.write(to: folder.appendingPathComponent(".facet.toml"), atomically: true, encoding: .utf8)
    }

    /// The endpoint's second line of the text report (what the check found).
    func finding(_ output: String, endpoint: String) -> String? {
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let at = lines.firstIndex(where: { $0.hasPrefix("  \(endpoint)") && $0.contains("://") }), at + 1 < lines.count else { return nil }
        return lines[at + 1].trimmingCharacters(in: .whitespaces)
    }

    func testWorkingAndRefusedEndpoints() throws {
        try configure("""
        [preview]
        endpoint = "fake"
        compare = ["closed", "fake"]

        [endpoints.fake]
        base-url = "\(fake.baseURL)"
        model = "fake"

        [endpoints.closed]
        base-url = "http://127.0.0.1:\(FakeEndpoint.closedPort())/v1"
        model = "m"
        """)
        let (status, out, err) = try doctor([])
        XCTAssertEqual(status, 0, err)
        XCTAssertTrue(out.contains("facet 0.1.0"), out)
        XCTAssertTrue(out.contains("file: \(folder.path)/.facet.toml (read without errors)"), out)
        XCTAssertTrue(out.contains("default endpoint: fake"), out)
        XCTAssertTrue(out.contains("[preview] compare: closed, fake"), out)
        XCTAssertEqual(finding(out, endpoint: "fake (default)"), "answers (1 model, fake among them)", out)
        XCTAssertEqual(finding(out, endpoint: "closed")?.hasPrefix("refused"), true, out)
        XCTAssertEqual(finding(out, endpoint: "openai"), "not contacted: remote; --all-endpoints contacts it", out)
        XCTAssertTrue(out.contains("preference index: \(folder.path)/index.sqlite (from $FACET_INDEX): not created yet"), out)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("index.sqlite").path), "doctor creates no index")

        let (_, quiet, _) = try doctor(["--no-endpoints"])
        XCTAssertEqual(finding(quiet, endpoint: "fake (default)"), "not contacted (--no-endpoints)", quiet)
        XCTAssertEqual(try fake.stats()["requests"] as? Int, 0, "no chat request is ever sent")
    }

    /// A key variable that is named but unset is reported, and the endpoint that wants it says 401;
    /// once it is set the key is sent, and never printed.
    func testMissingAndPresentAPIKey() throws {
        fake.stop()
        let secret = "sk-doctor-test-0123456789"
        fake = try FakeEndpoint(apiKey: secret)
        try configure("""
        [preview]
        endpoint = "keyed"

        [endpoints.keyed]
        base-url = "\(fake.baseURL)"
        model = "fake"
        api-key-env = "DOCTOR_TEST_KEY"
        """)
        let (status, out, _) = try doctor([])
        XCTAssertEqual(status, 0)
        XCTAssertTrue(out.contains("keyed (default): \(fake.baseURL), model fake, key from $DOCTOR_TEST_KEY (not set)"), out)
        XCTAssertEqual(finding(out, endpoint: "keyed"), "HTTP 401: check the key: $DOCTOR_TEST_KEY is not set", out)

        let (_, json, _) = try doctor(["--format", "json"], environment: ["DOCTOR_TEST_KEY": secret])
        XCTAssertFalse(json.contains(secret), "the key is never printed")
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let keyed = try XCTUnwrap((document["endpoints"] as? [[String: Any]])?.first { $0["name"] as? String == "keyed" })
        XCTAssertEqual(keyed["apiKeySet"] as? Bool, true)
        XCTAssertEqual(keyed["status"] as? String, "answers")
        XCTAssertEqual(keyed["models"] as? Int, 1)
    }

    func testBrokenConfigurationExitsOneWithFileAndLine() throws {
        try configure("""
        [preview]
        endpoint = "local"

        [endpoints.local]
        base-url = "ftp://example.com"
        """)
        let (status, out, _) = try doctor(["--no-endpoints"])
        XCTAssertEqual(status, 1)
        XCTAssertTrue(out.contains("error: \(folder.path)/.facet.toml:5: base-url must start with http:// or https://"), out)
        XCTAssertTrue(out.contains("\nendpoints"), "the rest of the report still follows: \(out)")

        let (jsonStatus, json, _) = try doctor(["--no-endpoints", "--format", "json"])
        XCTAssertEqual(jsonStatus, 1)
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let error = try XCTUnwrap((document["configuration"] as? [String: Any])?["error"] as? [String: Any])
        XCTAssertEqual(error["line"] as? Int, 5)
        XCTAssertEqual(error["file"] as? String, folder.path + "/.facet.toml")
    }

    func testJSONReport() throws {
        try configure("""
        [preview]
        endpoint = "fake"

        [endpoints.fake]
        base-url = "\(fake.baseURL)"
        model = "other"

        [judge]
        endpoint = "strong"
        repeats = 2
        """)
        // An index that exists is opened and counted.
        let index = folder.appendingPathComponent("index.sqlite").path
        let stats = Process()
        stats.executableURL = PreviewCLITests.binary
        stats.arguments = ["index", "stats"]
        stats.environment = ProcessInfo.processInfo.environment.merging(["FACET_INDEX": index]) { $1 }
        stats.standardOutput = FileHandle.nullDevice
        try stats.run()
        stats.waitUntilExit()

        let (status, out, err) = try doctor(["--format", "json"])
        XCTAssertEqual(status, 0, err)
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        XCTAssertEqual(document["version"] as? String, "0.1.0")
        XCTAssertNotNil(document["binary"] as? String)
        let configuration = try XCTUnwrap(document["configuration"] as? [String: Any])
        XCTAssertEqual(configuration["defaultEndpoint"] as? String, "fake")
        XCTAssertEqual((configuration["judge"] as? [String: Any])?["repeats"] as? Int, 2)
        XCTAssertEqual(configuration["warnings"] as? [String], ["[judge] endpoint 'strong' is not an endpoint profile"])
        let endpoints = try XCTUnwrap(document["endpoints"] as? [[String: Any]])
        XCTAssertEqual(endpoints.first?["name"] as? String, "fake", "the default endpoint comes first")
        XCTAssertEqual(endpoints.first?["status"] as? String, "answers")
        XCTAssertEqual(endpoints.first?["detail"] as? String, "answers (1 model; other is not listed)")
        XCTAssertEqual(endpoints.first { $0["name"] as? String == "openai" }?["status"] as? String, "not-contacted")
        let indexReport = try XCTUnwrap(document["index"] as? [String: Any])
        XCTAssertEqual(indexReport["exists"] as? Bool, true)
        XCTAssertGreaterThan(indexReport["preferences"] as? Int ?? 0, 300)
        XCTAssertEqual((document["previewCache"] as? [String: Any])?["exists"] as? Bool, false)
        XCTAssertNotNil((document["editors"] as? [String: Any])?["setups"] as? [[String: Any]])
    }

    /// A server that accepts the connection but never answers: reported as timed out after about 2 s.
    func testSilentEndpointTimesOut() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                _ = bind(listener, $0, length)
                _ = getsockname(listener, $0, &length)
            }
        }
        XCTAssertEqual(listen(listener, 8), 0)
        let port = Int(UInt16(bigEndian: address.sin_port))
        try configure("""
        [endpoints.silent]
        base-url = "http://localhost:\(port)/v1"
        model = "m"
        """)
        let started = Date()
        let (status, out, _) = try doctor([])
        XCTAssertEqual(status, 0)
        XCTAssertEqual(finding(out, endpoint: "silent")?.hasPrefix("timed out"), true, out)
        XCTAssertLessThan(Date().timeIntervalSince(started), 6, "endpoints are checked at once, each for about 2 s")
    }

    /// Only endpoints on this machine are contacted without --all-endpoints.
    func testWhichEndpointsAreLocal() {
        for url in ["http://localhost:11434/v1", "http://127.0.0.1:8080/v1", "http://[::1]:8000/v1", "http://LOCALHOST/v1", "http://0.0.0.0:1234/v1"] {
            XCTAssertTrue(EndpointCheck.isLocal(url), url)
        }
        for url in ["https://api.openai.com/v1", "http://192.168.1.5:8080/v1", "http://localhost.example.com/v1", "not a url"] {
            XCTAssertFalse(EndpointCheck.isLocal(url), url)
        }
    }
}
