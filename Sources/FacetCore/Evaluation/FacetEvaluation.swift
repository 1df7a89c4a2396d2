import Foundation

/// Precision, recall and F1 of the facet classifier against labelled spans,
/// counted over (unit, facet) pairs.
public struct FacetScores: Sendable {
    public var truePositives: [Facet: Int] = [:]
    public var falsePositives: [Facet: Int] = [:]
    public var falseNegatives: [Facet: Int] = [:]
    public var units = 0
    public var documents = 0
    /// Up to a few wrong units per facet, for people tuning the classifier.
    public var mistakes: [String] = []

    public init() {}

    public mutating func add(_ other: FacetScores) {
        for facet in Facet.allCases {
            truePositives[facet, default: 0] += other.truePositives[facet, default: 0]
            falsePositives[facet, default: 0] += other.falsePositives[facet, default: 0]
            falseNegatives[facet, default: 0] += other.falseNegatives[facet, default: 0]
        }
        units += other.units
        documents += other.documents
        mistakes += other.mistakes
    }

    public func precision(_ facet: Facet?) -> Double {
        let tp = count(truePositives, facet), fp = count(falsePositives, facet)
        return tp + fp == 0 ? 1 : Double(tp) / Double(tp + fp)
    }

    public func recall(_ facet: Facet?) -> Double {
        let tp = count(truePositives, facet), fn = count(falseNegatives, facet)
        return tp + fn == 0 ? 1 : Double(tp) / Double(tp + fn)
    }

    public func f1(_ facet: Facet?) -> Double {
        let p = precision(facet), r = recall(facet)
        return p + r == 0 ? 0 : 2 * p * r / (p + r)
    }

    public func support(_ facet: Facet?) -> Int { count(truePositives, facet) + count(falseNegatives, facet) }

    func count(_ table: [Facet: Int], _ facet: Facet?) -> Int {
        if let facet { return table[facet, default: 0] }
        return table.values.reduce(0, +)
    }
}

public enum FacetEvaluation {
    /// Scores one document. A unit's gold facets are those of the labelled spans
    /// covering most of it (or most of which it covers); a labelled span that no
    /// unit takes counts as missed.
    public static func score(analysis: Analysis, gold: [TaggedText.Span], name: String = "",
                             limit: Range<Int>? = nil) -> FacetScores {
        score(document: analysis.document, facets: analysis.facets, gold: gold, name: name, limit: limit)
    }

    public static func score(document: Document, facets: [UnitFacets], gold: [TaggedText.Span], name: String = "",
                             limit: Range<Int>? = nil) -> FacetScores {
        var scores = FacetScores()
        scores.documents = 1
        var claimed = [Bool](repeating: false, count: gold.count)
        for (index, unit) in document.units.enumerated() {
            if let limit, unit.range.upperBound > limit.upperBound { continue }
            let expected = expectedFacets(unit.range, gold: gold, claimed: &claimed)
            let predicted = Set(facets[index].facets)
            scores.units += 1
            for facet in Facet.allCases {
                let p = predicted.contains(facet), e = expected.contains(facet)
                if p && e { scores.truePositives[facet, default: 0] += 1 }
                if p && !e { scores.falsePositives[facet, default: 0] += 1 }
                if !p && e { scores.falseNegatives[facet, default: 0] += 1 }
            }
            if predicted != expected {
                let text = document.text(of: unit).prefix(100)
                scores.mistakes.append("\(name): gold \(expected.sorted().map(\.rawValue)) got \(predicted.sorted().map(\.rawValue)): \(text)")
            }
        }
        for (g, span) in gold.enumerated() where !claimed[g] {
            for facet in span.facets { scores.falseNegatives[facet, default: 0] += 1 }
            scores.mistakes.append("\(name): no unit for labelled span \(span.facets.sorted().map(\.rawValue)) at \(span.range)")
        }
        return scores
    }

    /// The gold facets of the unit at `range`: those of the labelled spans
    /// covering most of it (or most of which it covers), marked as claimed.
    public static func expectedFacets(_ range: Range<Int>, gold: [TaggedText.Span], claimed: inout [Bool]) -> Set<Facet> {
        var expected = Set<Facet>()
        for (g, span) in gold.enumerated() {
            let overlap = min(range.upperBound, span.range.upperBound) - max(range.lowerBound, span.range.lowerBound)
            guard overlap > 0 else { continue }
            if overlap * 2 >= range.count || overlap * 2 >= span.range.count {
                expected.formUnion(span.facets)
                claimed[g] = true
            }
        }
        return expected
    }

    /// One JSON line per classified unit: the document, the gold facets and the
    /// model's features by name, for training the facet model.
    public static func featureLines(document: Document, gold: [TaggedText.Span], name: String) -> [String] {
        var claimed = [Bool](repeating: false, count: gold.count)
        var lines: [String] = []
        for (index, features) in FacetClassifier.ruleBased.namedFeatures(document).enumerated() {
            guard let features else { continue }
            let expected = expectedFacets(document.units[index].range, gold: gold, claimed: &claimed)
            let object: [String: Any] = ["doc": name, "unit": index, "gold": expected.sorted().map(\.rawValue), "x": features]
            if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) {
                lines.append(String(decoding: data, as: UTF8.self))
            }
        }
        return lines
    }
}
