@testable import FacetCore
import Foundation
import GRDB
import XCTest
@testable import FacetIndex

/// Builds collection files in a temporary folder.
class IndexTestCase: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("facet-index-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func file(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func openIndex(_ name: String = "index.sqlite") throws -> PreferenceIndex {
        try PreferenceIndex.open(path: directory.appendingPathComponent(name).path)
    }

    /// A Multifaceted Collection row as JSON (one line).
    func collectionRow(system: String, preferences: [(String, String, String, String)], source: String = "test_source") -> String {
        let set = preferences.map { #"{"dimension":"\#($0.0)","subdimension":"\#($0.1)","preference":"\#($0.2)","description":"\#($0.3)"}"# }
        return #"{"main_source":"\#(source)","original_source":"\#(source)-orig","preference_set":[\#(set.joined(separator: ","))],"system":"\#(system)","prompt":"Q?","output":"A, with {braces} and [brackets]."}"#
    }
}

final class IndexTests: IndexTestCase {
    func testTheEmbeddedCollectionMeetsItsBrief() {
        let preferences = DefaultCollection.preferences
        XCTAssertGreaterThanOrEqual(preferences.count, 300)
        let dimensions = Set(preferences.map(\.dimension))
        XCTAssertEqual(dimensions, Set(PreferenceDimension.allCases.map(\.rawValue)))
        XCTAssertGreaterThanOrEqual(Set(preferences.map { $0.dimension + "/" + $0.subdimension }).count, 20)
        XCTAssertEqual(Set(preferences.map(\.description)).count, preferences.count, "descriptions are unique")
        XCTAssertTrue(preferences.allSatisfy { !$0.name.isEmpty && $0.description.hasSuffix(".") })
        XCTAssertEqual(DefaultCollection.jsonLines.split(separator: "\n").count, preferences.count, "every line parses")
    }

    func testANewIndexHoldsTheEmbeddedCollectionOnce() throws {
        let started = Date()
        let index = try openIndex()
        XCTAssertLessThan(Date().timeIntervalSince(started), 5, "generous bound; the benchmark measures the real figure")
        XCTAssertEqual(try index.stats().preferences, DefaultCollection.preferences.count)
        let again = try openIndex()
        XCTAssertEqual(try again.stats().preferences, DefaultCollection.preferences.count)
    }

    func testImportMergesIdenticalPreferencesAndIsIdempotent() throws {
        let shared = ("harmlessness", "safety", "Warn about voltage", "Warn before any step that involves mains voltage.")
        let rows = [
            collectionRow(system: "You are an electrician's helper.", preferences: [shared, ("style", "tone", "Calm", "Stay calm and plain.")]),
            collectionRow(system: "You are a solar installer's assistant.", preferences: [shared]),
        ].joined(separator: "\n") + "\n"
        let path = try file("rows.jsonl", rows)
        let index = try openIndex()
        let report = try CollectionImporter(index: index).importFile(path)
        XCTAssertEqual(report.rows, 2)
        XCTAssertEqual(report.preferencesAdded, 2)
        XCTAssertEqual(report.messagesAdded, 2)
        let merged = try XCTUnwrap(try index.search(["voltage"]).first)
        XCTAssertEqual(merged.preference.count, 2, "stated by two messages")
        XCTAssertEqual(merged.preference.source, "test_source-orig")
        let before = try index.stats()
        let again = try CollectionImporter(index: index).importFile(path)
        XCTAssertEqual(again.preferencesAdded, 0)
        XCTAssertEqual(again.messagesAdded, 0)
        let after = try index.stats()
        XCTAssertEqual(after.preferences, before.preferences)
        XCTAssertEqual(after.links, before.links)
        XCTAssertEqual(try index.search(["voltage"]).first?.preference.count, 2, "re-importing adds nothing")
        XCTAssertEqual(try index.similarMessages(["solar", "installer"]).first?.text, "You are a solar installer's assistant.")
    }

