import XCTest
import Foundation
@testable import FacetCommands
@testable import FacetCore
@testable import FacetFiles

final class CheckCommandTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("facet-check-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try write(name, Array(text.utf8))
    }

    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let url = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// Parses the arguments as the `facet` command line would and runs `check`.
    func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let parsed = try FacetEntry.parseAsRoot(["check"] + arguments)
        let command = try XCTUnwrap(parsed as? CheckCommand)
        var output = ""
        let status = try command.execute { output += $0 }
        return (status, output)
    }

    func json(_ arguments: [String]) throws -> (status: Int32, root: [String: Any]) {
        let (status, output) = try run(arguments + ["--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(output.utf8))
        return (status, try XCTUnwrap(object as? [String: Any]))
    }

    func testExitZeroWithOnlyWarnings() throws {
        let path = try write("warn.system.md", "Be brief.\nExplain every step in detail.\n")
        let (status, output) = try run([path])
        XCTAssertEqual(status, 0)
        XCTAssertTrue(output.contains("warning"), output)
        XCTAssertTrue(output.contains("[conflicting-instructions]"), output)
        XCTAssertTrue(output.contains("\(path):2:1: warning:"), output)
    }

    func testExitZeroWithNoFindings() throws {
        let path = try write("ok.system.md", "You are a chef.\n")
        let (status, output) = try run([path])
        XCTAssertEqual(status, 0)
        XCTAssertTrue(output.contains("no findings"), output)
    }

    func testExitOneWithAnErrorFinding() throws {
        let path = try write("err.system.md", "<instructions>\nAnswer in French.\n")
        let (status, output) = try run([path])
        XCTAssertEqual(status, 1)
        XCTAssertTrue(output.contains("error"), output)
        XCTAssertTrue(output.contains("[unbalanced-section]"), output)
    }

    func testExitTwoForMissingFile() throws {
        let (status, _) = try run([directory.appendingPathComponent("nope.system.md").path])
        XCTAssertEqual(status, 2)
    }

    /// A path that is not there is reported in its place; the other files'
    /// findings are still given, in every format.
    func testMissingPathKeepsTheOtherFilesReports() throws {
        let good = try write("good.system.md", "Be brief.\nExplain every step in detail.\n")
        let missing = directory.appendingPathComponent("nope.system.md").path
        let (status, output) = try run([good, missing])
        XCTAssertEqual(status, 2)
        XCTAssertTrue(output.contains("[conflicting-instructions]"), output)
        XCTAssertTrue(output.contains("\(missing): error: cannot read: No such file or directory"), output)
        let (_, root) = try json([good, missing])
        let files = try XCTUnwrap(root["files"] as? [[String: Any]])
        XCTAssertEqual(files.map { $0["path"] as? String }, [good, missing])
        XCTAssertNotNil(files[1]["error"])
        XCTAssertEqual((files[0]["findings"] as? [Any])?.isEmpty, false)
    }

    /// Read twice, standard input would be split between the two at random.
    func testStandardInputNamedTwiceIsAUsageError() throws {
        XCTAssertEqual(try run(["-", "-"]).status, 2)
    }

    /// A folder whose name ends like a system message is searched, not read.
    func testFolderNamedLikeAMessageIsSearched() throws {
        try write("prompts.system.md/inner.system.md", "You are a chef.\n")
        let (status, output) = try run([directory.path])
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(output.contains("checked 1 file"), output)
    }

    /// A directory search takes regular files and links to them only: a FIFO
    /// blocked `facet check DIR` forever, and a link to /dev/zero was read
    /// until memory ran out.
    func testADirectorySearchSkipsFIFOsAndDevices() throws {
        try write("searched/b.system.md", "You are a chef.\n")
        // Outside the folder searched: a link to a file found anyway would be that file again.
        let real = try write("elsewhere.system.md", "You are a tutor.\n")
        let searched = directory.appendingPathComponent("searched")
        XCTAssertEqual(mkfifo(searched.appendingPathComponent("a.system.md").path, 0o600), 0)
        try FileManager.default.createSymbolicLink(atPath: searched.appendingPathComponent("z.system.md").path, withDestinationPath: "/dev/zero")
        try FileManager.default.createSymbolicLink(atPath: searched.appendingPathComponent("link.system.md").path, withDestinationPath: real)
        let found = try InputFiles.expand([searched.path]).map { ($0.path as NSString).lastPathComponent }
        XCTAssertEqual(found, ["b.system.md", "link.system.md"])
        let (status, output) = try run([searched.path])
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(output.contains("checked 2 files"), output)
    }

    /// A folder of prompts named `*.md` was "checked 0 files: no findings", exit 0, and a CI
    /// job that pointed at it passed without a word about it.
    func testAFolderWithNoSystemMessageFilesIsPointedOut() throws {
        try write("prompts/support.md", "You are a chef.\n")
        try write("named/ok.system.md", "You are a tutor.\n")
        let prompts = directory.appendingPathComponent("prompts").path
        let named = directory.appendingPathComponent("named").path
        let ((status, output), errors) = try capturingStandardError { try run([prompts, named]) }
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(output.contains("checked 1 file"), output)
        XCTAssertTrue(errors.contains("facet: warning: \(prompts) holds no file named *.system.md, *.sysmsg, *.prompt.md or *.system.txt; "
                                      + "name other files directly (facet check \(prompts)/*.md)"), errors)
        XCTAssertFalse(errors.contains(named), errors)
    }

    /// A device named on the command line is read up to a bound, then reported.
    func testReadingStopsAtTheBound() throws {
        XCTAssertEqual(InputFiles.maximumFileBytes, 256 << 20)
        XCTAssertThrowsError(try InputFiles.read(InputFiles.Input(path: "/dev/zero"), limit: 1 << 20)) { error in
            XCTAssertEqual("\(error)", "more than 1 MB: not a system message; Facet stopped reading it")
        }
    }

    /// A pipe (`facet check <(generate-prompt)`) is read like a file.
    func testPipeIsRead() throws {
        let pipe = Pipe()
        pipe.fileHandleForWriting.write(Data("Try to be brief.\n".utf8))
        try pipe.fileHandleForWriting.close()
        let (status, output) = try run(["/dev/fd/\(pipe.fileHandleForReading.fileDescriptor)"])
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(output.contains("[weak-instruction]"), output)
    }

    /// A settings file that is not UTF-8 is reported with its line and byte, as any
    /// other mistake in it is; it was "cannot read the file as UTF-8 text" alone.
    func testASettingsFileThatIsNotUTF8NamesItsLineAndByte() throws {
        let config = try write("latin/.facet.toml", Array("[rules]\n".utf8) + Array("# caf".utf8) + [0xE9] + Array("\n".utf8))
        let path = try write("latin/a.system.md", "You are a bot. Try to be brief.\n")
        let (status, output) = try run([path])
        XCTAssertEqual(status, 2, output)
        XCTAssertTrue(output.contains("\(config):2: invalid UTF-8 at byte offset 13 (byte 0xE9): save the file as UTF-8"), output)
    }

    /// A message quoting the file's text cannot send terminal sequences.
    func testTextOutputShowsNoControlCharacters() throws {
        let path = try write("esc.system.md", "Be brief.\n<!-- facet-disable bogus\u{1B}[2Jrule -->\nBe kind.\n")
        let (_, output) = try run([path])
        XCTAssertTrue(output.contains("unknown rule 'bogus\u{FFFD}[2Jrule'"), output)
        XCTAssertFalse(output.unicodeScalars.contains("\u{1B}"), output)
    }

    /// Bidirectional overrides would show the terminal's reader other text
    /// than the file holds; a streamed answer keeps its line breaks.
    func testBidiOverridesAreShownAsReplacementCharacters() throws {
        let path = try write("bidi.system.md", "Be brief.\n<!-- facet-disable bo\u{202E}gus\u{2066}x -->\nBe kind.\n")
        let (_, output) = try run([path])
        XCTAssertTrue(output.contains("unknown rule 'bo\u{FFFD}gus\u{FFFD}x'"), output)
        XCTAssertEqual(TerminalText.safe("a\nb\u{1B}[2J\r\n\u{202D}c", keepingLineBreaks: true), "a\nb\u{FFFD}[2J\r\n\u{FFFD}c")
        XCTAssertEqual(TerminalText.safe("a\nb"), "a\u{FFFD}b")
        XCTAssertEqual(TerminalText.safe("Arabic \u{200F} mark and tab\tstay"), "Arabic \u{200F} mark and tab\tstay", "marks that reorder nothing stay")
    }

    /// A name that is not UTF-8 cannot be opened through a Swift string; the
    /// error says why instead of "no such file" for a file that is there.
    func testAFileNameThatIsNotUTF8IsExplained() throws {
        var name = Array(directory.appendingPathComponent("bad").path.utf8CString.dropLast())
        name += [CChar(bitPattern: 0xFF)] + Array(".system.md".utf8CString)
        let fd = open(name, O_CREAT | O_WRONLY, 0o644)
        XCTAssertGreaterThanOrEqual(fd, 0)
        close(fd)
        let (status, output) = try run([directory.path])
        XCTAssertEqual(status, 2, output)
        XCTAssertTrue(output.contains("bad\u{FFFD}.system.md: error: cannot read: the file's name is not valid UTF-8"), output)
    }

    /// Two folders named "café", one in NFC and one in NFD, are two folders: each has its
    /// own `.facet.toml` lookup. Swift Strings compare by canonical equivalence, so keyed on
    /// String they shared one, and whichever was looked up first gave both its settings.
    func testFoldersWhoseNamesDifferOnlyInNormalisationHaveTheirOwnSettings() throws {
        let composed = directory.appendingPathComponent("caf\u{E9}").path
        let decomposed = directory.appendingPathComponent("cafe\u{301}").path
        XCTAssertNotEqual(Array(composed.utf8), Array(decomposed.utf8))
        try FileManager.default.createDirectory(atPath: composed, withIntermediateDirectories: false)
        // A file system that normalises names (APFS) has one folder for both; Linux's keep two.
        guard mkdir(decomposed, 0o755) == 0 else { return XCTFail("this file system takes both names for one folder") }
        try Data("[rules]\nweak-instruction = \"error\"\n".utf8).write(to: URL(fileURLWithPath: composed + "/.facet.toml"))
        for folder in [composed, decomposed] {
            try Data("You are a bot. Try to be brief.\n".utf8).write(to: URL(fileURLWithPath: folder + "/x.system.md"))
        }
        // The folder without settings looked up first: its answer was the other's too.
        let finder = ConfigurationFinder()
        XCTAssertNil(finder.path(forDirectory: decomposed))
        XCTAssertEqual(finder.path(forDirectory: composed).map { Array($0.utf8) }, Array((composed + "/.facet.toml").utf8))
        for arguments in [[decomposed + "/x.system.md", composed + "/x.system.md"], [directory.path]] {
            let (status, output) = try run(arguments)
            XCTAssertEqual(status, 1, output)
            XCTAssertTrue(output.contains("checked 2 files: 1 error, 1 info"), output)
        }
        // Neither file there yet: two names, not one, for --report and --chart.
        XCTAssertFalse(OutputFile.isSame(composed + "/r.md", decomposed + "/r.md"))
    }

    /// A folder whose name is not UTF-8 is searched, not skipped: the search decoded its
    /// name with U+FFFD, could not look it up and dropped it, and the run passed having
    /// checked nothing. Its files cannot be opened by name, so each is explained, exit 2.
    func testAFolderNameThatIsNotUTF8IsSearched() throws {
        var folder = Array(directory.appendingPathComponent("bad").path.utf8)
        folder += [0xFF] + Array("dir".utf8)
        XCTAssertEqual((folder + [0]).withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { mkdir($0.baseAddress!, 0o755) } }, 0)
        let file = folder + Array("/x.system.md".utf8) + [0]
        let fd = file.withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_CREAT | O_WRONLY, 0o644) } }
        XCTAssertGreaterThanOrEqual(fd, 0)
        close(fd)
        try write("ok.system.md", "You are a chef.\n")
        let (status, output) = try run([directory.path])
        XCTAssertEqual(status, 2, output)
        XCTAssertTrue(output.contains("bad\u{FFFD}dir/x.system.md: error: cannot read: the name of a folder on the file's path is not valid UTF-8"), output)
        XCTAssertTrue(output.contains("checked 1 of 2 files"), output)
    }

    /// A path that starts with "-", given without "--" before it, was refused with "Missing
    /// expected argument '<paths> ...'", which did not say what was wrong.
    func testAPathThatStartsWithADashIsExplained() throws {
        let saved = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(directory.path))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(saved) }
        try write("-draft.system.md", "You are a chef.\n")
        try write("-notes.txt", "You are a baker.\n")
        let ok = try write("ok.system.md", "You are a chef.\n")
        // Named like a message or a dataset, or naming a file: the hint, in place of ArgumentParser's message.
        let hinted: [([String], String)] = [
            (["check", "-draft.system.md"], "-draft.system.md"),
            (["check", ok, "--color", "-draft.system.md", "-notes.txt"], "-draft.system.md"),
            (["check", "-notes.txt"], "-notes.txt"),
            (["check", "-rows.jsonl"], "-rows.jsonl"),
            (["facets", "-draft.system.md"], "-draft.system.md"),
        ]
        for (arguments, path) in hinted {
            XCTAssertThrowsError(try FacetEntry.parseAsRoot(arguments), "\(arguments)")
            XCTAssertEqual(FacetEntry.dashedPathHint(arguments),
                           "facet: \(path) looks like an option; put -- before paths that start with \"-\" (facet \(arguments[0]) -- \(path))")
        }
        // A mistyped option is still ArgumentParser's "unknown option"; after "--", and "-" alone, are paths.
        XCTAssertThrowsError(try FacetEntry.parseAsRoot(["check", "--formt", "json", ok])) { error in
            XCTAssertTrue(FacetEntry.fullMessage(for: error).contains("Unknown option '--formt'"), FacetEntry.fullMessage(for: error))
        }
        for arguments in [["check", "--formt", "json", ok], ["check", "-x", ok], ["check", "-"], ["check", "--", "-draft.system.md"]] {
            XCTAssertNil(FacetEntry.dashedPathHint(arguments), "\(arguments)")
        }
        let (status, output) = try run(["--", "-draft.system.md"])
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(output.contains("checked 1 file"), output)
    }

    func testExitTwoForBadConfiguration() throws {
        try write(".facet.toml", "[rules]\nnot-a-rule = \"off\"\n")
        let path = try write("a.system.md", "You are a chef.\n")
        let (status, output) = try run([path])
        XCTAssertEqual(status, 2)
        XCTAssertTrue(output.contains(".facet.toml:2:"), output)
    }

    func testExitTwoForBadExplicitConfiguration() throws {
        let config = try write("custom.toml", "token-budget = \"x\"\n")
        let path = try write("a.system.md", "You are a chef.\n")
        XCTAssertEqual(try run([path, "--config", config]).status, 2)
        XCTAssertEqual(try run([path, "--config", directory.appendingPathComponent("missing.toml").path]).status, 2)
    }

    /// A --config that is a folder, missing or invalid is one usage error, said once before
    /// any file is checked: it was an error per file ("a.system.md: error: DIR:1: is a
    /// directory"), each counted as a file that could not be read.
    func testAnUnusableConfigIsOneUsageErrorBeforeAnyFile() throws {
        let first = try write("a.system.md", "You are a chef.\n")
        let second = try write("b.system.md", "You are a baker.\n")
        let folder = directory.appendingPathComponent("settings").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let missing = directory.appendingPathComponent("missing.toml").path
        let invalid = try write("invalid.toml", "token-budget = 10\n[rules]\nnot-a-rule = \"off\"\n")
        let expected = [
            folder: "facet: --config \(folder): is a directory; the settings file must be a file\n",
            missing: "facet: --config \(missing): cannot read the file: No such file or directory\n",
            invalid: "facet: --config \(invalid):3: unknown rule 'not-a-rule'; known rules: ",
        ]
        for (config, message) in expected {
            for paths in [[first, second], [try write("rows.jsonl", "{\"system\": \"You are a chef.\"}\n")]] {
                let ((status, output), errors) = try capturingStandardError { try run(paths + ["--config", config]) }
                XCTAssertEqual(status, 2, errors)
                XCTAssertEqual(output, "", "nothing is checked")
                XCTAssertTrue(errors.hasPrefix(message), errors)
                XCTAssertEqual(errors.components(separatedBy: "\n").count, 2, "said once: \(errors)")
            }
        }
    }

    /// The settings file is read through a handle, as message files are: a pipe
    /// (`--config <(...)`), /dev/null and a FIFO said "cannot read the file (check
    /// its permissions)". An empty file is an empty configuration.
    func testConfigurationFromAPipeAFIFOOrAnEmptyFile() throws {
        let settings = "[rules]\nweak-instruction = \"off\"\n"
        let message = try write("m.system.md", "Try to answer.\n")
        // A pipe, as the shell's <(...) gives, read once for every input.
        let pipe = Pipe()
        pipe.fileHandleForWriting.write(Data(settings.utf8))
        try pipe.fileHandleForWriting.close()
        let other = try write("n.system.md", "Try to help.\n")
        var (status, output) = try run(["--config", "/dev/fd/\(pipe.fileHandleForReading.fileDescriptor)", message, other])
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(output.contains("checked 2 files: no findings"), output)
        // Empty: the defaults.
        for empty in ["/dev/null", try write("empty.toml", "")] {
            (status, output) = try run(["--config", empty, message])
            XCTAssertEqual(status, 0, output)
            XCTAssertTrue(output.contains("[weak-instruction]"), output)
        }
        // A FIFO named with --config is waited on, like a FIFO named as a message.
        let fifo = directory.appendingPathComponent("settings.fifo").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let writer = Thread {
            guard let handle = FileHandle(forWritingAtPath: fifo) else { return }
            handle.write(Data(settings.utf8))
            try? handle.close()
        }
        writer.start()
        (status, output) = try run(["--config", fifo, message])
        XCTAssertTrue(output.contains("checked 1 file: no findings"), output)
        // A FIFO found as .facet.toml: read when a writer is there, and empty (not waited on,
        // which would hang the language server) when none is.
        let folder = directory.appendingPathComponent("fifo").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let found = try write("fifo/m.system.md", "Try to answer.\n")
        XCTAssertEqual(mkfifo(folder + "/.facet.toml", 0o600), 0)
        (status, output) = try run([found])
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(output.contains("[weak-instruction]"), output)
        // Opened for reading and writing, it does not wait for a reader; the settings stay in
        // it until read, and the end comes when the last writer closes, after they were read.
        let both = open(folder + "/.facet.toml", O_RDWR)
        XCTAssertGreaterThanOrEqual(both, 0)
        FileHandle(fileDescriptor: both, closeOnDealloc: false).write(Data(settings.utf8))
        let closer = Thread {
            var unread: Int32 = 1
            while ioctl(both, UInt(FIONREAD), &unread) == 0 && unread > 0 { usleep(1000) }
            close(both)
        }
        closer.start()
        (status, output) = try run([found])
        XCTAssertTrue(output.contains("checked 1 file: no findings"), output)
    }

    /// A quoted key may hold dots: `[endpoints."qwen2.5"]` was split into three
    /// parts and refused as an unknown table, and so was `"qwen2.5".model` under [endpoints].
    func testAQuotedKeyWithADotIsOnePart() throws {
        let header = "[endpoints.\"qwen2.5\"]\nmodel = \"q\"\nbase-url = \"http://localhost:1/v1\"\n"
        let dotted = "[endpoints]\n\"qwen2.5\".model = \"q\"\n\"qwen2.5\".base-url = \"http://localhost:1/v1\"\n"
        for text in [header, dotted] {
            let configuration = try FacetConfiguration.parse(toml: text, file: "f.toml")
            XCTAssertEqual(try configuration.preview.profile(named: "qwen2.5").get().model, "q", text)
        }
        try write(".facet.toml", header)
        let message = try write("m.system.md", "You are a chef.\n")
        let (status, output) = try run([message])
        XCTAssertEqual(status, 0, output)
        // Errors name the table as it is written.
        XCTAssertThrowsError(try FacetConfiguration.parse(toml: "[endpoints.\"qwen2.5\".extra]\nx = 1\n", file: "f.toml")) { error in
            XCTAssertTrue("\(error)".hasPrefix("f.toml:2: unknown table [endpoints.\"qwen2.5\".extra]"), "\(error)")
        }
        XCTAssertThrowsError(try FacetConfiguration.parse(toml: "[endpoints.\"a.b\"]\nmodle = \"y\"\n", file: "f.toml")) { error in
            XCTAssertTrue("\(error)".contains("[endpoints.\"a.b\".headers]"), "\(error)")
        }
    }

    /// An error inside an array written over several lines names the line of the
    /// item, not the array's first line; so does a string left open on a later line.
    func testErrorsInAMultiLineArrayNameTheItemsLine() throws {
        func error(_ text: String) -> String {
            do { _ = try FacetConfiguration.parse(toml: text, file: "f.toml"); return "no error" } catch { return error.description }
        }
        XCTAssertTrue(error("required-facets = [\n  \"role\",\n  \"bogus\",\n]\n").hasPrefix("f.toml:3: required-facets: 'bogus' is not a facet"))
        XCTAssertTrue(error("required-facets = [\n  \"role\",\n\n  3,\n]\n").hasPrefix("f.toml:4: required-facets takes facet names in quotes"))
        XCTAssertEqual(error("required-facets = [\n  \"role,\n]\n"), "f.toml:2: string is not closed")
        XCTAssertEqual(error("required-facets = [\"role\",\n  bogus]\n"), "f.toml:2: 'bogus' is not a TOML value (strings need quotes)")
        XCTAssertEqual(error("[preview]\ncompare = [\n  \"a\",\n  1,\n]\n"), "f.toml:4: preview.compare takes endpoint names as strings")
        // On one line, the key's line as before.
        XCTAssertTrue(error("\nrequired-facets = [\"role\", \"bogus\"]\n").hasPrefix("f.toml:2: required-facets: 'bogus'"))
        let config = try write(".facet.toml", "required-facets = [\n  \"role\",\n  \"bogus\",\n]\n")
        let (status, output) = try run([try write("m.system.md", "You are a chef.\n")])
        XCTAssertEqual(status, 2)
        XCTAssertTrue(output.contains("\(config):3: required-facets: 'bogus'"), output)
    }

    func testConfigurationFileIsApplied() throws {
        try write(".facet.toml", "[rules]\nunbalanced-section = \"warning\"\n")
        let path = try write("sub/err.system.md", "<instructions>\nAnswer in French.\n")
        XCTAssertEqual(try run([path]).status, 0, "severity lowered by the .facet.toml above the file")
    }

    /// The missing-facet skeleton was inserted with "\n" into a CRLF file.
    func testJSONFixesUseTheFileLineBreaks() throws {
        let path = try write("crlf.system.md", Array("Hello there.\r\nThe weather is nice.\r\nIt rains a lot.\r\n".utf8))
        let (_, root) = try json([path])
        let findings = try XCTUnwrap((root["files"] as? [[String: Any]])?.first?["findings"] as? [[String: Any]])
        let texts = findings.flatMap { ($0["fixes"] as? [[String: Any]] ?? []).flatMap { ($0["edits"] as? [[String: Any]] ?? []).compactMap { $0["newText"] as? String } } }
        XCTAssertFalse(texts.isEmpty)
        for text in texts where text.unicodeScalars.contains("\n") {
            XCTAssertFalse(text.replacingOccurrences(of: "\r\n", with: "").unicodeScalars.contains("\n"), text.debugDescription)
        }
        XCTAssertTrue(texts.contains { $0.hasSuffix("\r\n") }, "\(texts)")
    }

    func testJSONFormat() throws {
        let text = "# Rôle 😀\nTu es un assistant. 你好。你是谁？\n- Reply in JSON 🎉 always.\n<instructions>\nBe brief.\nExplain every step in detail.\n"
        let bytes = Array(text.utf8)
        let path = try write("u.system.md", bytes)
        let (status, root) = try json([path])
        XCTAssertEqual(status, 1, "the unclosed <instructions> is an error")
        XCTAssertEqual(root["version"] as? Int, 1)
        let files = try XCTUnwrap(root["files"] as? [[String: Any]])
        XCTAssertEqual(files.count, 1)
        let file = files[0]
        XCTAssertEqual(file["path"] as? String, path)
        let units = try XCTUnwrap(file["units"] as? [[String: Any]])
        XCTAssertEqual(units.count, 7)
        for unit in units {
            let range = try XCTUnwrap(unit["range"] as? [String: Any])
            let start = try XCTUnwrap(range["start"] as? Int), end = try XCTUnwrap(range["end"] as? Int)
            let slice = String(decoding: bytes[start..<end], as: UTF8.self)
            XCTAssertEqual(slice, unit["text"] as? String, "range slices the file bytes to the unit text")
            XCTAssertNotNil(unit["line"] as? Int)
            XCTAssertNotNil(unit["column"] as? Int)
            XCTAssertNotNil(unit["kind"] as? String)
            XCTAssertNotNil(unit["facets"] as? [String])
            XCTAssertNotNil(unit["confidence"] as? [String: Any])
        }
        XCTAssertEqual(units.map { $0["text"] as? String }, ["Rôle 😀", "Tu es un assistant.", "你好。", "你是谁？", "Reply in JSON 🎉 always.", "Be brief.", "Explain every step in detail."])
        XCTAssertEqual(units.map { $0["kind"] as? String }, ["heading", "sentence", "sentence", "sentence", "list-item", "sentence", "sentence"])
        // 1-based line, 1-based UTF-8 byte column.
        XCTAssertEqual(units[3]["line"] as? Int, 2)
        XCTAssertEqual(units[3]["column"] as? Int, 1 + Array("Tu es un assistant. 你好。".utf8).count)
        XCTAssertEqual(units[4]["facets"] as? [String], ["format"])

        let findings = try XCTUnwrap(file["findings"] as? [[String: Any]])
        XCTAssertFalse(findings.isEmpty)
        for finding in findings {
            XCTAssertNotNil(finding["rule"] as? String)
            XCTAssertNotNil(finding["severity"] as? String)
            XCTAssertNotNil(finding["message"] as? String)
            let range = try XCTUnwrap(finding["range"] as? [String: Any])
            XCTAssertNotNil(range["start"] as? Int)
            XCTAssertNotNil(range["end"] as? Int)
            XCTAssertNotNil(finding["related"] as? [[String: Any]])
        }
        let conflict = try XCTUnwrap(findings.first { $0["rule"] as? String == "conflicting-instructions" })
        let conflictRange = try XCTUnwrap(conflict["range"] as? [String: Int])
        XCTAssertEqual(String(decoding: bytes[conflictRange["start"]!..<conflictRange["end"]!], as: UTF8.self), "Explain every step in detail.")
        let related = try XCTUnwrap((conflict["related"] as? [[String: Any]])?.first)
        let relatedRange = try XCTUnwrap(related["range"] as? [String: Int])
        XCTAssertEqual(String(decoding: bytes[relatedRange["start"]!..<relatedRange["end"]!], as: UTF8.self), "Be brief.")
        let unbalanced = try XCTUnwrap(findings.first { $0["rule"] as? String == "unbalanced-section" })
        XCTAssertEqual(unbalanced["severity"] as? String, "error")

        let coverage = try XCTUnwrap(file["coverage"] as? [String: Any])
        XCTAssertNotNil(coverage["facets"] as? [String: Any])
        XCTAssertNotNil(coverage["missing"] as? [String])
    }

    func testJSONForUnreadableFileHasError() throws {
        let config = try write(".facet.toml", "bogus = 1\n")
        _ = config
        let path = try write("x.system.md", "Hi.\n")
        let (status, root) = try json([path])
        XCTAssertEqual(status, 2)
        let file = try XCTUnwrap((root["files"] as? [[String: Any]])?.first)
        XCTAssertNotNil(file["error"] as? String)
    }

    func testSARIFFormat() throws {
        let path = try write("s.system.md", "Be brief.\nExplain every step in detail.\n<instructions>\nAnswer in French.\n")
        let (status, output) = try run([path, "--format", "sarif"])
        XCTAssertEqual(status, 1)
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        XCTAssertEqual(root["version"] as? String, "2.1.0")
        let runs = try XCTUnwrap(root["runs"] as? [[String: Any]])
        XCTAssertEqual(runs.count, 1)
        let results = try XCTUnwrap(runs[0]["results"] as? [[String: Any]])
        let ids = Set(results.compactMap { $0["ruleId"] as? String })
        XCTAssertTrue(ids.isSuperset(of: ["conflicting-instructions", "unbalanced-section"]), "\(ids)")
        let rules = try XCTUnwrap(((runs[0]["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]])
        XCTAssertEqual(rules.count, RuleRegistry.all.count)
        let error = try XCTUnwrap(results.first { $0["ruleId"] as? String == "unbalanced-section" })
        XCTAssertEqual(error["level"] as? String, "error")
    }

    /// A folder's output was held until every file was checked: 100 MB of messages
    /// held 0.5-1 GB. Now each wave of files is written as it is done.
    func testAFolderIsWrittenAsItIsChecked() throws {
        for index in 0..<60 { try write(String(format: "m%02d.system.md", index), "Be brief.\nExplain every step in detail.\n") }
        let parsed = try FacetEntry.parseAsRoot(["check", directory.path, "--format", "json"])
        let command = try XCTUnwrap(parsed as? CheckCommand)
        var writes: [String] = []
        XCTAssertEqual(try command.execute { writes.append($0) }, 0)
        XCTAssertGreaterThan(writes.count, 4, "written at once, not as the files were checked")
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(writes.joined().utf8)) as? [String: Any])
        let paths = try XCTUnwrap(root["files"] as? [[String: Any]]).compactMap { $0["path"] as? String }
        XCTAssertEqual(paths.map { ($0 as NSString).lastPathComponent }, (0..<60).map { String(format: "m%02d.system.md", $0) })
    }

    /// A file under an invalid .facet.toml was counted as one that "could not be read".
    func testFilesUnderInvalidSettingsAreCountedApart() throws {
        try write("bad/.facet.toml", "[rules]\nnot-a-rule = \"off\"\n")
        try write("bad/a.system.md", "You are a chef.\n")
        try write("good/b.system.md", "You are a chef.\n")
        let missing = directory.appendingPathComponent("missing.system.md").path
        let (status, output) = try run([directory.path, missing])
        XCTAssertEqual(status, 2)
        XCTAssertTrue(output.hasSuffix("checked 1 of 3 files: no findings; 1 could not be read; 1 not checked: invalid settings\n"), output)
    }

    /// Text said a settings error again for every file under it; JSON keeps it per file.
    func testASettingsErrorIsSaidOnceInTextAndPerFileInJSON() throws {
        try write("bad/.facet.toml", "[rules]\nnot-a-rule = \"off\"\n")
        for name in ["a", "b", "c"] { try write("bad/\(name).system.md", "You are a chef.\n") }
        try write("bad/deeper/.facet.toml", "token-budget = \"many\"\n")
        try write("bad/deeper/d.system.md", "You are a chef.\n")
        let (status, output) = try run([directory.path])
        XCTAssertEqual(status, 2)
        let lines = output.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.filter { $0.contains("not-a-rule") }.count, 1, output)
        XCTAssertTrue(lines.contains { $0.contains("a.system.md: error: ") && $0.hasSuffix("; no file under these settings is checked") }, output)
        XCTAssertEqual(lines.filter { $0.contains("deeper/.facet.toml") }.count, 1, "each settings file is said once: \(output)")
        XCTAssertTrue(output.hasSuffix("checked 0 of 4 files: no findings; 4 not checked: invalid settings\n"), output)

        let (_, json) = try run([directory.path, "--format", "json"])
        XCTAssertEqual(json.components(separatedBy: "not-a-rule").count - 1, 3, json)
    }

    /// A .facet.toml that is a folder was reported at a line 1 it does not have.
    func testASettingsFolderIsReportedWithoutALine() throws {
        try FileManager.default.createDirectory(at: directory.appendingPathComponent(".facet.toml"), withIntermediateDirectories: true)
        try write("a.system.md", "You are a chef.\n")
        let (status, output) = try run([directory.path])
        XCTAssertEqual(status, 2)
        XCTAssertTrue(output.contains(".facet.toml: is a directory; the settings file must be a file"), output)
        XCTAssertFalse(output.contains(".facet.toml:1:"), output)
    }

    /// Each SARIF column was counted from its line's start: 300,000 findings that end
    /// at the end of one 600 KB line took 47 seconds.
    func testSARIFColumnsOnOneLongLineTakeLinearTime() throws {
        let count = 60_000
        let path = try write("long.system.md", "é <!-- facet-disable " + String(repeating: "x ", count: count) + "-->\n")
        let start = Date()
        let (_, output) = try run([path, "--format", "sarif"])
        XCTAssertLessThan(Date().timeIntervalSince(start), 20, "SARIF columns took quadratic time")
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let results = try XCTUnwrap((root["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]])
        let unknown = results.filter { $0["ruleId"] as? String == "unknown-rule" }
        XCTAssertEqual(unknown.count, count)
        let region = (((unknown.last?["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["region"] as? [String: Any])
        // Each names the whole comment, which starts at byte 3 and ends at 25 + 2 * count;
        // "é" is two bytes and one UTF-16 unit, so its columns are one less (and 1-based).
        XCTAssertEqual(region?["byteOffset"] as? Int, 3)
        XCTAssertEqual(region?["byteLength"] as? Int, 22 + 2 * count)
        XCTAssertEqual(region?["startColumn"] as? Int, 3)
        XCTAssertEqual(region?["endColumn"] as? Int, 25 + 2 * count)
    }

    /// SARIF's `uri` is a URI reference: spaces, "%", "?" and "#" are escaped.
    func testSARIFURIIsEscaped() throws {
        let path = try write("with space %20#1?.system.md", "Be brief.\nExplain every step in detail.\n")
        let (_, output) = try run([path, "--format", "sarif"])
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let result = try XCTUnwrap(((root["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]])?.first)
        let location = (result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any]
        let uri = try XCTUnwrap((location?["artifactLocation"] as? [String: Any])?["uri"] as? String)
        XCTAssertTrue(uri.hasSuffix("/with%20space%20%2520%231%3F.system.md"), uri)
        // An absolute path is a file URI; a relative one is relative to SRCROOT, the folder the check ran in.
        XCTAssertEqual(URL(string: uri)?.isFileURL, true, uri)
        XCTAssertEqual(URL(string: uri)?.path, path)
        XCTAssertNil((location?["artifactLocation"] as? [String: Any])?["uriBaseId"])
    }

    func testSARIFRelativePathsAreFromTheSourceRootAndFixesAreReplacements() throws {
        let text = "Try to be brief.\r\nAnswer in English.\r\n<rules>\r\n"
        try write("sub/r.system.md", text)
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(directory.path))
        defer { FileManager.default.changeCurrentDirectoryPath(previous) }
        let (_, output) = try run(["sub/r.system.md", "--format", "sarif"])
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let run = try XCTUnwrap((root["runs"] as? [[String: Any]])?.first)
        let base = try XCTUnwrap(((run["originalUriBaseIds"] as? [String: Any])?["SRCROOT"] as? [String: Any])?["uri"] as? String)
        XCTAssertEqual(URL(string: base)?.standardizedFileURL.path, URL(fileURLWithPath: directory.path).standardizedFileURL.path)
        XCTAssertTrue(base.hasPrefix("file:///") && base.hasSuffix("/"), base)
        let results = try XCTUnwrap(run["results"] as? [[String: Any]])
        let weak = try XCTUnwrap(results.first { $0["ruleId"] as? String == "weak-instruction" })
        let artifact = (((weak["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["artifactLocation"] as? [String: Any])
        XCTAssertEqual(artifact?["uri"] as? String, "sub/r.system.md")
        XCTAssertEqual(artifact?["uriBaseId"] as? String, "SRCROOT")
        // Every fix, applied to the bytes as SARIF describes it, gives what the JSON format's fix gives.
        let (_, json) = try json(["sub/r.system.md"])
        let jsonFindings = try XCTUnwrap((json["files"] as? [[String: Any]])?.first?["findings"] as? [[String: Any]])
        var checked = 0
        for (result, finding) in zip(results, jsonFindings) {
            let fixes = result["fixes"] as? [[String: Any]] ?? []
            let jsonFixes = finding["fixes"] as? [[String: Any]] ?? []
            XCTAssertEqual(fixes.count, jsonFixes.count)
            for (fix, jsonFix) in zip(fixes, jsonFixes) {
                XCTAssertEqual((fix["description"] as? [String: Any])?["text"] as? String, jsonFix["title"] as? String)
                let change = try XCTUnwrap((fix["artifactChanges"] as? [[String: Any]])?.first)
                XCTAssertEqual((change["artifactLocation"] as? [String: Any])?["uri"] as? String, "sub/r.system.md")
                var sarifBytes = Array(text.utf8), jsonBytes = Array(text.utf8)
                for replacement in (change["replacements"] as? [[String: Any]] ?? []).reversed() {
                    let region = try XCTUnwrap(replacement["deletedRegion"] as? [String: Int])
                    let inserted = try XCTUnwrap((replacement["insertedContent"] as? [String: Any])?["text"] as? String)
                    sarifBytes.replaceSubrange(region["byteOffset"]!..<(region["byteOffset"]! + region["byteLength"]!), with: Array(inserted.utf8))
                }
                for edit in (jsonFix["edits"] as? [[String: Any]] ?? []).reversed() {
                    let range = try XCTUnwrap(edit["range"] as? [String: Int])
                    jsonBytes.replaceSubrange(range["start"]!..<range["end"]!, with: Array(try XCTUnwrap(edit["newText"] as? String).utf8))
                }
                XCTAssertEqual(String(decoding: sarifBytes, as: UTF8.self), String(decoding: jsonBytes, as: UTF8.self))
                XCTAssertNotEqual(sarifBytes, Array(text.utf8))
                checked += 1
            }
        }
        XCTAssertGreaterThanOrEqual(checked, 2, "the weak-instruction and unbalanced-section fixes")
    }

    func testDirectoryRecursionPicksSystemMessageFilesOnly() throws {
        let picked = ["a.system.md", "b.sysmsg", "c.prompt.md", "d.system.txt", "nested/deeper/e.system.md"]
        let ignored = ["f.md", "g.txt", "h.system.markdown", "system.md.bak", "i.prompt", ".hidden/j.system.md"]
        for name in picked + ignored { try write(name, "You are a chef.\n") }
        let (status, root) = try json([directory.path])
        XCTAssertEqual(status, 0)
        let paths = try XCTUnwrap((root["files"] as? [[String: Any]])?.compactMap { $0["path"] as? String })
        XCTAssertEqual(paths, picked.sorted().map { directory.path + "/" + $0 })
    }

    /// A link to a folder, named on the command line (with or without a trailing
    /// slash) or met in a search, is followed: `facet check link` checked no file
    /// and passed. A loop of links ends, and each file is read once.
    func testLinksToFoldersAreFollowedAndLoopsEnd() throws {
        try write("real/a.system.md", "You are a chef.\n")
        try write("tree/b.system.md", "You are a tutor.\n")
        let link = directory.appendingPathComponent("link").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: directory.appendingPathComponent("real").path)
        try FileManager.default.createSymbolicLink(atPath: directory.appendingPathComponent("tree/sub").path, withDestinationPath: "../real")
        try FileManager.default.createSymbolicLink(atPath: directory.appendingPathComponent("tree/up").path, withDestinationPath: "..")
        for named in [link, link + "/"] {
            let found = try InputFiles.expand([named]).map(\.path)
            XCTAssertEqual(found, [link + "/a.system.md"], named)
        }
        let (status, output) = try run([link])
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(output.contains("checked 1 file"), output)
        // tree/up leads back to the folder above: real, link and tree again, each searched once.
        let found = try InputFiles.expand([directory.appendingPathComponent("tree").path])
        let names = found.map { String($0.path.dropFirst(directory.path.count + 1)) }
        XCTAssertEqual(names, ["tree/b.system.md", "tree/sub/a.system.md"])
    }

    /// Paths that overlap name each file once, in the place it first came: `facet check .
    /// sub sub/x.system.md` checked x three times. Files are told apart by device and
    /// inode, so a link to one is the same file too.
    func testOverlappingPathsCheckEachFileOnce() throws {
        let inner = try write("sub/x.system.md", "You are a bot. Try to be brief.\n")
        let outer = try write("y.system.md", "You are a chef.\n")
        let sub = directory.appendingPathComponent("sub").path
        let link = directory.appendingPathComponent("z.system.md").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: outer)
        var (status, output) = try run([directory.path, sub, inner, link])
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(output.contains("checked 2 files"), output)
        XCTAssertEqual(output.components(separatedBy: "[weak-instruction]").count, 2, output)
        // The first place wins: the file named first, then the rest of the folder in name order.
        XCTAssertEqual(try InputFiles.expand([inner, directory.path, sub]).map(\.path), [inner, outer])
        XCTAssertEqual(try InputFiles.expand([sub, directory.path]).map(\.path), [inner, outer])
        // A path that is not there, named twice, is one error.
        let missing = directory.appendingPathComponent("nope.system.md").path
        (status, output) = try run([missing, missing])
        XCTAssertEqual(status, 2, output)
        XCTAssertEqual(output.components(separatedBy: "nope.system.md").count, 2, output)
    }

    /// `facet facets` shows a unit that spans CRLF lines on one line; the "\r" of
    /// each line ending was shown as "�".
    func testFacetsShowsAUnitWithWindowsLineEndingsOnOneLine() {
        let analysis = Analyzer.analyze(SourceText(bytes: Array("You are a helpful bot\r\nthat answers billing questions.\r\n".utf8)))
        let output = FacetsCommand.render(analysis, colors: Colors(enabled: false))
        XCTAssertTrue(output.contains("You are a helpful bot that answers billing questions."), output)
        XCTAssertFalse(output.contains("\u{FFFD}"), output)
        XCTAssertEqual(TerminalText.oneLine("a\r\nb\rc\nd\n\ne"), "a b c d  e")
    }

    /// Only a NO_COLOR with a value turns colour off (no-color.org); an empty one did too.
    func testAnEmptyNoColorLeavesColourOn() {
        XCTAssertTrue(Colors.forStandardOutput(environment: ["NO_COLOR": ""], isTerminal: true).enabled)
        XCTAssertTrue(Colors.forStandardOutput(environment: [:], isTerminal: true).enabled)
        XCTAssertFalse(Colors.forStandardOutput(environment: ["NO_COLOR": "1"], isTerminal: true).enabled)
        XCTAssertFalse(Colors.forStandardOutput(environment: [:], isTerminal: false).enabled)
        XCTAssertTrue(Colors.forStandardOutput(forced: true, environment: ["NO_COLOR": "1"], isTerminal: false).enabled)
    }

    func testTextOutputColumnsAreUTF8Bytes() throws {
        let path = try write("c.system.md", "日本 <instructions>\n<instructions>\nGive a few examples.\n")
        let (_, output) = try run([path])
        XCTAssertTrue(output.contains("\(path):2:1: error:"), output)
    }


    /// A byte order mark, which editors hide, counts no column: "maybe" showed at 1:19, not 1:16.
    func testAByteOrderMarkCountsNoColumn() throws {
        let path = try write("bom.system.md", SourceText.byteOrderMark + Array("You are a bot. Maybe help the user.\nMaybe be kind.\n".utf8))
        let (_, text) = try run([path])
        XCTAssertTrue(text.contains("\(path):1:16: info:"), text)
        XCTAssertTrue(text.contains("\(path):2:1: info:"), text)
        let file = try XCTUnwrap((try json([path]).root["files"] as? [[String: Any]])?.first)
        let units = try XCTUnwrap(file["units"] as? [[String: Any]])
        XCTAssertEqual(units.map { $0["column"] as? Int }, [1, 16, 1])
        XCTAssertEqual((units[0]["range"] as? [String: Int])?["start"], 3, "offsets still count the mark's bytes")
        let findings = try XCTUnwrap(file["findings"] as? [[String: Any]])
        XCTAssertEqual(findings.first?["column"] as? Int, 16)
        let (_, sarif) = try run([path, "--format", "sarif"])
        XCTAssertTrue(sarif.contains("\"startLine\":1,\"startColumn\":16,"), "SARIF counts UTF-16 units, the mark not among them")
    }

    func testRulesReferenceMentionsEveryRule() {
        let markdown = RulesCommand.markdownReference()
        for rule in RuleRegistry.all { XCTAssertTrue(markdown.contains("## \(rule.id)\n"), rule.id) }
    }
}
