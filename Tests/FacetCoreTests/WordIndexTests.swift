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
}
