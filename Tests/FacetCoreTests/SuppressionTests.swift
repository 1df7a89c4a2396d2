import XCTest
@testable import FacetCore

final class SuppressionTests: XCTestCase {
    func rules(_ text: String) -> [String] { Analyzer.analyze(text).findings.map(\.rule) }
    func lines(of rule: String, in text: String) -> [Int] {
        let analysis = Analyzer.analyze(text)
        return analysis.findings.filter { $0.rule == rule }.map { analysis.source.lines.line(containing: $0.range.lowerBound) }
    }

    func unitTexts(_ text: String) -> [String] {
        let document = Analyzer.analyze(text).document
        return document.units.map { document.text(of: $0) }
    }

    func testDisableSilencesOnlyTheNextUnit() {
        let text = "Give a few examples.\n<!-- facet-disable vague-quantifier -->\nGive a few examples of each.\nList a few options.\n"
        XCTAssertEqual(lines(of: "vague-quantifier", in: text), [0, 3])
    }

    func testDisableNextUnitOnSameLine() {
        let text = "<!-- facet-disable vague-quantifier -->\nList a few options. Give a few examples.\n"
        XCTAssertEqual(lines(of: "vague-quantifier", in: text), [1])
        let analysis = Analyzer.analyze(text)
        XCTAssertEqual(analysis.findings.filter { $0.rule == "vague-quantifier" }.map(\.range.lowerBound), [65])
    }

    /// A tag line is no unit, so an unclosed tag could only be silenced for the whole file.
    func testDisableAboveAnUnclosedTagSilencesIt() {
        XCTAssertTrue(rules("You are a helper.\n<rules>\nBe kind.\n").contains("unbalanced-section"))
        XCTAssertFalse(rules("You are a helper.\n<!-- facet-disable unbalanced-section -->\n\n<rules>\nBe kind.\n").contains("unbalanced-section"))
    }

    /// In a prompt quoted in a ```markdown fence the comment was read as a sentence of the
    /// prompt and silenced nothing, so "Disable ... here" there left its finding in place.
    func testDisableInsideAQuotedPrompt() {
        let text = "Here is my prompt:\n\n```markdown\nYou are a chef.\nGive a few examples.\n<!-- facet-disable vague-quantifier -->\n"
            + "Give a few examples of each.\nList a few options.\n```\n"
        XCTAssertEqual(lines(of: "vague-quantifier", in: text), [4, 7])
        XCTAssertFalse(unitTexts(text).contains { $0.hasPrefix("<!--") }, "the comment is no unit: \(unitTexts(text))")
        let unclosed = "```markdown\nYou are a chef.\n<!-- facet-disable -->\nGive a few examples.\nList a few options.\n"
        XCTAssertEqual(lines(of: "vague-quantifier", in: unclosed), [4])
        XCTAssertFalse(unitTexts(unclosed).contains { $0.hasPrefix("<!--") }, "the comment is no unit: \(unitTexts(unclosed))")
    }

    func testDisableOnlyNamedRules() {
        let text = "<!-- facet-disable weak-instruction -->\nTry to give a few examples of each step.\n"
        let found = rules(text)
        XCTAssertFalse(found.contains("weak-instruction"))
        XCTAssertTrue(found.contains("vague-quantifier"))
    }

    func testDisableWithoutIdsSilencesEveryRuleOnNextUnit() {
        let text = "<!-- facet-disable -->\nTry to give a few examples.\nList a few options.\n"
        XCTAssertEqual(lines(of: "vague-quantifier", in: text), [2])
        XCTAssertEqual(lines(of: "weak-instruction", in: text), [])
    }

    func testDisableFileSilencesTheWholeFile() {
        let text = "Give a few examples.\nList a few options.\n<!-- facet-disable-file vague-quantifier -->\nTry to be brief.\n"
        XCTAssertEqual(lines(of: "vague-quantifier", in: text), [])
        XCTAssertEqual(lines(of: "weak-instruction", in: text), [3])
    }

    func testDisableFileWithoutIdsSilencesEverything() {
        let text = "<!-- facet-disable-file -->\n<instructions>\nTry to give a few examples.\n"
        XCTAssertEqual(rules(text), [])
    }

