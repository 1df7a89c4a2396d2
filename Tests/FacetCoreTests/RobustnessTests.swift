import XCTest
@testable import FacetCore

final class RobustnessTests: XCTestCase {
    /// Analyses and checks the invariants every analysis must hold.
    @discardableResult
    func check(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) -> Analysis {
        let analysis = Analyzer.analyze(SourceText(bytes: bytes))
        XCTAssertEqual(analysis.facets.count, analysis.document.units.count, file: file, line: line)
        for unit in analysis.document.units {
            XCTAssertTrue(unit.range.lowerBound >= 0 && unit.range.upperBound <= bytes.count, "unit range \(unit.range) out of bounds", file: file, line: line)
            XCTAssertFalse(unit.range.isEmpty, file: file, line: line)
        }
        for finding in analysis.findings {
            XCTAssertTrue(finding.range.lowerBound >= 0 && finding.range.upperBound <= bytes.count, "\(finding.rule) range \(finding.range)", file: file, line: line)
            for fix in finding.fixes {
                for edit in fix.edits { XCTAssertTrue(edit.range.upperBound <= bytes.count, file: file, line: line) }
            }
        }
        return analysis
    }

    func testEmptyAndWhitespace() {
        XCTAssertTrue(check([]).document.units.isEmpty)
        XCTAssertTrue(check([]).findings.isEmpty)
        XCTAssertTrue(check(Array("   \n\t\r\n  \r".utf8)).document.units.isEmpty)
        XCTAssertTrue(check(Array("\n\n\n".utf8)).findings.isEmpty)
    }

    func testRandomBytes() {
        var generator = SplitMix64(seed: 42)
        for _ in 0..<200 {
            let count = Int.random(in: 0...600, using: &generator)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            check(bytes)
        }
    }

    func testRandomStructuralCharacters() {
        // Bytes drawn from the characters the scanners care about, to hit odd combinations.
        let alphabet = Array("<>/{}$`-*#.!?:|\"'\n\r \t abcXYZ0123456789«»。？😀".utf8)
        var generator = SplitMix64(seed: 7)
        for _ in 0..<200 {
            let count = Int.random(in: 0...400, using: &generator)
            check((0..<count).map { _ in alphabet.randomElement(using: &generator)! })
        }
    }

