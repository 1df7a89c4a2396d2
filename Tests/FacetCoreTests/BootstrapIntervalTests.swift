import XCTest
@testable import FacetCore

final class BootstrapIntervalTests: XCTestCase {
    func document(tp: Int, fp: Int, fn: Int) -> FacetScores {
        var scores = FacetScores()
        scores.documents = 1
        scores.truePositives[.task] = tp
        scores.falsePositives[.task] = fp
        scores.falseNegatives[.task] = fn
        return scores
    }

    func testDocumentsThatScoreAlikeGiveAPointInterval() {
        let interval = BootstrapInterval(documents: Array(repeating: document(tp: 3, fp: 1, fn: 0), count: 10))
        XCTAssertEqual(interval.lower, 6.0 / 7.0, accuracy: 1e-12)
        XCTAssertEqual(interval.upper, 6.0 / 7.0, accuracy: 1e-12)
    }

    func testIntervalSurroundsTheScoreAndIsReproducible() {
        let documents = (0..<30).map { i in document(tp: i % 5, fp: i % 3, fn: (i + 1) % 4) }
        var total = FacetScores()
        for d in documents { total.add(d) }
        let interval = BootstrapInterval(documents: documents)
        XCTAssertLessThan(interval.lower, total.f1(nil))
        XCTAssertGreaterThan(interval.upper, total.f1(nil))
        XCTAssertEqual(interval, BootstrapInterval(documents: documents))
        // Fewer documents of the same kind leave more doubt.
        let few = BootstrapInterval(documents: Array(documents.prefix(6)))
        XCTAssertGreaterThan(few.upper - few.lower, interval.upper - interval.lower)
    }

    func testNoDocumentsGiveNoInterval() {
        XCTAssertEqual(BootstrapInterval(documents: []), BootstrapInterval(documents: [], samples: 1000))
        XCTAssertEqual(BootstrapInterval(documents: []).upper, 0)
    }
}
