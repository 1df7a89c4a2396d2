import XCTest
@testable import FacetCore

/// Data-driven rule tests, in the style of rust-analyzer's annotated fixtures.
///
/// Each rule has a file `Fixtures/rules/<rule-id>.txt`:
///
/// ```text
/// # Lines before the first case are comments.
/// === case-name option=value option
/// Give a few examples of each step.
///      ^^^^^ vague-quantifier
/// ```
///
/// - `=== name [options]` starts a case. Options: `token-budget=N`, `min-units=N`,
///   `required-facets=role,task` (configuration for the case), and `escapes`
///   (in text lines, `\xHH` stands for the byte HH, for invalid UTF-8 and NUL).
/// - An annotation line is spaces, one or more carets and a rule id, optionally
///   followed by `related=LINE:COL`. It marks an expected finding of that rule
///   whose range starts on the nearest text line above, at the column of the first
///   caret (a UTF-8 byte column: pad with one space per byte of the text above).
///   Several annotation lines may follow one text line. The number of carets is
///   for readers only; only the start is checked. `related=LINE:COL` (1-based
///   line of the case text without annotations, 1-based byte column) is where the
///   finding's first related range must start.
/// - Annotation lines are removed; the remaining lines, with trailing blank lines
///   dropped, joined by "\n" and ending in "\n", are the analysed text.
/// - The findings of the file's rule (and only that rule) must be exactly the
///   annotated ones. A case without annotations is a false-positive check.
///
/// Every rule in `RuleRegistry.all` must have a file with at least one positive
/// and one negative case.
final class RuleFixtureTests: XCTestCase {
    struct Expectation: Hashable, Comparable, CustomStringConvertible {
        var rule: String
        var line: Int      // 1-based
        var column: Int    // 1-based, UTF-8 bytes
        var related: String?
        static func < (a: Expectation, b: Expectation) -> Bool { (a.line, a.column, a.rule) < (b.line, b.column, b.rule) }
        var description: String { "\(rule)@\(line):\(column)" + (related.map { " related=\($0)" } ?? "") }
    }

    struct Case {
        var name: String
        var text: [UInt8]
        var configuration: FacetConfiguration
        var expected: [Expectation]
    }

    static func fixturesURL() throws -> URL {
        let base = try XCTUnwrap(Bundle.module.resourceURL)
        return base.appendingPathComponent("Fixtures").appendingPathComponent("rules")
    }

    static func parseAnnotation(_ line: String) -> (column: Int, rule: String, related: String?)? {
        let chars = Array(line)
        var i = 0
        while i < chars.count && chars[i] == " " { i += 1 }
        let column = i
        guard i < chars.count, chars[i] == "^" else { return nil }
        while i < chars.count && chars[i] == "^" { i += 1 }
        let rest = String(chars[i...]).split(separator: " ").map(String.init)
        guard let rule = rest.first, rule.allSatisfy({ $0.isLowercase || $0 == "-" }), rest.count <= 2 else { return nil }
        var related: String?
        if rest.count == 2 {
            guard rest[1].hasPrefix("related=") else { return nil }
            related = String(rest[1].dropFirst("related=".count))
        }
        return (column, rule, related)
    }

    static func decodeEscapes(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "\\"), i + 3 < bytes.count, bytes[i + 1] == UInt8(ascii: "x"),
               let value = UInt8(String(decoding: bytes[i + 2...i + 3], as: UTF8.self), radix: 16) {
                out.append(value)
                i += 4
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out
    }

