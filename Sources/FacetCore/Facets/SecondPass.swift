import Foundation

/// The learned layer's second pass: the first pass reads one unit at a time;
/// this reads what the first pass made of the units around it. Per facet, a
/// logistic regression over the first pass's probabilities for the unit, for
/// the units just before and after it, their mean over the three units either
/// side and over the whole document (examples count as absent), the unit's own
/// log-odds (clipped, over 5), and a bias: "s2.<block>.<facet>" and "s2.bias"
/// in the weights file. `bench/train-facets.py` trains it on out-of-fold
/// first-pass probabilities, so it learns what the first pass gets wrong on
/// documents it has not seen: a unit between two tool descriptions, a list
/// whose neighbours the first pass read one way.
struct SecondPass: Sendable {
    /// The feature blocks, as the weights file names them, each a number per facet.
    enum Block: Int, CaseIterable {
        case p, prev, next, near, doc, logit
    }

    /// Per input feature (`Block` × facet, then the bias), its weights by output facet.
    let rows: [SIMD8<Double>]

    /// A message of fewer units (examples not counted) is read by the first pass
    /// alone: the second reads context, which a short message has little of, and
    /// it learned from long ones ("Give a TL;DR at the top." after a task became
    /// a task). Cross-validation chose it (bench/train-facets.py, `STACK_MIN_UNITS`).
    static let minimumUnits = 20

    static let inputs = Block.allCases.count * FacetModel.facets + 1
    static let bias = inputs - 1
    /// The first pass's log-odds are clipped here (a probability of 1/10,000 from 0 or 1).
    static let logitClip = log(9999.0)

    /// The row for a weights-file name ("s2.near.tool", "s2.bias"), nil for others.
    static func input(named name: String) -> Int? {
        if name == "s2.bias" { return bias }
        let parts = name.split(separator: ".")
        guard parts.count == 3, parts[0] == "s2", let block = Block.allCases.first(where: { "\($0)" == parts[1] }),
              let facet = Facet(rawValue: String(parts[2])) else { return nil }
        return block.rawValue * FacetModel.facets + facet.order
    }

    /// The second pass's log-odds for every unit from the first pass's (nil: an
    /// example, absent to its neighbours as to the document), in place; a short
    /// message's are left as they are.
    func apply(to logits: inout [SIMD8<Double>?]) {
        // Counted before any probability is made: most messages are short, and need none.
        let present = logits.reduce(0) { $0 + ($1 == nil ? 0 : 1) }
        guard present >= Self.minimumUnits else { return }
        let facetLanes = SIMD8<Double>(1, 1, 1, 1, 1, 1, 1, 0)  // the eighth lane unused
        let probabilities: [SIMD8<Double>?] = logits.map { $0.map { Self.probabilities($0) * facetLanes } }
        var documentSum = SIMD8<Double>()
        for case let p? in probabilities { documentSum += p }
        let documentMean = documentSum / Double(present)
        for index in logits.indices {
            guard let first = logits[index], let p = probabilities[index] else { continue }
            var near = SIMD8<Double>(), nearCount = 0
            for other in max(0, index - 3)...min(logits.count - 1, index + 3) where other != index {
                if let q = probabilities[other] { near += q; nearCount += 1 }
            }
            let clipped = first.clamped(lowerBound: SIMD8(repeating: -Self.logitClip), upperBound: SIMD8(repeating: Self.logitClip)) / 5
            var z = rows[Self.bias]
            add(p, .p, to: &z)
            if index > 0, let before = probabilities[index - 1] { add(before, .prev, to: &z) }
            if index + 1 < logits.count, let after = probabilities[index + 1] { add(after, .next, to: &z) }
            if nearCount > 0 { add(near / Double(nearCount), .near, to: &z) }
            add(documentMean, .doc, to: &z)
            add(clipped * facetLanes, .logit, to: &z)
            logits[index] = z
        }
    }

    /// Adds a block's seven numbers, each times its row.
    @inline(__always)
    private func add(_ values: SIMD8<Double>, _ block: Block, to z: inout SIMD8<Double>) {
        let base = block.rawValue * FacetModel.facets
        for facet in 0..<FacetModel.facets { z += rows[base + facet] * values[facet] }
    }

    static func probabilities(_ logits: SIMD8<Double>) -> SIMD8<Double> {
        var p = SIMD8<Double>()
        for facet in 0..<FacetModel.facets { p[facet] = FacetModel.probability(logits[facet]) }
        return p
    }
}