    func testUnknownIdsProduceUnknownRule() {
        let text = "<!-- facet-disable vague-quantifiers -->\nGive a few examples.\n"
        let analysis = Analyzer.analyze(text)
        let unknown = analysis.findings.filter { $0.rule == "unknown-rule" }
        XCTAssertEqual(unknown.map(\.range), [0..<40])
        XCTAssertTrue(unknown[0].message.contains("'vague-quantifiers'"))
        XCTAssertTrue(unknown[0].message.contains("'vague-quantifier'"), "suggests the closest id")
        XCTAssertTrue(analysis.findings.contains { $0.rule == "vague-quantifier" }, "a misspelt id silences nothing")
    }

    /// `facet-disable: id` and `facet-disable-line id` were taken for directives,
    /// then matched none: they silenced nothing and nothing said so.
    func testAColonAfterTheDirectiveIsAccepted() {
        XCTAssertEqual(lines(of: "vague-quantifier", in: "<!-- facet-disable: vague-quantifier -->\nGive a few examples.\n"), [])
        XCTAssertEqual(lines(of: "vague-quantifier", in: "<!-- facet-disable-file:vague-quantifier -->\nGive a few examples.\n"), [])
        XCTAssertEqual(rules("<!-- facet-disable: vague-quantifier -->\nGive a few examples.\n"), [])
    }

    func testADirectiveFacetDoesNotKnowIsReportedAndSilencesNothing() {
        let text = "<!-- facet-disable-line vague-quantifier -->\nGive a few examples.\n"
        let analysis = Analyzer.analyze(text)
        XCTAssertTrue(analysis.findings.contains { $0.rule == "vague-quantifier" })
        let unknown = analysis.findings.filter { $0.rule == "unknown-rule" }
        XCTAssertEqual(unknown.map(\.range), [0..<44])
        XCTAssertEqual(unknown.first?.message, "'facet-disable-line' is not a suppression directive, so this comment silences nothing: "
                       + "use `facet-disable rule-id` (the next unit) or `facet-disable-file rule-id` (the whole file)")
    }

    /// `*` silenced every rule on the next unit while unknown-rule called it an unknown
    /// rule (and asked "did you mean 'overlong'?"). Leaving the ids out silences every
    /// rule; `*` is reported and silences nothing, like any other id that is no rule's.
    func testAStarIsNoRuleIdAndSilencesNothing() {
        let text = "<!-- facet-disable * -->\nGive a few examples.\n"
        let analysis = Analyzer.analyze(text)
        XCTAssertTrue(analysis.findings.contains { $0.rule == "vague-quantifier" })
        XCTAssertEqual(analysis.findings.filter { $0.rule == "unknown-rule" }.map(\.message),
                       ["'*' is not a rule id, so it silences nothing; `facet-disable` with no ids silences every rule"])
    }

    /// Any unknown id was offered the nearest rule id, however far: `bogus` got "did you mean 'overlong'?".
    func testAnUnknownIdFarFromEveryRuleGetsNoSuggestion() {
        let messages = Analyzer.analyze("<!-- facet-disable bogus -->\nBe brief.\n").findings.filter { $0.rule == "unknown-rule" }.map(\.message)
        XCTAssertEqual(messages, ["unknown rule 'bogus' in a suppression comment (`facet rules` lists the rules)"])
    }

    func testUnknownRuleSurvivesFileWideDisable() {
        let text = "<!-- facet-disable-file -->\n<!-- facet-disable nonsense -->\nBe brief.\n"
        XCTAssertEqual(rules(text), ["unknown-rule"])
    }

    func testOrdinaryCommentsDoNothing() {
        let text = "<!-- facet: a note -->\nGive a few examples.\n"
        XCTAssertEqual(rules(text), ["vague-quantifier"])
    }

    /// 20,000 findings and 20,000 suppression comments: each comment still silences
    /// only its next unit (or, for a finding outside units, its next line). Every
    /// finding outside a unit was once looked up among all units.
    func testManyFindingsAndSuppressions() {
        var text = ""
        for i in 0..<5_000 {
            text += "<!-- facet-disable vague-quantifier -->\nGive a few examples of topic \(i).\nList a few options for topic \(i).\n"
            text += "<!-- facet-disable unknown-rule -->\n<!-- facet-disable vague-quantifierz -->\n<!-- facet-disable vague-quantifierz -->\n"
        }
        XCTAssertEqual(lines(of: "vague-quantifier", in: text), (0..<5_000).map { 6 * $0 + 2 })
        XCTAssertEqual(lines(of: "unknown-rule", in: text), (0..<5_000).map { 6 * $0 + 5 })
    }
}
