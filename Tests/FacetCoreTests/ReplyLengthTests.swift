import XCTest
@testable import FacetCore

/// The length phrases of `conflicting-instructions`: a unit is only looked at
/// when it holds a key word of a side, so a phrase without one would never match.
final class ReplyLengthTests: XCTestCase {
    func testEveryPhraseHoldsAKeyWordOfItsSide() {
        for (phrases, keyWords) in [(ReplyLength.brief, ReplyLength.briefKeyWords), (ReplyLength.detailed, ReplyLength.detailedKeyWords)] {
            let keys = Set(keyWords.map(CompiledLexicon.hashWord))
            for phrase in phrases {
                let words = phrase.split(separator: " ").map { CompiledLexicon.hashWord(String($0)) }
                XCTAssertTrue(words.contains { keys.contains($0) }, "\"\(phrase)\" holds no key word of its side")
            }
        }
    }

    func testTheSidesShareNoPhraseOrKeyWord() {
        XCTAssertTrue(Set(ReplyLength.brief).isDisjoint(with: ReplyLength.detailed))
        XCTAssertTrue(Set(ReplyLength.briefKeyWords).isDisjoint(with: ReplyLength.detailedKeyWords))
    }

    func testAdverbsCountOnlyAfterAReplyVerb() {
        func conflicts(_ text: String) -> Bool {
            let analysis = Analyzer.analyze(text)
            let findings = analysis.findings.filter { $0.rule == "conflicting-instructions" }
            return !findings.isEmpty
        }
        // The later unit alone decides: the earlier one asks for detail in every case.
        XCTAssertTrue(conflicts("Explain every step in detail.\nAnswer the question briefly.\n"))
        XCTAssertFalse(conflicts("Explain every step in detail.\nSummarise each change briefly.\n"))
        XCTAssertFalse(conflicts("Explain every step in detail.\nAnswer the question about the topic, then list them briefly.\n"))
    }
}
