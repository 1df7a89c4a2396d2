import Foundation
import XCTest

/// Folders and files the user may not read are errors that say so, not empty
/// inputs that pass: the real binary, run as a user the permissions apply to.
final class UnreadableInputCLITests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("facet-unreadable-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // Writable by the user the commands run as (an index is created here).
        chmod(directory.path, 0o777)
    }

    override func tearDownWithError() throws {
        // Opened again first, or the folders locked by a test could not be removed.
        if let enumerator = FileManager.default.enumerator(atPath: directory.path) {
            for case let name as String in enumerator { chmod(directory.appendingPathComponent(name).path, 0o755) }
        }
        try? FileManager.default.removeItem(at: directory)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    @discardableResult
    func write(_ name: String, _ text: String, permissions: Int = 0o644) throws -> String {
        try FileManager.default.createDirectory(atPath: (path(name) as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path(name), atomically: true, encoding: .utf8)
        XCTAssertEqual(chmod(path(name), mode_t(permissions)), 0)
        return path(name)
    }

    func folder(_ name: String, permissions: Int) throws -> String {
        try FileManager.default.createDirectory(atPath: path(name), withIntermediateDirectories: true)
        XCTAssertEqual(chmod(path(name), mode_t(permissions)), 0)
        return path(name)
    }

    /// Runs `facet` as the current user or, for root (whom permissions do not stop),
    /// as `nobody` through setpriv, so that a folder locked with chmod is locked for it.
    func runAsAUser(_ arguments: [String]) throws -> (Int32, String, String) {
        guard geteuid() == 0 else { return try runFacet(arguments) }
        let setpriv = "/usr/bin/setpriv"
        guard FileManager.default.isExecutableFile(atPath: setpriv) else { throw XCTSkip("running as root without setpriv: permissions cannot be tested") }
        return try runFacet(arguments, launcher: [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"])
    }

    /// `chmod 000` on a folder: named, or met in a search, it is an error naming
    /// the folder (exit 2); the files that can be read are still checked.
    func testAFolderThatCannotBeReadIsAnError() throws {
        let locked = try folder("locked", permissions: 0)
        var (status, out, err) = try runAsAUser(["check", locked])
        XCTAssertEqual(status, 2, out + err)
        XCTAssertTrue(out.contains("\(locked): error: cannot read the folder: Permission denied"), out + err)

        try write("tree/a.system.md", "You are a chef.\n")
        try write("tree/closed/b.system.md", "You are a tutor.\n")
        let closed = try folder("tree/closed", permissions: 0)
        (status, out, err) = try runAsAUser(["check", path("tree")])
        XCTAssertEqual(status, 2, out + err)
        XCTAssertTrue(out.contains("\(closed): error: cannot read the folder: Permission denied"), out + err)
        XCTAssertTrue(out.contains("checked 1 of 2 files: no findings; 1 could not be read"), out + err)

        // Listed but not entered (r without x): nothing in it can be looked up.
        XCTAssertEqual(chmod(closed, 0o644), 0)
        (status, out, err) = try runAsAUser(["check", path("tree")])
        XCTAssertEqual(status, 2, out + err)
        XCTAssertTrue(out.contains("\(closed): error: cannot read the folder: Permission denied"), out + err)
    }

    /// A dataset without read permission says so ("Permission denied"), as a
    /// message file does; `facet check` called it "no such file".
    func testADatasetThatCannotBeReadSaysWhy() throws {
        let dataset = try write("d.jsonl", "{\"system\": \"Be brief.\"}\n", permissions: 0)
        var (status, out, err) = try runAsAUser(["check", dataset])
        XCTAssertEqual(status, 2, out + err)
        XCTAssertTrue(err.contains("facet: \(dataset): cannot read the file: Permission denied"), err)
        (status, out, err) = try runAsAUser(["tag", dataset])
        XCTAssertEqual(status, 2, out + err)
        XCTAssertTrue(err.contains("facet: \(dataset): cannot read the file: Permission denied"), err)
        (status, out, err) = try runAsAUser(["index", "import", dataset, "--index", path("index.sqlite")])
        XCTAssertTrue(err.contains("facet: \(dataset): cannot read the file: Permission denied"), err)
        // A file that is not there still says so.
        (status, out, err) = try runAsAUser(["check", path("missing.jsonl")])
        XCTAssertEqual(status, 2, out + err)
        XCTAssertTrue(err.contains("cannot read the file: No such file or directory"), err)
    }
}