    static func parseFixture(_ bytes: [UInt8]) throws -> [Case] {
        let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { Array($0) }
        var cases: [Case] = []
        var current: (name: String, options: [String: String], lines: [[UInt8]], expected: [Expectation])?
        func finish() throws {
            guard var c = current else { return }
            while let last = c.lines.last, last.allSatisfy({ $0 == 0x20 }) { c.lines.removeLast() }
            var configuration = FacetConfiguration.default
            for (key, value) in c.options {
                switch key {
                case "token-budget": configuration.tokenBudget = try XCTUnwrap(Int(value), "bad token-budget in \(c.name)")
                case "min-units": configuration.minimumUnitsForMissingFacet = try XCTUnwrap(Int(value), "bad min-units in \(c.name)")
                case "required-facets":
                    configuration.requiredFacets = try value.split(separator: ",").map { try XCTUnwrap(Facet(rawValue: String($0)), "bad facet in \(c.name)") }
                case "escapes": break
                default: XCTFail("unknown option \(key) in case \(c.name)")
                }
            }
            var text: [UInt8] = []
            for line in c.lines { text += line; text.append(0x0A) }
            cases.append(Case(name: c.name, text: text, configuration: configuration, expected: c.expected.sorted()))
            current = nil
        }
        for raw in lines {
            let string = String(decoding: raw, as: UTF8.self)
            if string.hasPrefix("=== ") {
                try finish()
                let parts = string.dropFirst(4).split(separator: " ").map(String.init)
                var options: [String: String] = [:]
                for part in parts.dropFirst() {
                    let kv = part.split(separator: "=", maxSplits: 1).map(String.init)
                    options[kv[0]] = kv.count > 1 ? kv[1] : ""
                }
                current = (try XCTUnwrap(parts.first, "case without a name"), options, [], [])
                continue
            }
            guard current != nil else { continue }  // preamble comments
            if let annotation = parseAnnotation(string) {
                let lineNumber = current!.lines.count
                XCTAssertGreaterThan(lineNumber, 0, "annotation with no text line above in \(current!.name)")
                current!.expected.append(Expectation(rule: annotation.rule, line: lineNumber, column: annotation.column + 1, related: annotation.related))
                continue
            }
            current!.lines.append(current!.options["escapes"] != nil ? decodeEscapes(raw) : raw)
        }
        try finish()
        return cases
    }

    func runFixture(_ rule: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let url = try Self.fixturesURL().appendingPathComponent("\(rule).txt")
        let data = try Data(contentsOf: url)
        let cases = try Self.parseFixture(Array(data))
        XCTAssertTrue(cases.contains { !$0.expected.isEmpty }, "\(rule): needs a case with a finding", file: file, line: line)
        XCTAssertTrue(cases.contains { $0.expected.isEmpty }, "\(rule): needs a false-positive case", file: file, line: line)
        for c in cases {
            for e in c.expected { XCTAssertEqual(e.rule, rule, "\(rule)/\(c.name): annotation names another rule", file: file, line: line) }
            let analysis = Analyzer.analyze(SourceText(bytes: c.text), configuration: c.configuration)
            let lines = analysis.source.lines
            let actual = analysis.findings.filter { $0.rule == rule }.map { finding -> Expectation in
                let p = lines.position(of: finding.range.lowerBound, encoding: .utf8)
                var related: String?
                if let r = finding.related.first {
                    let q = lines.position(of: r.range.lowerBound, encoding: .utf8)
                    related = "\(q.line + 1):\(q.column + 1)"
                }
                return Expectation(rule: finding.rule, line: p.line + 1, column: p.column + 1, related: related)
            }.sorted()
            // Compare related positions only where the annotation gives one.
            let comparable = zip(actual, c.expected).map { a, e in e.related == nil ? Expectation(rule: a.rule, line: a.line, column: a.column, related: nil) : a }
            let shown = actual.count == c.expected.count ? comparable : actual
            XCTAssertEqual(shown, c.expected,
                           "\(rule)/\(c.name): findings differ; messages: \(analysis.findings.filter { $0.rule == rule }.map(\.message))",
                           file: file, line: line)
        }
    }

