import XCTest
@testable import FacetCore

final class ConfigTests: XCTestCase {
    // MARK: TOML subset

    func testTOMLTablesKeysAndValues() throws {
        let text = """
        # a comment
        token-budget = 8_000   # trailing comment
        inlay-hints = true
        ratio = 0.5
        "quoted key" = 'literal \\n'

        [rules]
        vague-quantifier = "off"

        [a.b]
        c = -3
        """
        let toml = try TOMLSubset(parsing: text)
        XCTAssertEqual(toml.tables.map(\.name), ["rules", "a.b"])
        XCTAssertEqual(toml.tables.map(\.line), [7, 10])
        let entries = toml.entries.map { "\($0.table)|\($0.key)|\($0.line)" }
        XCTAssertEqual(entries, ["|token-budget|2", "|inlay-hints|3", "|ratio|4", "|quoted key|5", "rules|vague-quantifier|8", "a.b|c|11"])
        XCTAssertEqual(toml.entries[0].value, .integer(8000))
        XCTAssertEqual(toml.entries[1].value, .bool(true))
        XCTAssertEqual(toml.entries[2].value, .float(0.5))
        XCTAssertEqual(toml.entries[3].value, .string("literal \\n"), "single quotes are literal")
        XCTAssertEqual(toml.entries[4].value, .string("off"))
        XCTAssertEqual(toml.entries[5].value, .integer(-3))
    }

