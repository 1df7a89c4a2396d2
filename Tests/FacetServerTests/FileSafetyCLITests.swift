import Foundation
import GRDB
import XCTest

/// The commands never delete, overwrite or reshape a file they were not asked
/// to write, and odd paths give an error, not a crash: the real binary.
final class FileSafetyCLITests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("facet-files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    func write(_ name: String, _ text: String) throws -> String {
        try text.write(toFile: path(name), atomically: true, encoding: .utf8)
        return path(name)
    }

    /// `FACET_INDEX` set to a folder or another file by mistake must not cost it.
    func testIndexResetDeletesOnlyAnIndex() throws {
        let folder = path("cache")
        try FileManager.default.createDirectory(atPath: folder + "/sub", withIntermediateDirectories: true)
        let notes = try write("notes.txt", "my notes")
        let foreign = path("app.db")
        try DatabaseQueue(path: foreign).write { try $0.execute(sql: "CREATE TABLE t(x)") }
        for target in [folder, notes, foreign] {
            let (status, _, err) = try runFacet(["index", "reset", "--index", target])
            XCTAssertEqual(status, 2, target)
            XCTAssertTrue(err.contains("nothing was deleted"), err)
            XCTAssertTrue(FileManager.default.fileExists(atPath: target), target)
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder + "/sub"))
        // Opening another program's database leaves even its journal mode alone.
        XCTAssertEqual(try runFacet(["index", "stats", "--index", foreign]).0, 2)
        XCTAssertEqual(try DatabaseQueue(path: foreign).read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }, "delete")
        // A real index goes.
        let index = path("index.sqlite")
        XCTAssertEqual(try runFacet(["index", "stats", "--index", index]).0, 0)
        XCTAssertEqual(try runFacet(["index", "reset", "--index", index]).0, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: index))
    }

    /// Commands started together on a fresh index (an editor's server and a
    /// terminal) each find it whole: one creates it while the others wait.
    func testConcurrentFirstUseOfAnIndex() throws {
        let message = try write("m.system.md", "You are a tutor.\nExplain fractions.\nBe patient.\n")
        let index = path("fresh.sqlite")
        let errors = ResultBox()
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            let result = try? runFacet(["suggest", message, "--index", index])
            errors.add(result.map { $0.0 == 0 && $0.2.isEmpty ? nil : "\($0.0): \($0.2)" } ?? "did not run")
        }
        XCTAssertEqual(errors.values, [], "every run opened the index itself, without falling back")
    }

    final class ResultBox: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var values: [String] = []
        func add(_ value: String?) { lock.lock(); if let value { values.append(value) }; lock.unlock() }
    }

    /// An index that opens but is damaged inside still gives suggestions.
    func testTruncatedIndexFallsBackToTheEmbeddedCollection() throws {
        let index = path("index.sqlite")
        XCTAssertEqual(try runFacet(["index", "stats", "--index", index]).0, 0)
        let data = try Data(contentsOf: URL(fileURLWithPath: index))
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: index))
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: index + suffix) }
        let message = try write("m.system.md", "You are a tutor.\nExplain fractions.\nBe patient.\n")
        let (status, out, err) = try runFacet(["suggest", message, "--index", index])
        XCTAssertEqual(status, 0, err)
        XCTAssertTrue(err.contains("using the embedded collection"), err)
        XCTAssertTrue(out.contains("facet-default"), out)
    }

    func testOutputsNeverOverwriteTheInput() throws {
        let rows = "{\"system\": \"You are a chef. Reply in JSON.\"}\n"
        let dataset = try write("in.jsonl", rows)
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(directory.path))  // "./in.jsonl" is the input
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        for command in ["tag", "untag"] {
            let (status, _, err) = try runFacet([command, dataset, "-o", "./in.jsonl"])
            XCTAssertEqual(status, 2, command)
            XCTAssertTrue(err.contains("another file than the input"), err)
        }
        let report = try runFacet(["check", dataset, "--summary-only", "--report", "../\(directory.lastPathComponent)/in.jsonl"])
        XCTAssertEqual(report.0, 2)
        XCTAssertEqual(try String(contentsOfFile: dataset, encoding: .utf8), rows)
        // A report that cannot be written is an error, not silence.
        let missing = try runFacet(["check", dataset, "--summary-only", "--report", path("no/such/folder/r.md")])
        XCTAssertEqual(missing.0, 2)
        XCTAssertTrue(missing.2.contains("cannot write the file"), missing.2)
    }

    /// A symbolic link to the input is the input; a report named like a dataset
    /// checked later in the same run would overwrite it before it is read.
    func testLinksAndLaterDatasetsAreTheInputToo() throws {
        let rows = "{\"system\": \"You are a chef. Reply in JSON.\"}\n"
        let dataset = try write("data.jsonl", rows)
        let second = try write("second.jsonl", rows)
        try FileManager.default.createSymbolicLink(atPath: path("link.jsonl"), withDestinationPath: dataset)
        XCTAssertEqual(try runFacet(["tag", dataset, "-o", path("link.jsonl")]).0, 2)
        XCTAssertEqual(try runFacet(["tag", path("link.jsonl"), "-o", dataset]).0, 2)
        let report = try runFacet(["check", dataset, second, "--summary-only", "--report", second])
        XCTAssertEqual(report.0, 2)
        XCTAssertTrue(report.2.contains("is one of the datasets"), report.2)
        XCTAssertEqual(try String(contentsOfFile: dataset, encoding: .utf8), rows)
        XCTAssertEqual(try String(contentsOfFile: second, encoding: .utf8), rows)
    }

    /// Datasets have no SARIF form: said once for the run, and before any is read
    /// (it was said once per dataset).
    func testSarifForDatasetsIsRefusedOnce() throws {
        let rows = "{\"system\": \"You are a chef.\"}\n"
        let (status, out, err) = try runFacet(["check", try write("a.jsonl", rows), try write("b.jsonl", rows), "--format", "sarif"])
        XCTAssertEqual(status, 2)
        XCTAssertEqual(out, "")
        XCTAssertEqual(err, "facet: datasets are reported as text or json, not sarif\n")
    }

    /// A refused input leaves the output file as it was; opening it truncated it first.
    func testARefusedInputLeavesTheOutputFileAlone() throws {
        let array = try write("rows.json", "[{\"system\": \"You are a chef.\"}]\n")
        let output = try write("out.jsonl", "earlier results\n")
        for command in ["tag", "untag"] {
            let (status, _, err) = try runFacet([command, array, "-o", output])
            XCTAssertEqual(status, 2, command)
            XCTAssertTrue(err.contains("is a JSON array"), err)
            XCTAssertEqual(try String(contentsOfFile: output, encoding: .utf8), "earlier results\n", command)
        }
        // An empty dataset still gives its (empty) output.
        let empty = try write("empty.jsonl", "")
        XCTAssertEqual(try runFacet(["tag", empty, "-o", path("new.jsonl")]).0, 0)
        XCTAssertEqual(try String(contentsOfFile: path("new.jsonl"), encoding: .utf8), "")
    }

    /// `-o` to a symbolic link writes through it; the link stays a link.
    func testOutputThroughASymbolicLink() throws {
        let dataset = try write("in.jsonl", "{\"system\": \"You are a chef. Reply in JSON.\"}\n")
        let target = try write("target.jsonl", "old\n")
        try FileManager.default.createSymbolicLink(atPath: path("link.jsonl"), withDestinationPath: target)
        XCTAssertEqual(try runFacet(["tag", dataset, "-o", path("link.jsonl")]).0, 0)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: path("link.jsonl")), target)
        XCTAssertTrue(try String(contentsOfFile: target, encoding: .utf8).contains("«"))
    }

    /// A folder named like a dataset, and a row nested 100,000 deep, give errors, not crashes.
    func testOddDatasetsAreErrorsNotCrashes() throws {
        try FileManager.default.createDirectory(atPath: path("dir.jsonl"), withIntermediateDirectories: true)
        for arguments in [["check", path("dir.jsonl")], ["tag", path("dir.jsonl")], ["untag", path("dir.jsonl")]] {
            let (status, _, err) = try runFacet(arguments)
            XCTAssertEqual(status, 2, arguments.joined(separator: " "))
            XCTAssertTrue(err.contains("is a folder"), err)
        }
        let importing = try runFacet(["index", "import", path("dir.jsonl"), "--index", path("i.sqlite")])
        XCTAssertEqual(importing.0, 1)
        XCTAssertTrue(importing.2.contains("is a folder"), importing.2)
        let deep = try write("deep.jsonl", "{\"system\":\"You are x.\",\"a\":" + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}\n")
        XCTAssertEqual(try runFacet(["check", deep, "--summary-only"]).0, 0)
        XCTAssertEqual(try runFacet(["tag", deep, "-o", path("deep.tagged.jsonl")]).0, 0)
    }
}
