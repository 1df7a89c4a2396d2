@testable import FacetCore
import XCTest

/// `WordIndex` tokenizes each unit once for the classifier and the rules, and
/// marks number words by vocabulary id rather than as the tokenizer does:
/// the tokens must come out as the tokenizer alone gives them.
final class WordIndexTests: XCTestCase {
    func testTokensAreTheTokenizersWithTheVocabularysIDs() {
        let text = "Use three bullet points, not twelve.\n- Give ONE example in 2 lines, or a single table.\n## Fifteen tips\nThrees and tens of 3.5 things; Twenty’s fine. Réponds en français.\n"
        let document = Segmenter.segment(SourceText(text))
        let words = WordIndex(document)
        var compared = 0
        document.source.bytes.withUnsafeBufferPointer { buffer in
            var alone: [Token] = []
            for index in document.units.indices {
                Tokenizer.tokenize(buffer, document.units[index].range, into: &alone)
                let indexed = Array(words.of(index))
                XCTAssertEqual(indexed.map(\.hash), alone.map(\.hash))
                XCTAssertEqual(indexed.map(\.range), alone.map(\.range))
                XCTAssertEqual(indexed.map(\.isNumber), alone.map(\.isNumber), document.text(of: document.units[index]))
                XCTAssertEqual(indexed.map(\.startsUpper), alone.map(\.startsUpper))
                XCTAssertEqual(indexed.map(\.id), alone.map { Vocabulary.shared.id($0.hash) })
                compared += indexed.count
            }
        }
        XCTAssertEqual(compared, 29)  // every word of the text
        let numbers = words.tokens.filter(\.isNumber).map { document.source.text($0.range) }
        XCTAssertEqual(numbers, ["three", "twelve", "ONE", "2", "single", "Fifteen", "3.5"])
    }

    /// The tokenizer gathers words in a small buffer before they join the array:
    /// a unit of many more words than it holds keeps them all, in order.
    func testALongUnitKeepsEveryWordInOrder() {
        let words = (0..<100).map { "w\($0)" }
        let bytes = Array(words.joined(separator: " ").utf8)
        var tokens = [Token(hash: 1, range: 0..<0, isNumber: false, startsUpper: false)]  // appended after, not over
        bytes.withUnsafeBufferPointer { Tokenizer.append($0, 0..<$0.count, to: &tokens) }
        XCTAssertEqual(tokens.count, 101)
        XCTAssertEqual(tokens.dropFirst().map(\.hash), words.map(Tokenizer.hash))
        XCTAssertEqual(tokens.dropFirst().map { String(decoding: bytes[$0.range], as: UTF8.self) }, words)
    }
}
