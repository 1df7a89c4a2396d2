/// The learned layer's word weights in a quarter of the memory: each row as
/// seven 16-bit indices into `values`, the distinct weights (some ten thousand:
/// the file writes four decimals). Summing a unit's rows is bound by memory
/// reads, and rows of seven doubles (1.8 MB) do not stay in cache; rows of 16
/// bytes (0.5 MB) mostly do, and never straddle two cache lines. The values
/// are the weights exactly as read, so the sums are the same to the last bit.
struct PackedWeights: Sendable {
    /// Each distinct weight once.
    let values: [Double]
    /// Per row, its facets' weights as positions in `values` (the eighth unused).
    let rows: [SIMD8<UInt16>]

    /// `weights` holds `facets` values per row, row after row.
    init(_ weights: [Double], facets: Int) {
        precondition(facets <= 8)
        var values: [Double] = []
        var position: [UInt64: UInt16] = [:]  // by bit pattern, so -0.0 and 0.0 stay apart
        var rows: [SIMD8<UInt16>] = []
        rows.reserveCapacity(weights.count / facets)
        for start in stride(from: 0, to: weights.count - facets + 1, by: facets) {
            var row = SIMD8<UInt16>()
            for f in 0..<facets {
                let weight = weights[start + f]
                if position[weight.bitPattern] == nil {
                    precondition(values.count <= Int(UInt16.max), "more distinct weights than 16-bit indices can tell apart")
                    position[weight.bitPattern] = UInt16(values.count)
                    values.append(weight)
                }
                row[f] = position[weight.bitPattern]!
            }
            rows.append(row)
        }
        self.values = values
        self.rows = rows
    }
}
