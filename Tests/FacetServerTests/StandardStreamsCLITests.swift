import Foundation
import XCTest

/// Standard streams that cannot be used end a run with exit 2 and a reason,
/// never a crash (Foundation's non-throwing FileHandle calls stop the process).
final class StandardStreamsCLITests: XCTestCase {
    func testAFullOutputIsAnIOError() throws {
        let full = try XCTUnwrap(FileHandle(forWritingAtPath: "/dev/full"))
        defer { try? full.close() }
        let message = FileManager.default.temporaryDirectory.appendingPathComponent("facet-streams-\(UUID().uuidString).system.md")
        try "You are a chef.\n".write(to: message, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: message) }
        let index = FileManager.default.temporaryDirectory.appendingPathComponent("facet-streams-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm", "-lock"] { try? FileManager.default.removeItem(atPath: index + suffix) } }
        // The last two write with `print`, whose buffer meets the full disk only at exit.
        for arguments in [["check", message.path], ["facets", message.path], ["rules"], ["suggest", message.path, "--index", index],
                          ["index", "stats", "--index", index]] {
            let (status, _, err) = try runFacet(arguments, standardOutput: full)
            XCTAssertEqual(status, 2, arguments.joined(separator: " "))
            XCTAssertTrue(err.contains("cannot write the output: No space left on device"), err)
        }
    }

    func testUnreadableStandardInputIsAnIOError() throws {
        // A directory opens for reading but cannot be read.
        let directory = try XCTUnwrap(FileHandle(forReadingAtPath: FileManager.default.temporaryDirectory.path))
        defer { try? directory.close() }
        let check = try runFacet(["check", "-"], standardInput: directory)
        XCTAssertEqual(check.0, 2)
        XCTAssertTrue(check.1.contains("-: error: cannot read: Is a directory"), check.1)
        let facets = try runFacet(["facets", "-"], standardInput: directory)
        XCTAssertEqual(facets.0, 2)
        XCTAssertTrue(facets.2.contains("cannot read: Is a directory"), facets.2)
    }

    /// Standard input is read within the bound a named file has: `facet check - < /dev/zero`
    /// read until memory ran out.
    func testAnEndlessStandardInputStopsAtTheBound() throws {
        let zero = try XCTUnwrap(FileHandle(forReadingAtPath: "/dev/zero"))
        defer { try? zero.close() }
        let (status, output, _) = try runFacet(["check", "-"], standardInput: zero)
        XCTAssertEqual(status, 2)
        XCTAssertTrue(output.contains("-: error: cannot read: more than 256 MB: not a system message; Facet stopped reading it"), output)
    }
}