    /// Nested aliases ("billion laughs"): 400 bytes of front matter froze the server at 11 GB.
    func testYAMLAliasBombsAreRefusedNotExpanded() {
        var yaml = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        for (name, previous) in zip("bcdefgh", "abcdefg") {
            yaml += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]\n"
        }
        let analysis = check(Array(("---\n" + yaml + "cases:\n  - user: hi\n---\nYou are a helpful assistant.\n").utf8))
        let finding = analysis.findings.first { $0.rule == "invalid-front-matter" }
        XCTAssertEqual(finding?.message.contains("aliases expand to more than"), true, "\(analysis.findings.map(\.message))")
        XCTAssertEqual(analysis.document.units.count, 1)
        let cases = PreviewCases.parse(yaml: yaml + "cases:\n  - *h\n")
        XCTAssertTrue(cases.cases.isEmpty)
        XCTAssertEqual(cases.problems.first?.contains("aliases expand to more than"), true, "\(cases.problems)")
        // A few aliases, as people use them, are read.
        let modest = PreviewCases.parse(yaml: "greeting: &g Hello there\ncases:\n  - *g\n  - user: *g\n")
        XCTAssertEqual(modest.cases.count, 2, "\(modest.problems)")
    }

    func testInvalidUTF8ReportsTheByteOffset() {
        let bytes = Array("Hello.\nRéponds ".utf8) + [0xFF, 0xFE] + Array(" en français.\n".utf8)
        let analysis = check(bytes)
        let findings = analysis.findings.filter { $0.rule == "invalid-encoding" }
        XCTAssertEqual(findings.count, 1)
        XCTAssertEqual(findings.first?.range, 16..<17)
        XCTAssertTrue(findings.first?.message.contains("byte offset 16") ?? false, findings.first?.message ?? "")
        XCTAssertEqual(findings.first?.severity, .error)
        XCTAssertFalse(analysis.document.units.isEmpty, "analysis goes on after a bad byte")
    }

    /// The first bad byte is reported, whether invalid UTF-8 or NUL; a YAML
    /// error is one line, as a finding's message must be.
    func testFirstBadByteAndOneLineYAMLError() {
        let bytes = Array("Be ".utf8) + [0xFF] + Array(" brief.\nUse JSON.".utf8) + [0] + Array("\n".utf8)
        XCTAssertEqual(check(bytes).findings.filter { $0.rule == "invalid-encoding" }.map(\.range), [3..<4])
        let yaml = check(Array("---\nvariables: [a, b\n---\nHello.\n".utf8)).findings.first { $0.rule == "invalid-front-matter" }
        let message = try? XCTUnwrap(yaml?.message)
        XCTAssertEqual(message, "front matter is not valid YAML: while parsing a flow sequence: did not find expected ',' or ']'")
    }

    /// A key given twice and an undefined alias were reported with the error's whole
    /// description: for a key given twice, the front matter's whole text, on one line.
    func testDuplicateKeysAndUndefinedAliasesInFrontMatterAreOneShortLine() {
        let duplicated = check(Array("---\nvariables: [a]\nvariables: [b]\n---\nYou are {{a}}.\n".utf8))
            .findings.first { $0.rule == "invalid-front-matter" }
        XCTAssertEqual(duplicated?.message, "front matter is not valid YAML: a mapping has the same key twice: 'variables'")
        let alias = check(Array("---\nvariables: *a\n---\nYou are {{a}}.\n".utf8)).findings.first { $0.rule == "invalid-front-matter" }
        XCTAssertEqual(alias?.message, "front matter is not valid YAML: found undefined alias")
        XCTAssertEqual(alias?.range.lowerBound, 15, "where the alias stands, not the block's start")
    }

    /// A UTF-16 file, as Windows editors save one, was "invalid UTF-8 at byte offset 0".
    func testAUTF16FileIsNamedSo() {
        let text = "You are a chef.\nBe brief.\n"
        let le: [UInt8] = [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let be: [UInt8] = text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        for (bytes, name) in [(le, "UTF-16 (little-endian, with a byte order mark)"), (Array(le.dropFirst(2)), "UTF-16 (little-endian)"),
                              (be, "UTF-16 (big-endian)")] {
            let findings = check(bytes).findings
            XCTAssertEqual(findings.map(\.rule), ["invalid-encoding"], name)
            XCTAssertEqual(findings.first?.message, "the file is \(name), not UTF-8: save it as UTF-8")
            XCTAssertEqual(findings.first?.range, 0..<1)
        }
        // NUL later in a UTF-8 file, or a lone NUL, is not UTF-16.
        XCTAssertTrue(check(Array("Be brief.".utf8) + [0]).findings.first?.message.contains("NUL byte at byte offset 9") ?? false)
        XCTAssertTrue(check([0]).findings.first?.message.contains("NUL byte") ?? false)
    }

    func testNULBytes() {
        let bytes = Array("Be brief.".utf8) + [0, 0, 0] + Array(" More text.\n".utf8)
        let analysis = check(bytes)
        let findings = analysis.findings.filter { $0.rule == "invalid-encoding" }
        XCTAssertEqual(findings.map(\.range), [9..<10])
        XCTAssertTrue(findings.first?.message.contains("NUL") ?? false)
        check([0])
        check([UInt8](repeating: 0, count: 1000))
    }

    /// A binary file got missing-facet warnings beside its NUL-byte error: reported as
    /// binary, it gets the encoding error alone. Text with a few stray bytes keeps its findings.
    func testABinaryFileGetsOnlyTheEncodingError() throws {
        func rules(_ bytes: [UInt8], _ configuration: FacetConfiguration = .default) -> [String] {
            Analyzer.analyze(SourceText(bytes: bytes), configuration: configuration).findings.map(\.rule)
        }
        let everyMessage = try FacetConfiguration.parse(toml: "min-units = 0\n", file: ".facet.toml")
        XCTAssertEqual(rules(Array("You are".utf8) + [0, 1, 2] + Array(" binary".utf8), everyMessage), ["invalid-encoding"])
        let hedges = Array("Try to be brief.\nMaybe use JSON.\nBe kind.".utf8) + [0]
        XCTAssertEqual(rules(hedges), ["invalid-encoding"])
        // Cyrillic saved as Windows-1251: nearly every byte is invalid UTF-8, read as U+FFFD.
        let cp1251: [UInt8] = [0xD2, 0xFB, 0x20, 0xEF, 0xEE, 0xEC, 0xEE, 0xF9, 0xED, 0xE8, 0xEA, 0x2E, 0x20]
        XCTAssertEqual(rules(Array(repeating: cp1251, count: 5).flatMap { $0 } + Array("Try to use JSON.\n".utf8)), ["invalid-encoding"])
        // One Latin-1 accent in English text: text still, with its findings.
        let latin1 = Array("You are a chef. Try to be brief.\nMaybe use JSON.\nCaf".utf8) + [0xE9] + Array(" au lait.\n".utf8)
        XCTAssertEqual(Set(rules(latin1)), ["invalid-encoding", "missing-facet", "weak-instruction"])
        // With the encoding error off, or not reported, nothing says the file is binary: the rest stays.
        let off = try FacetConfiguration.parse(toml: "[rules]\ninvalid-encoding = \"off\"\n", file: ".facet.toml")
        XCTAssertEqual(Set(rules(hedges, off)), ["missing-facet", "weak-instruction"])
    }

    func testFiveMegabyteMessage() {
        var text = "# Support assistant\nYou are a support assistant for Acme.\n"
        let paragraph = "- Answer questions about orders, e.g. delivery dates, in 3.5 sentences or fewer. Use {{user_name}} when you greet someone.\n"
            + "Customers may ask about refunds; explain the policy at https://example.com/refunds.html clearly.\n\n"
        while text.utf8.count < 5_000_000 { text += paragraph }
        let start = Date()
        let analysis = check(Array(text.utf8))
        XCTAssertGreaterThan(analysis.document.units.count, 10_000)
        XCTAssertTrue(analysis.findings.contains { $0.rule == "overlong" })
        XCTAssertLessThan(Date().timeIntervalSince(start), 120, "5 MB took too long")
    }

    /// Each code block was looked up in the list of all of them, per line: a
    /// megabyte of fences took seconds, two megabytes half a minute.
    func testThousandsOfFencesTakeLinearTime() {
        let text = String(repeating: "```\n", count: 1 << 17)
        let start = Date()
        let document = Segmenter.segment(SourceText(text))
        XCTAssertEqual(document.codeBlocks.count, 1 << 16)
        XCTAssertLessThan(Date().timeIntervalSince(start), 5, "fences took quadratic time")
    }

    /// A list item's lines were copied out and back for every line that continued
    /// it: 66,000 lazy continuation lines took twelve seconds.
    func testAListItemOfThousandsOfLinesTakesLinearTime() {
        let text = "- Item one\n" + String(repeating: "continues here\n", count: 40_000)
        let start = Date()
        let document = Segmenter.segment(SourceText(text))
        XCTAssertEqual(document.units.first?.kind, .listItem)
        XCTAssertLessThan(Date().timeIntervalSince(start), 5, "a long list item took quadratic time")
    }

    /// Whether the rest of a tag's line was blank was read from the line's end, per
    /// tag: 50,000 tags before a megabyte of spaces took twenty seconds.
    func testTagsBeforeALongRunOfSpacesTakeLinearTime() {
        let text = String(repeating: "<a>", count: 10_000) + String(repeating: " ", count: 1 << 17) + "\nBe kind.\n"
        let start = Date()
        let document = Segmenter.segment(SourceText(text))
        XCTAssertEqual(document.units.last.map { document.text(of: $0) }, "Be kind.")
        XCTAssertLessThan(Date().timeIntervalSince(start), 5, "tags took quadratic time")
    }

    /// Checks on a cue read the sentence from its start, once per cue: a sentence of
    /// 64,000 "a few" took 17 seconds, and 1.8 MB of them over a minute.
    func testASentenceOfThousandsOfCuesTakesLinearTime() {
        let cases = [("a few ", "vague-quantifier"), ("as needed ", "vague-quantifier"), ("rather than a few ", nil),
                     ("maybe ", "weak-instruction"), ("if possible, ", "weak-instruction"), ("and try to ", "weak-instruction"),
                     ("never reply in JSON and always reply in JSON ", nil)]
        for (cue, rule) in cases {
            let text = "You are a support agent. Help users.\n\n" + String(repeating: cue, count: 20_000)
            let start = Date()
            let analysis = check(Array(text.utf8))
            XCTAssertLessThan(Date().timeIntervalSince(start), 5, "\"\(cue)\" took quadratic time")
            if let rule { XCTAssertTrue(analysis.findings.contains { $0.rule == rule }, cue) }
            XCTAssertEqual(analysis.document.units.count, 3, cue)
        }
    }

    func testDeeplyNestedAndUnbalancedTags() {
        let depth = 2000
        var text = ""
        for i in 0..<depth { text += "<level\(i)>\nText at \(i).\n" }
        for i in stride(from: depth - 1, through: 0, by: -2) { text += "</level\(i)>\n" }
        text += String(repeating: "</stray>\n", count: 100)
        text += String(repeating: "<a><b><c>", count: 1000) + "\n"
        text += String(repeating: "<", count: 5000) + String(repeating: ">", count: 5000) + "\n"
        let analysis = check(Array(text.utf8))
        XCTAssertTrue(analysis.findings.contains { $0.rule == "unbalanced-section" })
        XCTAssertEqual(analysis.document.strayClosingTags.count, 100)
    }

    func testTenThousandLineList() {
        var text = "Rules:\n"
        for i in 0..<10_000 { text += "- Rule number \(i) says to answer question \(i) politely.\n" }
        let analysis = check(Array(text.utf8))
        XCTAssertEqual(analysis.document.units.filter { $0.kind == .listItem }.count, 10_000)
    }

    func testLoneFrontMatterMarkers() {
        XCTAssertTrue(check(Array("---".utf8)).document.units.isEmpty)
        XCTAssertTrue(check(Array("---\n".utf8)).document.units.isEmpty)
        check(Array("---\n---".utf8))
        check(Array("---\n---\n".utf8))
        check(Array("---\nvariables: [\n".utf8))
        check(Array("---\n: : :\n---\nText.".utf8))
        check(Array("---\r\nvariables: [a]\r\n---\r\nUse {{a}}.\r\n".utf8))
    }

    func testOtherOddInputs() {
        check(Array("```".utf8))
        check(Array("```\nnever closed".utf8))
        check(Array("<!--".utf8))
        check(Array("<!-- facet-disable".utf8))
        check(Array("{{".utf8))
        check(Array("{{{{{{{{".utf8) + Array(repeating: UInt8(ascii: "x"), count: 300))
        check(Array("${".utf8))
        check(Array("$".utf8))
        check(Array("**".utf8))
        check(Array("- ".utf8))
        check(Array("#".utf8))
        check(Array("| a | b |\n|---|---|\n| c | d |".utf8))
        check(Array(repeating: UInt8(ascii: "."), count: 10_000))
        check(Array(repeating: 0x0D, count: 1000))
        check([0xE3, 0x80])  // a truncated 。
        check([0xEF, 0xBC])  // a truncated ！
        check(Array("a.".utf8) + [0xE2, 0x80])
    }
}