    func testTOMLStringEscapes() throws {
        let toml = try TOMLSubset(parsing: #"s = "tab\there \"q\" back\\slash\nline \u00E9 \U0001F600""#)
        XCTAssertEqual(toml.entries[0].value, .string("tab\there \"q\" back\\slash\nline é 😀"))
    }

    func testTOMLMultiLineArray() throws {
        let text = """
        required-facets = [
            "role",   # who
            "task",
            # a comment line inside
            "format",
        ]
        after = 1
        """
        let toml = try TOMLSubset(parsing: text)
        XCTAssertEqual(toml.entries.count, 2)
        XCTAssertEqual(toml.entries[0].value, .array([.string("role"), .string("task"), .string("format")]))
        XCTAssertEqual(toml.entries[0].line, 1)
        XCTAssertEqual(toml.entries[1].key, "after")
        XCTAssertEqual(toml.entries[1].line, 7)
    }

    /// BUG: the parser splits the String on "\n", but in Swift "\r\n" is one Character, so
    /// a file with Windows line endings is read as one long line and fails to parse.
    func testTOMLCRLF() throws {
        let toml = try TOMLSubset(parsing: "a = 1\r\nb = \"x\"\r\n")
        XCTAssertEqual(toml.entries.map(\.value), [.integer(1), .string("x")])
    }

    /// A lone CR (old Mac files) ends a line too, as it does in system messages: the file
    /// was read as one line, "[rules]" with text after it, an error on line 1.
    func testTOMLLoneCREndsALine() throws {
        let configuration = try FacetConfiguration.parse(toml: "[rules]\rvague-quantifier = \"off\"\r", file: ".facet.toml")
        XCTAssertEqual(configuration.ruleSeverities["vague-quantifier"], .some(nil))
        let toml = try TOMLSubset(parsing: "a = [\r  1,\r  2,\r]\rb = \"x\"")
        XCTAssertEqual(toml.entries.map(\.value), [.array([.integer(1), .integer(2)]), .string("x")])
        XCTAssertEqual(toml.entries.map(\.line), [1, 5])
        XCTAssertEqual(toml.entries[0].itemLines, [2, 3])
        // Error lines count CR, LF and CRLF each as one break, mixed in one file.
        for text in ["a = 1\rb = 2\r\nc = 3\nd = bare", "a = 1\r\rb = 2\nd = bare"] {
            XCTAssertThrowsError(try FacetConfiguration.parse(toml: text, file: "f.toml"), text.debugDescription) { error in
                XCTAssertEqual((error as? ConfigurationError)?.line, 4, text.debugDescription)
            }
        }
    }

    /// A file saved with a byte order mark failed with ":1: expected a key".
    func testAByteOrderMarkIsNotAKey() throws {
        let configuration = try FacetConfiguration.parse(toml: "\u{FEFF}token-budget = 10\n", file: ".facet.toml")
        XCTAssertEqual(configuration.tokenBudget, 10)
    }

    func testTOMLErrorsNameTheLine() {
        func line(_ text: String) -> Int? {
            do { _ = try TOMLSubset(parsing: text); return nil } catch { return error.line }
        }
        XCTAssertEqual(line("a = 1\nb = bare"), 2)
        XCTAssertEqual(line("a = 1\n\nb = \"unterminated"), 3)
        XCTAssertEqual(line("a = 1\na = 2"), 2, "duplicate key")
        XCTAssertEqual(line("[t]\n[t]"), 2, "duplicate table")
        XCTAssertEqual(line("x = [1, 2"), 1, "unclosed array")
        XCTAssertEqual(line("a = 1 2"), 1)
        XCTAssertEqual(line("[[arr]]"), 1)
        XCTAssertEqual(line("novalue"), 1)
        XCTAssertEqual(line(#"s = "bad \q escape""#), 1)
    }

    // MARK: FacetConfiguration

    func testValidConfigurationChangesSettings() throws {
        let text = """
        required-facets = ["role", "task", "format"]
        token-budget = 50
        min-units = 1
        inlay-hints = true

        [rules]
        vague-quantifier = "off"
        weak-instruction = "error"
        """
        let configuration = try FacetConfiguration.parse(toml: text, file: "x/.facet.toml")
        XCTAssertEqual(configuration.requiredFacets, [.role, .task, .format])
        XCTAssertEqual(configuration.tokenBudget, 50)
        XCTAssertEqual(configuration.minimumUnitsForMissingFacet, 1)
        XCTAssertTrue(configuration.inlayHints)
        XCTAssertNil(configuration.severity(for: RuleRegistry.rule(id: "vague-quantifier")!))
        XCTAssertEqual(configuration.severity(for: RuleRegistry.rule(id: "weak-instruction")!), .error)
        XCTAssertEqual(configuration.severity(for: RuleRegistry.rule(id: "overlong")!), .warning, "unlisted rules keep their default")

        // And the analysis honours it.
        let message = "Try to give a few examples of each step in the answer you write.\n"
            + String(repeating: "The shop opens at nine and closes at five on weekdays.\n", count: 6)
        let analysis = Analyzer.analyze(message, configuration: configuration)
        XCTAssertFalse(analysis.findings.contains { $0.rule == "vague-quantifier" })
        XCTAssertEqual(analysis.findings.first { $0.rule == "weak-instruction" }?.severity, .error)
        XCTAssertTrue(analysis.findings.contains { $0.rule == "overlong" })
    }

    func testEmptyConfigurationIsDefault() throws {
        XCTAssertEqual(try FacetConfiguration.parse(toml: "# nothing\n", file: "f"), .default)
    }

    func assertError(_ text: String, line: Int, contains needle: String, file: StaticString = #filePath, testLine: UInt = #line) {
        do {
            _ = try FacetConfiguration.parse(toml: text, file: "dir/.facet.toml")
            XCTFail("expected a ConfigurationError", file: file, line: testLine)
        } catch {
            XCTAssertEqual(error.file, "dir/.facet.toml", file: file, line: testLine)
            XCTAssertEqual(error.line, line, "\(error)", file: file, line: testLine)
            XCTAssertTrue(error.message.contains(needle), "\(error.message)", file: file, line: testLine)
            XCTAssertEqual(error.description, "dir/.facet.toml:\(line): \(error.message)", file: file, line: testLine)
        }
    }

    func testUnknownRuleId() {
        assertError("token-budget = 10\n\n[rules]\nvague-quantifiers = \"off\"\n", line: 4, contains: "vague-quantifiers")
    }

    func testUnknownKey() {
        assertError("token-budget = 10\ntoken-limit = 5\n", line: 2, contains: "token-limit")
        assertError("[other]\nx = 1\n", line: 1, contains: "[other]")
    }

    func testBadSeverity() {
        assertError("[rules]\nweak-instruction = \"loud\"\n", line: 2, contains: "loud")
    }

    func testBadTypes() {
        assertError("token-budget = \"lots\"\n", line: 1, contains: "token-budget")
        assertError("\ntoken-budget = 0\n", line: 2, contains: "token-budget")
        assertError("required-facets = \"role\"\n", line: 1, contains: "required-facets")
        assertError("required-facets = [\"role\", \"persona\"]\n", line: 1, contains: "'persona' is not a facet")
        assertError("required-facets = [[\"role\"]]\n", line: 1, contains: "facet names in quotes (role, task, background, format, style, tool, guardrail), not an array")
        assertError("inlay-hints = 1\n", line: 1, contains: "inlay-hints")
        assertError("[rules]\noverlong = 3\n", line: 2, contains: "severity")
        assertError("min-units = -1\n", line: 1, contains: "min-units")
    }

    func testSyntaxErrorKeepsFileAndLine() {
        assertError("a = 1\nb = nope\n", line: 2, contains: "nope")
    }
}
