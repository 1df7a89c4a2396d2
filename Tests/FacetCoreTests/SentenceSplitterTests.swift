import XCTest
@testable import FacetCore

/// Where prose breaks into sentences (SentenceSplitter, through the Segmenter).
final class SentenceSplitterTests: XCTestCase {
    func texts(_ text: String) -> [String] {
        let document = Segmenter.segment(SourceText(text))
        return document.units.map { document.text(of: $0) }
    }

    // MARK: Quotations

    /// An inch mark opened a quotation that never closed: the sentences after it
    /// were one unit.
    func testAnInchMarkOpensNoQuotation() {
        XCTAssertEqual(texts("Recommend the 27\" monitor for gaming. Never recommend the 24\" one. Say \"Thanks.\" at the end."),
                       ["Recommend the 27\" monitor for gaming.", "Never recommend the 24\" one.", "Say \"Thanks.\" at the end."])
        // After a digit a mark still closes a quotation.
        XCTAssertEqual(texts("Type \"1234\" first. Then press Enter."), ["Type \"1234\" first.", "Then press Enter."])
        XCTAssertEqual(texts("Reply \"Call 911. Stay calm\" and wait."), ["Reply \"Call 911. Stay calm\" and wait."])
    }

    /// A stray mark held every stop after it whenever another quotation followed
    /// on the line: the next quotation's opening mark is no closing one.
    func testAStrayQuotationMarkHoldsNoStopBeforeTheNextQuotation() {
        XCTAssertEqual(texts("Use the \"big monitor. Say \"hi\" to the user."), ["Use the \"big monitor.", "Say \"hi\" to the user."])
        // A closing mark after a space still closes.
        XCTAssertEqual(texts("Add a greeting (such as \"Hi. \") before the reply."), ["Add a greeting (such as \"Hi. \") before the reply."])
        XCTAssertEqual(texts("Reply \"Sorry. I cannot help.\" and stop. Next."), ["Reply \"Sorry. I cannot help.\" and stop.", "Next."])
    }

    /// Each stop rescanned its unit from the start: 600 KB of quotations took seconds.
    func testManyQuotationsInOneSentenceTakeLinearTime() {
        let text = String(repeating: "Say \"Hi. Bye\" and ", count: 10_000) + "stop."
        let start = Date()
        XCTAssertEqual(texts(text).count, 1)
        XCTAssertLessThan(Date().timeIntervalSince(start), 2, "quadratic in the sentence's length")
    }
}
