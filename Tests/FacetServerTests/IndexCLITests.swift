import Foundation
import XCTest

/// `facet index ...`, `facet suggest` and the command line's exit codes, run as
/// a user runs them: the real binary.
final class IndexCLITests: XCTestCase {
    var directory: URL!
    var index: String { directory.appendingPathComponent("index.sqlite").path }

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("facet-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Makes the file 257 MB long with zero bytes and no line break (sparse: it takes
    /// no room), past the longest row the reader takes.
    func growPastTheLongestRow(_ file: URL) throws {
        let handle = try FileHandle(forWritingTo: file)
        try handle.truncate(atOffset: UInt64(257 << 20))
        try handle.close()
    }

    /// Runs facet with `arguments` and this test's index; returns (status, stdout, stderr).
    func facet(_ arguments: [String]) throws -> (Int32, String, String) {
        try runFacet(arguments, environment: ["FACET_INDEX": index])  // never the user's cache
    }

    func testImportStatsSearchSuggestReset() throws {
        let rows = directory.appendingPathComponent("rows.jsonl")
        try """
        {"main_source":"m","original_source":"o","preference_set":[{"dimension":"harmlessness","subdimension":"safety","preference":"Beekeeping veil","description":"Remind beekeepers to wear a veil during hive inspections."}],"system":"You are a beekeeping mentor.","prompt":"p","output":"o"}
        not json at all
        """.write(to: rows, atomically: true, encoding: .utf8)
        let (status, out, err) = try facet(["index", "import", rows.path])
        XCTAssertEqual(status, 0, err)
        XCTAssertTrue(out.contains("2 rows, 1 new preference, 1 new system message, 1 skipped"), out)
        XCTAssertTrue(err.contains("rows.jsonl:2: not valid JSON"), err)
        XCTAssertEqual(try facet(["index", "import", "--strict", rows.path]).0, 1, "--strict fails on the bad row")

        let stats = try JSONSerialization.jsonObject(with: Data(try facet(["index", "stats", "--format", "json"]).1.utf8)) as! [String: Any]
        XCTAssertEqual(stats["systemMessages"] as? Int, 1)
        XCTAssertGreaterThan(stats["preferences"] as? Int ?? 0, 300)

        let search = try facet(["index", "search", "hive", "veil", "--format", "json"])
        let found = try JSONSerialization.jsonObject(with: Data(search.1.utf8)) as! [[String: Any]]
        XCTAssertEqual(found.first?["preference"] as? String, "Beekeeping veil")
        XCTAssertEqual(try facet(["index", "search", #"NEAR("veil" AND"#]).0, 0, "FTS syntax is searched as text")

        let message = directory.appendingPathComponent("mentor.system.md")
        try "You are a beekeeping mentor for hobbyists.\nExplain hive inspections step by step.\nKeep a friendly tone.\n".write(to: message, atomically: true, encoding: .utf8)
        let suggest = try facet(["suggest", message.path, "--format", "json", "--limit", "3"])
        let suggestions = try JSONSerialization.jsonObject(with: Data(suggest.1.utf8)) as! [[String: Any]]
        XCTAssertEqual(suggestions.count, 3)
        XCTAssertEqual(suggestions.first?["preference"] as? String, "Beekeeping veil", suggest.1)
        XCTAssertNotEqual(try facet(["suggest", message.path, "--dimension", "tone"]).0, 0)

        XCTAssertEqual(try facet(["index", "reset"]).0, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: index))
    }

    /// `facet index import -` said "cannot read the file: No such file or directory";
    /// check and suggest take "-" for standard input, and so does import now.
    func testImportReadsStandardInputForADash() throws {
        let rows = directory.appendingPathComponent("piped.jsonl")
        try #"{"dimension":"style","preference":"Piped in","description":"Arrives through a pipe from jq."}"#
            .appending("\n").write(to: rows, atomically: true, encoding: .utf8)
        let (status, out, err) = try runFacet(["index", "import", "-"], environment: ["FACET_INDEX": index],
                                              standardInput: try FileHandle(forReadingFrom: rows))
        XCTAssertEqual(status, 0, err)
        XCTAssertTrue(out.contains("1 row, 1 new preference"), out + err)
        let found = try facet(["index", "search", "pipe", "jq", "--format", "json"]).1
        XCTAssertTrue(found.contains("Piped in"), found)
    }

    /// `facet index import` reads every line of JSON Lines whose first line is an
    /// array, and reports text after the closing bracket of a .json file's array.
    func testImportReadsEveryLineAndReportsTextAfterAnArray() throws {
        let row = #"{"dimension":"style","subdimension":"tone","preference":"Heron voice","description":"Sound like a patient heron."}"#
        let lines = directory.appendingPathComponent("rows.jsonl")
        try "[\(row)]\n\(row)\n".write(to: lines, atomically: true, encoding: .utf8)
        var (status, out, err) = try facet(["index", "import", lines.path])
        XCTAssertEqual(status, 0, err)
        XCTAssertTrue(out.contains("2 rows, 1 new preference, 0 new system messages, 1 skipped"), out + err)
        XCTAssertTrue(err.contains("rows.jsonl:1: "), err)

        let array = directory.appendingPathComponent("rows.json")
        try "[\(row)]\n\n\(row)\n".write(to: array, atomically: true, encoding: .utf8)
        (status, out, err) = try facet(["index", "import", array.path])
        XCTAssertEqual(status, 0, err)
        XCTAssertTrue(out.contains("2 rows, 0 new preferences, 0 new system messages, 1 skipped"), out + err)
        XCTAssertTrue(err.contains("rows.json:3: not valid JSON: text after the closing ']' of the file's array"), err)
    }

    /// A row past the reader's bound (256 MB without a line break) stops reading: the
    /// import fails and says so, naming the file and the line, after showing the rows
    /// read before it, which are kept. The pipeline dropped the read error, and the
    /// import looked complete (exit 0).
    func testAReadErrorFailsTheImportAndSaysWhere() throws {
        let rows = directory.appendingPathComponent("long.jsonl")
        try """
        {"dimension":"style","subdimension":"tone","preference":"Heron voice","description":"Sound like a patient heron."}
        not json at all

        """.write(to: rows, atomically: true, encoding: .utf8)
        try growPastTheLongestRow(rows)
        let (status, out, err) = try facet(["index", "import", rows.path])
        XCTAssertEqual(status, 1, out + err)
        XCTAssertTrue(out.contains("long.jsonl: 2 rows, 1 new preference, 0 new system messages, 1 skipped"), out + err)
        XCTAssertTrue(err.contains("long.jsonl:2: not valid JSON"), err)
        XCTAssertTrue(err.contains("facet: \(rows.path): reading stopped at line 3: a row longer than 256 MB: not a dataset row; the rows before it"), err)
        XCTAssertTrue(err.contains("the rows before it are imported, the rest of the file is not"), err)
        XCTAssertTrue(try facet(["index", "search", "heron"]).1.contains("Heron voice"), "the rows before the error are imported")
    }

    /// Ctrl-C pressed while a file is read, whose read then fails, stops the import there:
    /// it went on to the next file (and showed it) before stopping.
    func testCtrlCDuringAReadThatFailsStopsBeforeTheNextFile() throws {
        let fifo = directory.appendingPathComponent("rows.jsonl").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let good = directory.appendingPathComponent("good.jsonl")
        try #"{"dimension":"style","preference":"Heron voice","description":"Sound like a patient heron."}"#.write(to: good, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = ServerProcess.binary
        process.arguments = ["index", "import", fifo, good.path]
        process.environment = ProcessInfo.processInfo.environment.merging(["FACET_INDEX": index]) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Opening blocks until facet opens the pipe to read, after it set up its Ctrl-C handling.
        let writer = try XCTUnwrap(FileHandle(forWritingAtPath: fifo))
        kill(process.processIdentifier, SIGINT)
        usleep(300_000)  // the handler sets its flag on another thread
        // Then a row longer than the reader takes: the read fails. Writes after it stop reading fail too.
        signal(SIGPIPE, SIG_IGN)
        let chunk = Data(repeating: UInt8(ascii: "x"), count: 1 << 20)
        for _ in 0..<257 { do { try writer.write(contentsOf: chunk) } catch { break } }
        try? writer.close()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130, stdout + stderr)
        XCTAssertTrue(stderr.contains("rows.jsonl: reading stopped at line 1: a row longer than 256 MB"), stderr)
        XCTAssertTrue(stdout.contains("interrupted: the rows imported so far are kept"), stdout)
        XCTAssertFalse(stdout.contains("good.jsonl"), stdout)
    }

    /// In a JSON array, a read error names the line the unfinished element began on:
    /// it named the line the scan had reached, inside that element.
    func testAReadErrorInAnArrayNamesTheLineTheElementBegan() throws {
        let rows = directory.appendingPathComponent("long.json")
        try """
        [
        {"dimension":"style","subdimension":"tone","preference":"Heron voice","description":"Sound like a patient heron."},
        {"dimension":"style",
        "description":"

        """.write(to: rows, atomically: true, encoding: .utf8)
        try growPastTheLongestRow(rows)
        let (status, out, err) = try facet(["index", "import", rows.path])
        XCTAssertEqual(status, 1, out + err)
        XCTAssertTrue(out.contains("long.json: 1 row, 1 new preference"), out + err)
        XCTAssertTrue(err.contains("facet: \(rows.path): reading stopped at line 3: a row longer than 256 MB: not a dataset row; the rows before it"), err)
    }

    /// A dimension that is none of the four ("styles") is reported with the names
    /// to use and the row skipped; it was imported as a fifth dimension nothing reads.
    func testAnUnknownDimensionIsReportedAndSkipped() throws {
        let rows = directory.appendingPathComponent("t.jsonl")
        try """
        {"dimension":"styles","preference":"Typo","description":"Use sentence case."}
        {"dimension":"Background Knowledge","subdimension":"novice","preference":"Heron basics","description":"Explain herons from the start."}
        {"preference_set":[{"dimension":"style","preference":"Calm","description":"Stay calm."},{"dimension":"tone","preference":"Warm","description":"Be warm."}],"system":"You are calm."}
        """.write(to: rows, atomically: true, encoding: .utf8)
        let (status, out, err) = try facet(["index", "import", rows.path])
        XCTAssertEqual(status, 0, err)
        XCTAssertTrue(out.contains("3 rows, 1 new preference, 0 new system messages, 2 skipped"), out + err)
        XCTAssertTrue(err.contains("t.jsonl:1: 'styles' is not a dimension; use style, background_knowledge, informativeness, harmlessness"), err)
        XCTAssertTrue(err.contains("t.jsonl:3: 'tone' is not a dimension"), err)
        let stats = try facet(["index", "stats"]).1
        XCTAssertFalse(stats.contains("styles"), stats)
        XCTAssertFalse(stats.contains("tone"), stats)
        let found = try facet(["index", "search", "heron", "--format", "json"]).1
        let first = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(found.utf8)) as? [[String: Any]])?.first)
        XCTAssertEqual(first["dimension"] as? String, "background_knowledge")
    }

    /// A row that is an array, a string or a number is "not a JSON object"; it was
    /// reported as "  has the wrong type", naming an empty field.
    func testARowThatIsNotAnObjectSaysSo() throws {
        let rows = directory.appendingPathComponent("t.jsonl")
        try "[1]\n\"text\"\n42\n{\"dimension\": 3, \"preference\": \"P\", \"description\": \"D.\"}\n".write(to: rows, atomically: true, encoding: .utf8)
        let (status, out, err) = try facet(["index", "import", rows.path])
        XCTAssertEqual(status, 0, err)
        XCTAssertTrue(out.contains("4 rows, 0 new preferences, 0 new system messages, 4 skipped"), out + err)
        for line in 1...3 { XCTAssertTrue(err.contains("t.jsonl:\(line): not a JSON object\n"), err) }
        XCTAssertTrue(err.contains("t.jsonl:4: dimension has the wrong type"), err)
    }

    /// A row of valid JSON with a Latin-1 byte was reported as "not valid JSON".
    func testARowThatIsNotUTF8SaysSo() throws {
        let rows = directory.appendingPathComponent("latin1.jsonl")
        var bytes = Array(#"{"dimension": "style", "preference": "Caf"#.utf8) + [0xE9]
        bytes += Array(#"", "description": "Order coffee."}"#.utf8) + [0x0A]
        bytes += Array(#"{"dimension": "style", "preference": "Tea", "description": "Order tea."}"#.utf8) + [0x0A]
        try Data(bytes).write(to: rows)
        let (status, out, err) = try facet(["index", "import", rows.path])
        XCTAssertEqual(status, 0, err)
        XCTAssertTrue(out.contains("2 rows, 1 new preference,"), out + err)
        XCTAssertTrue(err.contains("latin1.jsonl:1: not UTF-8 text (byte 0xE9 at byte 41 of the row): save the file as UTF-8"), err)
    }

    /// A NUL escaped in a row's text was stored, and the text read back ended there.
    func testANULInARowDoesNotCutItsTextShort() throws {
        let rows = directory.appendingPathComponent("nul.jsonl")
        try #"{"dimension": "style", "preference": "Nul\u0000 byte", "description": "Text after a \u0000 NUL is kept.", "source": "a\u0000b"}"#
            .appending("\n").write(to: rows, atomically: true, encoding: .utf8)
        XCTAssertEqual(try facet(["index", "import", rows.path]).0, 0)
        let (_, out, err) = try facet(["index", "search", "NUL", "kept", "--format", "json"])
        let found = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String: Any]], out + err)
        XCTAssertEqual(found.first?["preference"] as? String, "Nul byte", out)
        XCTAssertEqual(found.first?["description"] as? String, "Text after a  NUL is kept.", out)
        XCTAssertEqual(found.first?["source"] as? String, "ab", out)
    }

    func testSuggestFallsBackWhenTheIndexCannotBeOpened() throws {
        try "this is not a database".write(toFile: index, atomically: true, encoding: .utf8)
        let message = directory.appendingPathComponent("m.system.md")
        try "You are a tutor.\nExplain fractions.\nBe patient.\n".write(to: message, atomically: true, encoding: .utf8)
        let (status, out, err) = try facet(["suggest", message.path])
        XCTAssertEqual(status, 0)
        XCTAssertTrue(err.contains("using the embedded collection"), err)
        XCTAssertTrue(out.contains("facet-default"), out)
        XCTAssertEqual(try String(contentsOfFile: index, encoding: .utf8), "this is not a database")
    }
}

