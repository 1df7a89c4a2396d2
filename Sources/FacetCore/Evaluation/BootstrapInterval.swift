/// How far a micro-F1 measured on a few dozen documents can be trusted: the
/// documents are resampled with replacement and the score recomputed, and the
/// middle 95% of those scores is the interval. Documents, not units, are
/// resampled because units of one prompt are labelled and classified alike.
public struct BootstrapInterval: Sendable, Equatable {
    public var lower: Double
    public var upper: Double
    public var samples: Int

    /// Deterministic: the same documents give the same interval.
    public init(documents: [FacetScores], samples: Int = 1000, seed: UInt64 = 0x5eed) {
        self.samples = samples
        guard !documents.isEmpty, samples > 0 else {
            lower = 0; upper = 0
            return
        }
        var random = SplitMix64(seed: seed)
        var scores: [Double] = []
        scores.reserveCapacity(samples)
        for _ in 0..<samples {
            var tp = 0, fp = 0, fn = 0
            for _ in documents.indices {
                let document = documents[Int(random.next() % UInt64(documents.count))]
                tp += document.count(document.truePositives, nil)
                fp += document.count(document.falsePositives, nil)
                fn += document.count(document.falseNegatives, nil)
            }
            scores.append(2 * tp + fp + fn == 0 ? 0 : Double(2 * tp) / Double(2 * tp + fp + fn))
        }
        scores.sort()
        lower = scores[Int(Double(samples - 1) * 0.025)]
        upper = scores[Int(Double(samples - 1) * 0.975)]
    }
}

/// A small, fixed pseudo-random sequence (Steele, Lea and Flood's SplitMix64),
/// so a measurement printed today, or a randomised test's failure, can be
/// reproduced tomorrow.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
