import XCTest
import Foundation
@testable import FacetCommands
@testable import FacetCore

/// `facet score-facets` run as the CLI runs it, on labels that are wrong in every way.
final class ScoreFacetsCommandTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("facet-score-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// Parses the arguments as the `facet` command line would and runs `score-facets`:
    /// the exit status, standard output and standard error.
    func run(_ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        let command = try XCTUnwrap(try FacetEntry.parseAsRoot(["score-facets"] + arguments) as? ScoreFacetsCommand)
        var output = ""
        let (status, errors) = try capturingStandardError { try command.execute { output += $0 } }
        return (status, output, errors)
    }

    /// A source that is not there, and a labels file that is not there, are IO errors
    /// (exit 2) named by file, not a Foundation error's dump with exit 1.
    func testFilesThatCannotBeReadAreNamed() throws {
        let labels = try write("labels.jsonl", #"{"source": "nope.md", "start": 0, "end": 5, "facets": ["role"]}"# + "\n")
        var (status, _, errors) = try run(["--labels", labels, "--root", directory.path])
        XCTAssertEqual(status, 2, errors)
        XCTAssertEqual(errors, "facet: \(directory.path)/nope.md: cannot read: No such file or directory (the source of \(labels):1)\n")
        (status, _, errors) = try run(["--labels", directory.appendingPathComponent("missing.jsonl").path])
        XCTAssertEqual(status, 2, errors)
        XCTAssertEqual(errors, "facet: \(directory.path)/missing.jsonl: cannot read: No such file or directory\n")
        (status, _, errors) = try run([directory.appendingPathComponent("missing.tagged.md").path])
        XCTAssertEqual(status, 2, errors)
        XCTAssertEqual(errors, "facet: \(directory.path)/missing.tagged.md: cannot read: No such file or directory\n")
    }

    /// A line that is not a label names the labels file and its line (blank lines counted).
    func testALineThatIsNotALabelNamesItsLine() throws {
        try write("a.md", "You are a chef.\n")
        let good = #"{"source": "a.md", "start": 0, "end": 15, "facets": ["role"]}"#
        for (line, expected) in [("{not json", "not valid JSON"), (#"{"start": 0}"#, #"no "source""#),
                                 (#"{"source": "a.md", "start": "zero"}"#, #""start" has the wrong type"#), ("[1]", "not a JSON object")] {
            let labels = try write("labels.jsonl", good + "\n\n" + line + "\n")
            let (status, _, errors) = try run(["--labels", labels, "--root", directory.path])
            XCTAssertEqual(status, 2, errors)
            XCTAssertTrue(errors.hasPrefix("facet: \(labels):3: \(expected)"), errors)
            XCTAssertFalse(errors.contains("DecodingError"), errors)
        }
        let labels = try write("labels.jsonl", good + "\r\n\n")
        let (status, output, errors) = try run(["--labels", labels, "--root", directory.path])
        XCTAssertEqual(status, 0, errors)
        XCTAssertTrue(output.contains("1 documents, 1 units"), output)
    }

    /// Labels whose numbers are no range of the file are errors naming the line: a start
    /// after the end, and a negative prefix, stopped the process (SIGILL).
    func testLabelsOutsideTheFileAreErrorsNotCrashes() throws {
        try write("a.md", "You are a chef.\n")
        for (line, expected) in [(#"{"source": "a.md", "start": 10, "end": 5, "facets": ["role"]}"#, #""start" 10 and "end" 5 are no range of bytes"#),
                                 (#"{"source": "a.md", "start": -1, "end": 5, "facets": ["role"]}"#, #""start" -1 and "end" 5 are no range of bytes"#),
                                 (#"{"source": "a.md", "prefix_bytes": -1}"#, #""prefix_bytes" is -1"#),
                                 (#"{"source": "a.md", "start": 0, "end": 17, "facets": ["role"]}"#, #""end" 17 is past the end of \#(directory.path)/a.md (16 bytes)"#)] {
            let labels = try write("labels.jsonl", line + "\n")
            let (status, _, errors) = try run(["--labels", labels, "--root", directory.path])
            XCTAssertEqual(status, 2, errors)
            XCTAssertTrue(errors.hasPrefix("facet: \(labels):1: \(expected)"), errors)
        }
        // The whole file, and a prefix of it, are ranges.
        let labels = try write("labels.jsonl", #"{"source": "a.md", "start": 0, "end": 16, "facets": ["role"]}"# + "\n" + #"{"source": "a.md", "prefix_bytes": 0}"# + "\n")
        XCTAssertEqual(try run(["--labels", labels, "--root", directory.path]).status, 0)
    }

    /// --features is written last, in place, and never over a file read: it was emptied
    /// before the arguments were checked, written over its own input, and a link to it
    /// was replaced by a file.
    func testFeaturesNeverDestroyAFile() throws {
        let keep = try write("keep.md", "precious\n")
        let tagged = try write("t.tagged.md", "«role»You are a chef.«/»\n")
        try write("a.md", "You are a chef.\n")
        let labels = try write("labels.jsonl", #"{"source": "a.md", "start": 0, "end": 15, "facets": ["role"]}"# + "\n")
        func contents(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }
        // No input: a usage error, and the file is as it was.
        XCTAssertThrowsError(try run(["--features", keep]))
        XCTAssertEqual(try contents(keep), "precious\n")
        // A folder without tagged files gives no document: the same.
        let empty = directory.appendingPathComponent("empty").path
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: false)
        XCTAssertThrowsError(try run([empty, "--features", keep]))
        XCTAssertEqual(try contents(keep), "precious\n")
        // An input named as the output, directly, through a link, as the labels or a source.
        let link = directory.appendingPathComponent("link.md").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: tagged)
        for arguments in [[tagged, "--features", tagged], [tagged, "--features", link],
                          ["--labels", labels, "--root", directory.path, "--features", labels],
                          ["--labels", labels, "--root", directory.path, "--features", directory.appendingPathComponent("a.md").path]] {
            let (status, _, errors) = try run(arguments)
            XCTAssertEqual(status, 2, errors)
            XCTAssertTrue(errors.contains("is one of the files read"), errors)
        }
        XCTAssertEqual(try contents(tagged), "«role»You are a chef.«/»\n")
        XCTAssertEqual(try contents(labels), #"{"source": "a.md", "start": 0, "end": 15, "facets": ["role"]}"# + "\n")
        XCTAssertEqual(try contents(directory.appendingPathComponent("a.md").path), "You are a chef.\n")
        // A link to the output file stays a link, and the file it points to gets the lines.
        let target = try write("features.jsonl", "")
        let features = directory.appendingPathComponent("features-link.jsonl").path
        try FileManager.default.createSymbolicLink(atPath: features, withDestinationPath: target)
        let (status, _, errors) = try run([tagged, "--features", features])
        XCTAssertEqual(status, 0, errors)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: features), target)
        let written = try contents(target)
        XCTAssertTrue(written.contains(#""gold":["role"]"#), written)
    }

    /// Sources named "café.md" in NFC and in NFD are two files, each scored with its own
    /// labels: keyed on String, the second's labels went to the first.
    func testSourcesWhoseNamesDifferOnlyInNormalisationAreTwoFiles() throws {
        let composed = "caf\u{E9}.md", decomposed = "cafe\u{301}.md"
        try write(composed, "You are a chef.\n")
        guard !FileManager.default.fileExists(atPath: directory.appendingPathComponent(decomposed).path) else {
            return XCTFail("this file system takes both names for one file (Linux's keep two)")
        }
        try write(decomposed, "Reply in JSON only.\n")
        let labels = try write("labels.jsonl", [
            #"{"source": "\#(composed)", "start": 0, "end": 15, "facets": ["role"]}"#,
            #"{"source": "\#(decomposed)", "start": 0, "end": 19, "facets": ["format"]}"#,
        ].joined(separator: "\n") + "\n")
        let (status, output, errors) = try run(["--labels", labels, "--root", directory.path])
        XCTAssertEqual(status, 0, errors)
        XCTAssertTrue(output.contains("2 documents, 2 units"), output)
    }
}