    func testJSONArraysStreamWithLineNumbersAndMalformedRowsAreSkipped() throws {
        let first = collectionRow(system: #"First, with a comma, and \"quotes\"."#,
                                  preferences: [("informativeness", "depth", "Go deep", "Explain the zygomorphic mechanism, not just the result.")])
        let text = """
        [
          \(first),
          {"preference_set": "not a list"},
          {"dimension": "style", "subdimension": "tone", "preference": "Warm", "description": "Sound warm, never gushing."},
          {"dimension": "style", "preference": "No description"},
          {"broken": [1, 2
        ]
        """
        let path = try file("rows.json", text)
        let index = try openIndex()
        let report = try CollectionImporter(index: index).importFile(path)
        XCTAssertEqual(report.rows, 5)
        XCTAssertEqual(report.problems.map(\.line), [3, 5, 6], "\(report.problems)")
        XCTAssertTrue(report.problems[1].message.contains("no description"), report.problems[1].message)
        XCTAssertEqual(try index.search(["warm"]).first?.preference.name, "Warm")
        XCTAssertEqual(try index.search(["zygomorphic"]).first?.preference.name, "Go deep")

        var strict = CollectionImporter(index: try openIndex("strict.sqlite"))
        strict.strict = true
        let stopped = try strict.importFile(path)
        XCTAssertTrue(stopped.stoppedEarly)
        XCTAssertEqual(stopped.problems.count, 1)
    }

