import XCTest
@testable import FacetCore

final class NearestNameTests: XCTestCase {
    func nearest(_ name: String, among names: [String]) -> String? { NearestName(names).nearest(to: name) }

    /// Any declared name within max(2, a quarter of the length) was offered: `{{date}}`
    /// and `{{time}}` became `{{name}}`, and `{{b}}` became `{{a}}`.
    func testOnlyATypoIsSuggested() {
        XCTAssertNil(nearest("date", among: ["name", "email"]))
        XCTAssertNil(nearest("time", among: ["name", "email"]))
        XCTAssertNil(nearest("b", among: ["a"]))
        XCTAssertNil(nearest("id", among: ["ix"]))
        XCTAssertEqual(nearest("nme", among: ["email", "name"]), "name")
        XCTAssertEqual(nearest("username", among: ["user_name"]), "user_name")
        XCTAssertEqual(nearest("usr_name", among: ["email", "user_name"]), "user_name")
        XCTAssertNil(nearest("usr_nme", among: ["user_name"]), "two edits in seven letters")
        XCTAssertEqual(nearest("vague-quantifiers", among: ["overlong", "vague-quantifier"]), "vague-quantifier")
        XCTAssertNil(nearest("*", among: ["overlong", "vague-quantifier"]))
        XCTAssertNil(nearest("all", among: ["overlong", "vague-quantifier"]))
    }

    func testTheNearestAndThenTheFirstIsChosen() {
        XCTAssertEqual(nearest("customer_nam", among: ["customer_id", "customer_name"]), "customer_name")
        XCTAssertEqual(nearest("abcde", among: ["abcdx", "abcdy"]), "abcdx")
        XCTAssertEqual(nearest("abcdefgh", among: ["abxdefgx", "abcdefgx"]), "abcdefgx")
    }

    /// The bounded distance agrees with the plain one wherever that is within the limit.
    func testBoundedDistanceMatchesTheFullOne() {
        func plain(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
            var previous = Array(0...b.count)
            for i in 1...max(a.count, 1) where !a.isEmpty {
                var current = [i] + Array(repeating: 0, count: b.count)
                for j in stride(from: 1, through: b.count, by: 1) {
                    current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                }
                previous = current
            }
            return previous[b.count]
        }
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abc".unicodeScalars)
        var rowA = [Int](repeating: 0, count: 12), rowB = rowA
        for _ in 0..<5_000 {
            let a = (0..<Int.random(in: 0...8, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            let b = (0..<Int.random(in: 0...8, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            let limit = Int.random(in: 0...4, using: &generator)
            let full = plain(a, b)
            XCTAssertEqual(NearestName.distance(a, b, limit: limit, &rowA, &rowB), full <= limit ? full : nil, "\(a) \(b) \(limit)")
        }
    }

    /// Every use was compared with every declared name, each distance computed twice
    /// and in full: 3,000 of each took 7.9 s in a release build. 2,000 of each take
    /// about 2.5 s in a debug build, and took about 25 s.
    func testThousandsOfUsesAndDeclarationsAreQuick() {
        let count = 2_000
        let text = "---\nvariables: [" + (0..<count).map { "v\($0)" }.joined(separator: ", ") + "]\n---\n"
            + (0..<count).map { "Use {{x\($0)}}.\n" }.joined()
        let start = Date()
        let findings = Analyzer.analyze(text).findings.filter { $0.rule == "undefined-variable" }
        XCTAssertLessThan(Date().timeIntervalSince(start), 12, "2,000 uses against 2,000 names took too long")
        XCTAssertEqual(findings.count, count)
        // The message names a few of the declared names, not all of them.
        XCTAssertTrue(findings[0].message.hasSuffix("(declared: v0, v1, v2, v3, v4, v5, v6, v7, v8, v9 and 1990 more)"), findings[0].message)
    }
}
