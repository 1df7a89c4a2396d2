import XCTest
@testable import FacetCore

final class SuggestionRankerTests: XCTestCase {
    func preference(_ dimension: String, _ sub: String, _ name: String, _ description: String, count: Int = 1) -> ScoredPreference {
        ScoredPreference(preference: Preference(dimension: dimension, subdimension: sub, name: name, description: description, source: "t", count: count), relevance: 0)
    }

    func testQueryTakesRoleAndTaskWordsFirstAndKnowsCoveredDimensions() {
        let analysis = Analyzer.analyze("You are a chemistry tutor.\nExplain reactions step by step.\nUse a friendly tone.\n")
        let query = SuggestionQuery(analysis)
        XCTAssertEqual(Array(query.terms.prefix(2)), ["chemistry", "tutor"])
        XCTAssertTrue(query.coveredDimensions.contains(.style))
        XCTAssertTrue(query.missingDimensions.contains(.harmlessness))
        XCTAssertFalse(query.terms.contains("you"))
    }

    func testMissingDimensionsComeFirstAndWhatIsSaidIsDropped() {
        let query = SuggestionQuery(terms: ["chemistry"], coveredDimensions: [.style], messageWords: ["friendly", "tone", "warm"])
        let ranked = SuggestionRanker.rank([
            preference("style", "tone", "Warm tone", "Keep a warm and friendly tone."),
            preference("style", "clarity", "Short sentences", "Write short sentences about chemistry."),
            preference("harmlessness", "safety", "Lab safety", "Warn about dangerous experiments."),
        ], for: query)
        XCTAssertEqual(ranked.map(\.preference.name), ["Lab safety", "Short sentences"], "warm tone is already said")
        XCTAssertTrue(ranked[0].reason.contains("no harmlessness preference"), ranked[0].reason)
    }

    func testRelevanceAndPopularityOrderWithinADimension() {
        let query = SuggestionQuery(terms: ["chemistry", "reactions"], coveredDimensions: [], messageWords: [])
        var exact = preference("informativeness", "depth", "Mechanisms", "Explain chemistry reactions by their mechanism.")
        exact.relevance = 5
        var popular = preference("informativeness", "examples", "Examples", "Give one worked example.", count: 50)
        popular.relevance = 0
        let ranked = SuggestionRanker.rank([popular, exact], for: query, dimension: "informativeness")
        XCTAssertEqual(ranked.first?.preference.name, "Mechanisms")
        XCTAssertEqual(ranked.count, 2)
    }

    func testEachSubdimensionGetsOnePlaceBeforeAnyGetsTwo() {
        let query = SuggestionQuery(terms: [], coveredDimensions: [], messageWords: [])
        let candidates = (0..<4).map { preference("style", "tone", "Tone \($0)", "Tone rule number \($0).") }
            + [preference("style", "clarity", "Clear", "Be clear about units.")]
        let ranked = SuggestionRanker.rank(candidates, for: query, limit: 3)
        XCTAssertEqual(Set(ranked.map(\.preference.name)), ["Tone 0", "Tone 1", "Clear"])
    }

    func testTheInMemoryMatcherFindsEmbeddedPreferences() {
        let found = PreferenceMatcher.embedded.search(["privacy", "personal"], limit: 5)
        XCTAssertFalse(found.isEmpty)
        XCTAssertTrue(found.allSatisfy { $0.relevance > 0 })
        XCTAssertEqual(found.first?.preference.dimension, "harmlessness")
        XCTAssertTrue(PreferenceMatcher.embedded.search(["zzzqqq"]).isEmpty)
        XCTAssertEqual(PreferenceMatcher.embedded.top(dimension: "style", limit: 3).count, 3)
    }
}