    /// Rows written over several lines (`jq .` output, a row saved with indentation): each line
    /// was read as a JSON Lines row, so every one was skipped as "not valid JSON".
    func testObjectsWrittenOverSeveralLinesAreRows() throws {
        let text = """
        {
          "dimension": "style",
          "preference": "Warm",
          "description": "Sound warm, never gushing."
        }
        {
          "dimension": "informativeness",
          "preference": "Go deep",
          "description": "Explain the zygomorphic mechanism, with {braces} in it."
        }
        {
          "broken": [1,
        }

        """
        let index = try openIndex()
        let report = try CollectionImporter(index: index).importFile(try file("pretty.json", text))
        XCTAssertEqual(report.rows, 3)
        XCTAssertEqual(report.preferencesAdded, 2)
        XCTAssertEqual(report.problems.map(\.line), [11], "\(report.problems)")
        XCTAssertEqual(try index.search(["zygomorphic"]).first?.preference.name, "Go deep")
        // A JSON Lines row is never a lone brace: one-line rows are read as before.
        let lines = try CollectionImporter(index: index).importFile(try file("lines.json", #"{"dimension": "style", "preference": "Calm", "description": "Stay calm."}"# + "\n{\"broken\": 1\n"))
        XCTAssertEqual(lines.rows, 2)
        XCTAssertEqual(lines.problems.map(\.line), [2])
    }

    func testBenchRowsAndTeamListsInEveryFormat() throws {
        let bench = #"{"source":"bench_src","preference_set":[{"dimension":"harmlessness","subdimension":"accuracy","preference":"Cite versions","description":"Name the library version every code sample targets."}],"system":"You are a release engineer.","prompt":"p","reference_answer":"r","rubrics":[{"criteria":"c","score_descriptions":{"1":"a","5":"b"}}]}"#
        let team = """
        preferences:
          - dimension: informativeness
            subdimension: practicality
            preference: Runbook links
            description: End each incident answer with the runbook page to follow.
          - dimension: style
            preference: Sentence case headings
            description: Write every heading in sentence case.
          - just a string
        """
        let teamJSON = #"{"preferences": [{"dimension": "harmlessness", "preference": "No customer names", "description": "Never repeat a customer's name from a ticket."}]}"#
        let index = try openIndex()
        let importer = CollectionImporter(index: index)
        XCTAssertEqual(try importer.importFile(try file("bench.jsonl", bench)).messagesAdded, 1)
        let yaml = try importer.importFile(try file("team.yaml", team))
        XCTAssertEqual(yaml.rows, 3)
        XCTAssertEqual(yaml.problems.count, 1)
        XCTAssertEqual(yaml.problems.first?.line, 9)
        XCTAssertEqual(try importer.importFile(try file("team.json", teamJSON)).problems.count, 1,
                       "a single JSON object is read as one row: the preferences wrapper is a YAML/JSON-array form only")
        XCTAssertEqual(try index.search(["runbook"]).first?.preference.subdimension, "practicality")
        XCTAssertEqual(try index.search(["sentence", "case"]).first?.preference.subdimension, "general")
        XCTAssertEqual(try index.search(["library", "version"], dimension: "harmlessness").first?.preference.source, "bench_src")
    }

    /// A team list named TEAM.YAML was read as JSON Lines: every line skipped as "not valid JSON".
    func testYAMLIsKnownByItsExtensionInAnyCase() throws {
        let team = "preferences:\n  - dimension: style\n    preference: Tabs\n    description: Indent code with tabs.\n"
        let index = try openIndex()
        for name in ["TEAM.YAML", "Team.Yml"] {
            let report = try CollectionImporter(index: index).importFile(try file(name, team))
            XCTAssertEqual(report.rows, 1, name)
            XCTAssertTrue(report.problems.isEmpty, "\(report.problems)")
        }
        XCTAssertEqual(try index.search(["tabs"]).first?.preference.name, "Tabs")
    }

    /// A team list saved as Latin-1 stopped the import with Foundation's "The file isn't in
    /// the correct format", naming neither the byte nor the line.
    func testAYAMLListThatIsNotUTF8NamesTheLineAndTheByte() throws {
        let url = directory.appendingPathComponent("latin1.yaml")
        try Data(Array("preferences:\n  - dimension: style\n    preference: Caf".utf8) + [0xE9] + Array("\n    description: Serve it hot.\n".utf8)).write(to: url)
        let report = try CollectionImporter(index: try openIndex()).importFile(url.path)
        XCTAssertEqual(report.problems.map(\.line), [3], "\(report.problems)")
        XCTAssertEqual(report.problems.first?.message, "not UTF-8 text (byte 0xE9 at byte offset 53): save the file as UTF-8")
        // A byte order mark is no part of the text.
        let marked = try CollectionImporter(index: try openIndex()).importFile(try file("marked.yaml", "\u{FEFF}- dimension: style\n  preference: Marked\n  description: Keep it.\n"))
        XCTAssertTrue(marked.problems.isEmpty, "\(marked.problems)")
        XCTAssertEqual(marked.preferencesAdded, 1)
    }

    /// A YAML error named line 1 whatever the line, and echoed the parser's copy of
    /// the bad line: a whole 100 KB line in the terminal and the server's log.
    func testAYAMLErrorNamesItsLineWithoutEchoingIt() throws {
        let long = String(repeating: "a", count: 100_000)
        let report = try CollectionImporter(index: try openIndex())
            .importFile(try file("long.yaml", "- dimension: style\n  subdimension: x\n  preference: \(long): b: [\n"))
        XCTAssertEqual(report.problems.map(\.line), [3], "\(report.problems)")
        XCTAssertEqual(report.problems.first?.message, "not valid YAML: mapping values are not allowed in this context")
    }

    /// A key given twice printed the whole file as the error's context, and an undefined
    /// alias the line it stands on; both said line 1.
    func testDuplicateKeysAndUndefinedAliasesNameTheirLine() throws {
        let duplicated = try CollectionImporter(index: try openIndex())
            .importFile(try file("twice.yaml", "- dimension: style\n  preference: Tabs\n  description: Use tabs.\n  preference: Spaces\n"))
        XCTAssertEqual(duplicated.problems.map(\.line), [2], "\(duplicated.problems)")
        XCTAssertEqual(duplicated.problems.first?.message, "not valid YAML: a mapping has the same key twice: 'preference'")
        let alias = try CollectionImporter(index: try openIndex())
            .importFile(try file("alias.yaml", "- dimension: style\n  preference: *nowhere\n"))
        XCTAssertEqual(alias.problems.map(\.line), [2], "\(alias.problems)")
        XCTAssertEqual(alias.problems.first?.message, "not valid YAML: found undefined alias")
    }

    func testUserQueriesNeverBecomeFTSSyntax() throws {
        let index = try openIndex()
        for query in [#"privacy""#, "data*", "NEAR(a b)", "a AND OR NOT b", "((unbalanced", "个人数据", "🙂", "", "-", "\"\"\"", "col:umn"] {
            XCTAssertNoThrow(try index.search([query]), query)
        }
        XCTAssertFalse(try index.search(["personal data AND"]).isEmpty)
    }

    func testCorruptAndUnwritableIndexesAreReported() throws {
        let corrupt = try file("corrupt.sqlite", String(repeating: "not a database ", count: 400))
        XCTAssertThrowsError(try PreferenceIndex.open(path: corrupt)) { error in
            XCTAssertTrue("\(error)".contains("not an SQLite database, so not an index"), "\(error)")
        }
        XCTAssertEqual(try String(contentsOfFile: corrupt, encoding: .utf8).prefix(14), "not a database", "the file is left alone")
        XCTAssertThrowsError(try PreferenceIndex.open(path: "/proc/facet/index.sqlite")) { error in
            XCTAssertTrue("\(error)".contains("/proc/facet"), "\(error)")
        }
        // "." trapped in NSString.deletingLastPathComponent and took the language server down with it.
        for folder in [".", "./", directory.path, directory.path + "/"] {
            XCTAssertThrowsError(try PreferenceIndex.open(path: folder)) { error in
                XCTAssertTrue("\(error)".contains("is a folder, not an index file"), "\(folder): \(error)")
            }
        }
    }

    func testAnInterruptedImportKeepsWholeBatchesAndCanBeFinished() throws {
        let rows = (0..<50).map { collectionRow(system: "Message number \($0).", preferences: [("style", "tone", "Tone \($0)", "Use tone number \($0).")]) }
        let path = try file("many.jsonl", rows.joined(separator: "\n"))
        let index = try openIndex()
        var importer = CollectionImporter(index: index)
        importer.batchSize = 10
        var seen = 0
        let report = try importer.importFile(path, shouldStop: { seen += 1; return seen >= 25 })
        XCTAssertTrue(report.stoppedEarly)
        XCTAssertEqual(try index.stats().systemMessages, 25, "rows taken before the stop are committed together")
        let rest = try importer.importFile(path)
        XCTAssertEqual(rest.messagesAdded, 25)
        XCTAssertEqual(try index.stats().systemMessages, 50)
    }

    func testResetDeletesTheFiles() throws {
        let index = try openIndex("gone.sqlite")
        _ = try index.stats()
        let path = index.path
        try PreferenceIndex.reset(path: path)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
    }

    /// A process that is creating the index (exclusive lock) or importing into it
    /// (shared lock) holds its lock file: reset deletes nothing meanwhile. It
    /// deleted the files under them.
    func testResetRefusesWhileAnotherProcessOpensOrImports() throws {
        let path = try openIndex("busy.sqlite").path
        for (operation, what) in [(LOCK_EX, "opening"), (LOCK_SH, "importing")] {
            // Another open file description of the lock file conflicts as another process's would.
            let held = open(path + "-lock", O_RDONLY | O_CLOEXEC)
            XCTAssertGreaterThanOrEqual(held, 0)
            XCTAssertEqual(flock(held, operation | LOCK_NB), 0)
            XCTAssertThrowsError(try PreferenceIndex.reset(path: path), what) { error in
                XCTAssertTrue("\(error)".contains("another process is opening the index, importing into it or serving an editor from it; nothing was deleted"), "\(error)")
            }
            for suffix in ["", "-lock"] { XCTAssertTrue(FileManager.default.fileExists(atPath: path + suffix), what + suffix) }
            close(held)
        }
        try PreferenceIndex.reset(path: path)
        for suffix in ["", "-wal", "-shm", "-lock"] { XCTAssertFalse(FileManager.default.fileExists(atPath: path + suffix), suffix) }
    }

    func testLocationPrecedence() {
        let env = ["HOME": "/home/u", "XDG_CACHE_HOME": "/xdg", "FACET_INDEX": "/env/i.sqlite"]
        XCTAssertEqual(IndexLocation.resolve(explicit: "/flag.sqlite", setting: "/s", environment: env), "/flag.sqlite")
        XCTAssertEqual(IndexLocation.resolve(setting: "/s", environment: env), "/env/i.sqlite")
        XCTAssertEqual(IndexLocation.resolve(setting: "~/s.sqlite", environment: ["HOME": "/home/u"]), "/home/u/s.sqlite")
        XCTAssertEqual(IndexLocation.resolve(environment: ["HOME": "/home/u", "XDG_CACHE_HOME": "/xdg"]), "/xdg/facet/index.sqlite")
        XCTAssertEqual(IndexLocation.resolve(environment: ["HOME": "/home/u"]), "/home/u/.cache/facet/index.sqlite")
    }
}

extension IndexTests {
    func testBulkImportsRebuildTheTextIndexOnce() throws {
        let rows = (0..<30).map { collectionRow(system: "Bulk message \($0) about kiwis.", preferences: [("style", "tone", "Bulk \($0)", "Describe kiwis in tone \($0).")]) }
        let path = try file("bulk.jsonl", rows.joined(separator: "\n"))
        let index = try openIndex()
        var importer = CollectionImporter(index: index)
        importer.bulkThreshold = 0
        XCTAssertEqual(try importer.importFile(path).messagesAdded, 30)
        XCTAssertEqual(try index.search(["kiwis"], limit: 50).count, 30)
        XCTAssertEqual(try index.similarMessages(["kiwis"]).count, 5)
        // Rows added one by one afterwards are indexed again by the restored triggers.
        XCTAssertEqual(try importer.importFile(try file("one.jsonl", collectionRow(system: "A kea.", preferences: [("style", "tone", "Kea", "Mention the kea.")]))).rows, 1)
        XCTAssertEqual(try index.search(["kea"]).first?.preference.name, "Kea")
    }

    func testTheFastRowPathReadsWhatJSONDecoderReads() throws {
        let common = [
            collectionRow(system: #"Tabs\t, \"quotes\", a \/ slash and a \\ backslash.\nNew line."#,
                          preferences: [("style", "tone", "Warm", "Sound warm."), ("harmlessness", "safety", "Safe", "Café, naïve, 日本語.")]),
            #"  {"dimension": "style", "subdimension": null, "preference": "Terse", "description": "Short.", "extra": null}  "#,
            #"{"preference_set": [], "system": null}"#,
            #"{"preference_set": null}"#,
            "{}",
        ]
        let unusual = [
            #"{"preference_set": "not a list"}"#,
            #"{"system": "\u00e9t\u00e9", "preference_set": [{"dimension": "style", "preference": "P", "description": "D"}]}"#,
            #"{"dimension": "style", "dimension": "harmlessness", "preference": "P", "description": "D"}"#,
            #"{"dimension": "style", "preference": "P", "description": "D", "score": 5}"#,
            #"{"dimension": "style", "preference": "P", "description": "D", "rubric": {"a": "b"}}"#,
            #"{"broken": [1, 2"#,
            #"{"dimension": "style"} trailing"#,
            "{\"dimension\": \"a\u{01}b\"}",
            "[1, 2]",
            "",
        ]
        let decoder = JSONDecoder()
        for text in common + unusual {
            let bytes = Array(text.utf8)
            let fast = RowFastPath.decode(bytes)
            XCTAssertEqual(fast != nil, common.contains(text), text)
            if let fast { XCTAssertEqual(fast, try decoder.decode(CollectionImporter.Row.self, from: Data(bytes)), text) }
        }
        // Bytes that are not UTF-8 are left to JSONDecoder too.
        XCTAssertNil(RowFastPath.decode(Array(#"{"system": "a"#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)))
    }

    func testABulkImportLeavesTheTextIndexSettingsAsTheyWere() throws {
        let rows = (0..<5).map { collectionRow(system: "Message \($0).", preferences: [("style", "tone", "Setting \($0)", "Keep setting \($0).")]) }
        let index = try openIndex()
        var importer = CollectionImporter(index: index)
        importer.bulkThreshold = 0
        _ = try importer.importFile(try file("bulk.jsonl", rows.joined(separator: "\n")))
        let settings = try index.database.read { try Row.fetchAll($0, sql: "SELECT k, v FROM preference_fts_config WHERE k IN ('automerge', 'hashsize')") }
        XCTAssertEqual(Dictionary(uniqueKeysWithValues: settings.map { ($0["k"] as String, $0["v"] as Int) }), ["automerge": 4, "hashsize": 1 << 20])
    }

    func testABulkImportCutShortIsFinishedWhenTheIndexOpens() throws {
        let index = try openIndex()
        _ = try index.beginBulkImport()  // its lock goes at once, as a process's does when it dies
        _ = try index.write { writer in
            try writer.insertPreference(Preference(dimension: "style", subdimension: "tone", name: "Orphan", description: "Written while the triggers were off.", source: "t"))
        }
        XCTAssertTrue(try index.search(["orphan"]).isEmpty, "not yet in the text index")
        let reopened = try openIndex()
        XCTAssertEqual(try reopened.search(["orphan"]).first?.preference.name, "Orphan")
        _ = try reopened.write { writer in
            try writer.insertPreference(Preference(dimension: "style", subdimension: "tone", name: "Later", description: "Indexed by the trigger again.", source: "t"))
        }
        XCTAssertEqual(try reopened.search(["later"]).first?.preference.name, "Later")
    }

    /// Damage to the file's bytes can leave NULL where text belongs; reading such a
    /// row trapped in GRDB's subscript (`facet index stats` crashed). Now the reads
    /// say the index is damaged and name it.
    func testARowDamagedToNullIsReportedNotFatal() throws {
        let path = directory.appendingPathComponent("index.sqlite").path
        let word = try XCTUnwrap(try openIndex().top(dimension: "style", limit: 1).first?.preference.description.split(separator: " ").first)
        XCTAssertFalse(try openIndex().search([String(word)]).isEmpty, "a word the search finds while the index is whole")
        let raw = try DatabaseQueue(path: path)
        try raw.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA writable_schema = ON")
            try db.execute(sql: #"UPDATE sqlite_master SET sql = replace(sql, '"source" TEXT NOT NULL', '"source" TEXT') WHERE name = 'preference'"#)
        }
        try raw.close()
        let relaxed = try DatabaseQueue(path: path)
        try relaxed.write { try $0.execute(sql: "UPDATE preference SET source = NULL") }
        try relaxed.close()
        let index = try openIndex()
        for (what, read) in [("stats", { _ = try index.stats() }), ("top", { _ = try index.top(dimension: "style", limit: 5) }),
                             ("search", { _ = try index.search([String(word)]) })] as [(String, () throws -> Void)] {
            XCTAssertThrowsError(try read(), what) { error in
                XCTAssertTrue(String(describing: error).contains("index.sqlite: the index is damaged"), "\(what): \(error)")
            }
        }
    }

    /// A row written during a bulk import is not in the text index until the import
    /// ends. Deleting it meanwhile (another process re-indexing a workspace file)
    /// made the delete trigger take out of the text index what was never in it,
    /// which leaves the index inconsistent ("database disk image is malformed").
    func testRowsDeletedDuringABulkImportLeaveTheTextIndexWhole() throws {
        let index = try openIndex()
        let running = try index.beginBulkImport()
        _ = try index.write { writer in
            for n in 0..<3 {
                _ = try writer.insertPreference(Preference(dimension: "style", subdimension: "tone", name: "Passing \(n)",
                                                           description: "Gone before the import ends \(n).", source: "workspace.jsonl"))
            }
            _ = try writer.insertPreference(Preference(dimension: "style", subdimension: "tone", name: "Staying",
                                                       description: "Still here when the import ends.", source: "big.jsonl"))
        }
        try index.write { try $0.removePreferences(source: "workspace.jsonl") }
        try index.finishBulkImport()
        running.release()
        try index.database.write { try $0.execute(sql: "INSERT INTO preference_fts(preference_fts, rank) VALUES('integrity-check', 1)") }
        XCTAssertEqual(try index.search(["staying"]).map(\.preference.name), ["Staying"])
        XCTAssertTrue(try index.search(["passing"]).isEmpty)
        // Deleting an indexed row afterwards still takes it out of the text index.
        try index.write { try $0.removePreferences(source: "big.jsonl") }
        try index.database.write { try $0.execute(sql: "INSERT INTO preference_fts(preference_fts, rank) VALUES('integrity-check', 1)") }
        XCTAssertTrue(try index.search(["staying"]).isEmpty)
    }
}

extension IndexTests {
    /// A process that opened the index during another's bulk import (a language
    /// server's import of a large workspace collection, and `facet suggest` run
    /// meanwhile) took that import for one a crash had left and finished it: it
    /// rebuilt the text index and restored the triggers, so the rest went in row by
    /// row, and it held the write lock meanwhile, so on a large file the import's
    /// next batch failed as locked and the rest of the file was not imported. The
    /// opener needed the write lock even with nothing to finish, and failed as
    /// locked while a batch was being written. Now it reads the index as it is and
    /// leaves the import to finish. (A second connection in this process locks and
    /// waits as another process's does.)
    func testOpeningTheIndexDuringABulkImportLeavesTheImportToFinish() throws {
        let path = directory.appendingPathComponent("index.sqlite").path
        let index = try PreferenceIndex.open(path: path, guardedFromReset: true)  // as the server and facet index import open it
        var importer = CollectionImporter(index: index)
        importer.batchSize = 500
        // Just over the size that makes an import a bulk one.
        let padding = String(repeating: "Answer from the numbat field notes only. ", count: 90)
        var rows: [String] = []
        var bytes = 0
        while bytes <= importer.bulkThreshold {
            let n = rows.count
            rows.append(collectionRow(system: "You are numbat guide \(n). \(padding)",
                                      preferences: [("informativeness", "depth", "Numbat fact \(n)", "Give numbat fact n\(n) with its source.")]))
            bytes += rows[n].utf8.count + 1
        }
        let file = try file("numbats.jsonl", rows.joined(separator: "\n"))

        var seen = 0
        var opened: Result<(index: PreferenceIndex, messages: Int, found: Int, bulk: Bool), Error>?
        let report = try importer.importFile(file, shouldStop: {
            seen += 1
            if seen == 1200 {  // two batches in
                opened = Result {
                    // Another process opens the index between two batches,
                    let other = try PreferenceIndex.open(path: path)
                    let bulk = try other.database.read { try String.fetchOne($0, sql: "SELECT value FROM meta WHERE key = 'bulk-after'") } != nil
                    // and another while the import writes one.
                    _ = try index.database.write { _ in try PreferenceIndex.open(path: path) }
                    return (other, try other.stats().systemMessages, try other.search(["numbat"], limit: 50).count, bulk)
                }
            }
            return false
        })
        let (other, messages, found, bulk) = try XCTUnwrap(opened).get()
        XCTAssertTrue(bulk, "the import is still in bulk mode")
        XCTAssertEqual(messages, 1000, "it reads the batches written so far")
        XCTAssertEqual(found, 0, "and the text index as it was before the import, which adds its rows at the end")
        XCTAssertEqual(report.rows, rows.count)
        XCTAssertEqual(report.messagesAdded, rows.count, "every row is imported")
        XCTAssertFalse(report.stoppedEarly)
        try other.database.read { db in
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(*) FROM preference_fts WHERE preference_fts MATCH 'numbat'"), rows.count, "all in the text index")
            XCTAssertNil(try String.fetchOne(db, sql: "SELECT key FROM meta WHERE key LIKE 'bulk-%'"), "bulk mode ended")
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE name IN ('\(PreferenceIndex.setAsideInBulk.joined(separator: "', '"))')"),
                           PreferenceIndex.setAsideInBulk.count, "triggers and indexes restored")
        }
    }
}

extension IndexTests {
    /// An import's write waits for another process's longer than other writes do:
    /// another import building its text index holds the write lock for seconds, and
    /// after 2 s the import stopped half-way as locked.
    func testAnImportWaitsForALongWriteOfAnotherProcess() throws {
        let index = try openIndex()
        let other = try DatabaseQueueForTests(path: index.path)
        let holding = DispatchSemaphore(value: 0), done = DispatchGroup()
        DispatchQueue.global().async(group: done) {
            try? other.queue.writeWithoutTransaction { db in
                try db.execute(sql: "BEGIN IMMEDIATE")
                holding.signal()
                Thread.sleep(forTimeInterval: PreferenceIndex.writeWait + 0.5)
                try db.execute(sql: "ROLLBACK")
            }
        }
        XCTAssertEqual(holding.wait(timeout: .now() + 10), .success, "the other connection holds the write lock")
        let started = Date()
        let report = try CollectionImporter(index: index).importFile(try file("one.jsonl", collectionRow(system: "A lyrebird.", preferences: [("style", "tone", "Lyrebird", "Mimic no one.")])))
        XCTAssertEqual(report.messagesAdded, 1)
        XCTAssertGreaterThan(Date().timeIntervalSince(started), PreferenceIndex.writeWait, "it waited for the other write")
        done.wait()
    }
}

extension IndexTests {
    /// An imported Multifaceted-format file changes the suggestions for a message it fits.
    func testImportingACollectionChangesSuggestions() throws {
        let analysis = Analyzer.analyze("You are a beekeeping mentor for hobbyists.\nExplain hive inspections step by step.\nKeep a friendly tone.\n")
        let index = try openIndex()
        let before = try Suggester.suggest(analysis, index: index, limit: 10).map(\.preference.name)
        XCTAssertFalse(before.contains("Sting safety first"))
        let row = collectionRow(system: "You are a beekeeping mentor.", preferences: [
            ("harmlessness", "safety", "Sting safety first", "Remind beekeeping hobbyists to wear a veil and to keep an antihistamine nearby during hive inspections."),
        ])
        _ = try CollectionImporter(index: index).importFile(try file("bees.jsonl", row))
        let after = try Suggester.suggest(analysis, index: index, limit: 10).map(\.preference.name)
        XCTAssertEqual(after.first, "Sting safety first", "\(after)")
    }
}

extension IndexTests {
    /// `--dimension style --limit 3` gave no style preference: the candidates were the
    /// best text matches of all four dimensions, and here those are all harmlessness.
    func testSuggestionsForOneDimensionAreDrawnFromThatDimension() throws {
        let analysis = Analyzer.analyze("You are a beekeeping mentor for hobbyists.\nKeep a friendly tone.\n")
        XCTAssertFalse(analysis.profile.missingDimensions.contains(.style), "style is covered: no most-stated style candidates")
        let index = try openIndex()
        var rows = (0..<150).map { n in
            #"{"dimension": "harmlessness", "subdimension": "safety", "preference": "Hive rule \#(n)", "description": "A friendly tone for beekeeping hobbyists, says mentor \#(n)."}"#
        }
        // Enough others that the words above are not common ones, which searches leave out.
        rows += (0..<1500).map { n in
            #"{"dimension": "informativeness", "subdimension": "depth", "preference": "Filler \#(n)", "description": "Unrelated text number \#(n)."}"#
        }
        _ = try CollectionImporter(index: index).importFile(try file("hives.jsonl", rows.joined(separator: "\n")))
        let style = try Suggester.suggest(analysis, index: index, dimension: "style", limit: 3)
        XCTAssertEqual(style.count, 3, "\(style.map(\.preference.name))")
        XCTAssertTrue(style.allSatisfy { $0.preference.dimension == "style" })
    }
}

extension IndexTests {
    func testAnIndexOfAnotherVersionIsRebuiltAndOtherDatabasesAreLeftAlone() throws {
        let old = directory.appendingPathComponent("old.sqlite").path
        let legacy = try DatabaseQueueForTests(path: old)
        try legacy.execute("CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY); INSERT INTO grdb_migrations VALUES ('v1'); CREATE TABLE preference (key TEXT); CREATE TABLE meta (key TEXT)")
        let rebuilt = try PreferenceIndex.open(path: old)
        XCTAssertEqual(try rebuilt.stats().preferences, DefaultCollection.preferences.count)

        let foreign = directory.appendingPathComponent("notes.sqlite").path
        try DatabaseQueueForTests(path: foreign).execute("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('keep me')")
        XCTAssertThrowsError(try PreferenceIndex.open(path: foreign)) { error in
            XCTAssertTrue("\(error)".contains("not a Facet index"), "\(error)")
        }
        XCTAssertEqual(try DatabaseQueueForTests(path: foreign).fetchStrings("SELECT name FROM sqlite_master WHERE type = 'table'"), ["notes"])
    }
}