    func testEveryRuleHasAFixtureFile() throws {
        let directory = try Self.fixturesURL()
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".txt") }
        let ids = Set(RuleRegistry.all.map(\.id))
        XCTAssertEqual(Set(files.map { String($0.dropLast(4)) }), ids)
    }

    func testFixtureParserReadsAnnotations() throws {
        let text = "# preamble\n=== one token-budget=7\nabc def\n    ^^^ some-rule related=1:2\n\n=== two\nx\n"
        let cases = try Self.parseFixture(Array(text.utf8))
        XCTAssertEqual(cases.map(\.name), ["one", "two"])
        XCTAssertEqual(cases[0].text, Array("abc def\n".utf8))
        XCTAssertEqual(cases[0].configuration.tokenBudget, 7)
        XCTAssertEqual(cases[0].expected, [Expectation(rule: "some-rule", line: 1, column: 5, related: "1:2")])
        XCTAssertEqual(cases[1].expected, [])
        XCTAssertEqual(Self.decodeEscapes(Array("a\\xFFb".utf8)), [0x61, 0xFF, 0x62])
    }

    func testConflictingInstructions() throws { try runFixture("conflicting-instructions") }
    func testDuplicateInstruction() throws { try runFixture("duplicate-instruction") }
    func testInvalidEncoding() throws { try runFixture("invalid-encoding") }
    func testInvalidFrontMatter() throws { try runFixture("invalid-front-matter") }
    func testMissingFacet() throws { try runFixture("missing-facet") }
    func testNegativeOnly() throws { try runFixture("negative-only") }
    func testOverlong() throws { try runFixture("overlong") }
    func testUnbalancedSection() throws { try runFixture("unbalanced-section") }
    func testUndefinedVariable() throws { try runFixture("undefined-variable") }
    func testUnknownRule() throws { try runFixture("unknown-rule") }
    func testUnusedVariable() throws { try runFixture("unused-variable") }
    func testVagueQuantifier() throws { try runFixture("vague-quantifier") }
    func testWeakInstruction() throws { try runFixture("weak-instruction") }

    // MARK: Details the fixtures do not express

    func testConflictRelatedInformationPointsAtOtherUnit() {
        let analysis = Analyzer.analyze("Be brief.\nExplain every step in detail.\n")
        let finding = try! XCTUnwrap(analysis.findings.first { $0.rule == "conflicting-instructions" })
        XCTAssertEqual(finding.range, 10..<39)
        XCTAssertEqual(finding.related.map(\.range), [0..<9])
        XCTAssertTrue(finding.message.contains("line 1"), finding.message)
        XCTAssertEqual(finding.severity, .warning)
    }

    /// `<a> <b> <c> </a>` gave two findings on `</a>`, one per section it cut across.
    func testOneClosingTagCrossingTwoSectionsIsOneFindingPointingAtBoth() {
        let analysis = Analyzer.analyze("<a>\n<b>\n<c>\nBe kind.\n</a>\n</b>\n</c>\n")
        let findings = analysis.findings.filter { $0.rule == "unbalanced-section" }
        XCTAssertEqual(findings.count, 1)
        XCTAssertEqual(findings.first?.range, 21..<25)
        XCTAssertEqual(findings.first?.related.map(\.range), [4..<7, 8..<11])
        XCTAssertEqual(findings.first?.related.map(\.message), ["<b> opens here", "<c> opens here"])
        XCTAssertEqual(findings.first?.message, "</a> closes <a> while <b> and <c>, opened inside it, are still open: close </c> and </b> first")
    }

    /// A section opened after an earlier crossing (`<c>`, once `</a>` has cut across `<b>`)
    /// is inside `<b>`, and `</b>` cuts across it: that second crossing went unreported.
    func testASectionOpenedInsideACrossedSectionIsCrossedByItsClose() {
        let text = "<a>\nOne.\n<b>\nTwo.\n</a>\n<c>\nThree.\n</b>\nFour.\n</c>\n"
        let findings = Analyzer.analyze(text).findings.filter { $0.rule == "unbalanced-section" }
        XCTAssertEqual(findings.map(\.message), [
            "</a> closes <a> while <b>, opened inside it, is still open: close </b> first",
            "</b> closes <b> while <c>, opened inside it, is still open: close </c> first",
        ])
        XCTAssertEqual(findings.last?.related.map(\.range), [23..<26])
        // Closed in order inside the crossed section, it crosses nothing.
        let nested = Analyzer.analyze("<a>\n<b>\n</a>\n<c>\nThree.\n</c>\n</b>\n").findings.filter { $0.rule == "unbalanced-section" }
        XCTAssertEqual(nested.map(\.message), ["</a> closes <a> while <b>, opened inside it, is still open: close </b> first"])
    }

    /// 50,000 sections cut across gave one message of a megabyte, naming each twice, and
    /// as many related ranges: the first few are named, and pointed at.
    func testCrossingMessageNamesAFewSectionsAtMost() {
        let names = (1...50_000).map { "t\($0)" }
        let text = "<a>\n" + names.map { "<\($0)>\n" }.joined() + "Be kind.\n</a>\n" + names.map { "</\($0)>\n" }.joined()
        let findings = Analyzer.analyze(text).findings.filter { $0.rule == "unbalanced-section" }
        XCTAssertEqual(findings.count, 1)
        XCTAssertEqual(findings.first?.message, "</a> closes <a> while <t1>, <t2>, <t3>, <t4>, <t5> and 49995 more, opened inside it, are still open: "
                       + "close </t50000>, </t49999>, </t49998>, </t49997>, </t49996> and 49995 more first")
        XCTAssertEqual(findings.first?.related.map(\.message), (1...5).map { "<t\($0)> opens here" })
        // Five are named in full.
        let five = Analyzer.analyze("<a>\n<b>\n<c>\n<d>\n<e>\n<f>\nBe kind.\n</a>\n</b>\n</c>\n</d>\n</e>\n</f>\n").findings.first { $0.rule == "unbalanced-section" }
        XCTAssertEqual(five?.message, "</a> closes <a> while <b>, <c>, <d>, <e> and <f>, opened inside it, are still open: close </f>, </e>, </d>, </c> and </b> first")
        XCTAssertEqual(five?.related.count, 5)
    }

    /// Tags match in any case; the message wrote `</rules>` for a `</RULES>` in the text.
    func testCrossingMessageQuotesTagsAsTheTextWritesThem() {
        let analysis = Analyzer.analyze("<rules>\n<Example>\nBe kind.\n</RULES>\n</EXAMPLE>\n")
        let finding = analysis.findings.first { $0.rule == "unbalanced-section" }
        XCTAssertEqual(finding?.message, "</RULES> closes <rules> while <Example>, opened inside it, is still open: close </EXAMPLE> first")
        XCTAssertEqual(finding?.related.map(\.message), ["<Example> opens here"])
    }

    func testDefaultSeveritiesAreUsed() {
        let analysis = Analyzer.analyze("<instructions>\nGive a few examples of each step.\n")
        XCTAssertEqual(analysis.findings.first { $0.rule == "unbalanced-section" }?.severity, .error)
        XCTAssertEqual(analysis.findings.first { $0.rule == "vague-quantifier" }?.severity, .info)
    }

    func testRegistryIsAlphabeticalAndUnique() {
        let ids = RuleRegistry.all.map(\.id)
        XCTAssertEqual(ids, ids.sorted())
        XCTAssertEqual(Set(ids).count, ids.count)
        for rule in RuleRegistry.all {
            XCTAssertFalse(rule.summary.isEmpty)
            XCTAssertFalse(rule.explanation.isEmpty)
            XCTAssertTrue(RuleRegistry.rule(id: rule.id) != nil)
        }
    }

    func testLowerCaseDollarNameIsAUseOfADeclaredVariable() {
        let used = Analyzer.analyze("---\nvariables: [company]\n---\nWork for $company.\n")
        XCTAssertEqual(used.findings.filter { $0.rule == "unused-variable" }, [])
        // Only the whole word: $company_name and $companyX are other names.
        let other = Analyzer.analyze("---\nvariables: [company]\n---\nWork for $company_name and $companyX.\n")
        XCTAssertEqual(other.findings.filter { $0.rule == "unused-variable" }.map(\.range), [16..<23])
        // Undeclared, a lower-case $name is not taken for a variable at all.
        let undeclared = Analyzer.analyze("---\nvariables: [company]\n---\nSay {{company}} costs $price.\n")
        XCTAssertEqual(undeclared.findings.filter { $0.rule == "undefined-variable" }, [])
    }
}