extension IndexCLITests {
    /// `facet index reset` while `facet index import` runs in another process
    /// deleted the index under it; now it refuses and deletes nothing, other
    /// commands still use the index meanwhile, and reset works once the import ends.
    /// The import reads a FIFO, so it stays in the middle of importing until the test closes it.
    func testResetRefusesWhileAnImportRuns() throws {
        XCTAssertEqual(try facet(["index", "stats"]).0, 0)
        let fifo = directory.appendingPathComponent("rows.jsonl").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let importer = Process()
        importer.executableURL = ServerProcess.binary
        importer.arguments = ["index", "import", fifo]
        importer.environment = ProcessInfo.processInfo.environment.merging(["FACET_INDEX": index]) { $1 }
        let out = Pipe(), err = Pipe()
        importer.standardOutput = out
        importer.standardError = err
        try importer.run()
        defer { if importer.isRunning { importer.terminate() } }
        // The FIFO opens for writing once the import has it open to read, which it
        // does after opening the index: from then on the import is under way.
        var descriptor: Int32 = -1
        let deadline = Date().addingTimeInterval(60)
        while descriptor < 0 {
            descriptor = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
            guard descriptor < 0 else { break }
            XCTAssertEqual(errno, ENXIO, "no reader yet is the only expected failure")
            guard importer.isRunning, Date() < deadline else {
                return XCTFail("the import never opened its file: \(String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))")
            }
            usleep(10_000)
        }
        let writer = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        try writer.write(contentsOf: Data(#"{"dimension":"style","preference":"Heron voice","description":"Sound like a patient heron."}"#.utf8 + [0x0A]))

        let (status, _, message) = try facet(["index", "reset"])
        XCTAssertEqual(status, 2, message)
        XCTAssertTrue(message.contains("another process is opening the index, importing into it or serving an editor from it; nothing was deleted"), message)
        XCTAssertTrue(FileManager.default.fileExists(atPath: index))
        // Reading the index does not wait for the import to end.
        let started = Date()
        XCTAssertEqual(try facet(["index", "stats"]).0, 0)
        XCTAssertLessThan(Date().timeIntervalSince(started), 5, "an opener waited for the import (it gives up after 10 s)")

        try writer.close()
        let imported = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        importer.waitUntilExit()
        XCTAssertEqual(importer.terminationStatus, 0, String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
        XCTAssertTrue(imported.contains("1 row, 1 new preference"), imported)
        XCTAssertTrue(try facet(["index", "search", "heron"]).1.contains("Heron voice"), "the import went into the index that is still there")
        XCTAssertEqual(try facet(["index", "reset"]).0, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: index))
    }

    /// `--dimension "Background Knowledge"` was a usage error, though import takes the
    /// dimension written that way.
    func testADimensionIsNamedAsImportNamesIt() throws {
        let message = directory.appendingPathComponent("chef.system.md")
        try "You are a chef.\nSuggest recipes for weeknights.\n".write(to: message, atomically: true, encoding: .utf8)
        for spelling in ["Background Knowledge", "background-knowledge", "BACKGROUND_KNOWLEDGE"] {
            let (status, out, err) = try facet(["suggest", message.path, "--dimension", spelling, "--format", "json", "--limit", "3"])
            XCTAssertEqual(status, 0, spelling + ": " + err)
            let found = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String: Any]], out)
            XCTAssertEqual(found.count, 3, out)
            XCTAssertEqual(Set(found.compactMap { $0["dimension"] as? String }), ["background_knowledge"], out)
        }
        let wrong = try facet(["suggest", message.path, "--dimension", "tone"])
        XCTAssertEqual(wrong.0, 2)
        XCTAssertTrue(wrong.2.contains("--dimension must be one of style, background_knowledge"), wrong.2)
    }

    func testAnUnusableIndexIsAnErrorForIndexCommands() throws {
        try "this is not a database".write(toFile: index, atomically: true, encoding: .utf8)
        let (status, _, err) = try facet(["index", "stats"])
        XCTAssertEqual(status, 2)
        XCTAssertTrue(err.contains("not an SQLite database, so not an index"), err)
        XCTAssertEqual(try facet(["suggest", directory.appendingPathComponent("missing.system.md").path]).0, 2)
    }

    /// The README gives 2 for a usage error; ArgumentParser's own code is 64.
    func testUsageErrorsExitTwoWithTheReason() throws {
        let message = directory.appendingPathComponent("ok.system.md")
        try "You are a chef.\n".write(to: message, atomically: true, encoding: .utf8)
        let badFormat = try facet(["check", "--format", "yaml", message.path])
        XCTAssertEqual(badFormat.0, 2)
        XCTAssertTrue(badFormat.2.contains("'yaml' is invalid for '--format"), badFormat.2)
        // Only check has findings for SARIF; the others neither list nor take it.
        for command in [["suggest", message.path], ["index", "search", "tone"], ["index", "stats"]] {
            let sarif = try facet(command + ["--format", "sarif"])
            XCTAssertEqual(sarif.0, 2, command.joined(separator: " "))
            XCTAssertTrue(sarif.2.contains("Please provide one of 'text' and 'json'"), sarif.2)
            XCTAssertFalse(try facet(command + ["--help"]).1.contains("sarif"), command.joined(separator: " "))
        }
        XCTAssertEqual(try facet(["check"]).0, 2, "no path")
        XCTAssertEqual(try facet(["no-such-command"]).0, 2)
        XCTAssertEqual(try facet(["bench", "--passes", "0"]).0, 2)
        XCTAssertEqual(try facet(["check", message.path]).0, 0, "a good run still exits 0")
        let help = try facet(["check", "--help"])
        XCTAssertEqual(help.0, 0)
        XCTAssertTrue(help.1.contains("USAGE: facet check"), help.1)
    }
}
