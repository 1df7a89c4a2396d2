/// "Did you mean ...?" for a name that is not among the known ones: the known name
/// it is a typo of, if any. A name is a typo of another when the two differ by one
/// edit (short names) or about a quarter of their length (longer ones); `{{date}}` is
/// no typo of `name`, nor `b` of `a`, since the edits would be a large share of them.
struct NearestName {
    private let names: [String]
    private let scalars: [[Unicode.Scalar]]
    private let longest: Int

    init(_ names: [String]) {
        self.names = names
        scalars = names.map { Array($0.unicodeScalars) }
        longest = scalars.map(\.count).max() ?? 0
    }

    /// How many edits may separate two names, by the length of the shorter one: none
    /// below three characters, then one, then a quarter of the length.
    static func typoLimit(shorter length: Int) -> Int {
        length < 3 ? 0 : max(1, length / 4)
    }

    /// The known name nearest to `name` within the typo limit; the first of equals.
    func nearest(to name: String) -> String? {
        let target = Array(name.unicodeScalars)
        var best: (index: Int, distance: Int)?
        var previous = [Int](repeating: 0, count: max(target.count, longest) + 1)
        var current = previous
        for (index, candidate) in scalars.enumerated() {
            // Only a strictly nearer name can replace the one found, so the limit shrinks.
            var limit = Self.typoLimit(shorter: min(candidate.count, target.count))
            if let best { limit = min(limit, best.distance - 1) }
            // The distance is at least the difference in length.
            guard limit > 0, abs(candidate.count - target.count) <= limit,
                  let distance = Self.distance(candidate, target, limit: limit, &previous, &current) else { continue }
            best = (index, distance)
            // Equal names were not asked about, so one edit is the nearest there is.
            if distance <= 1 { break }
        }
        return best.map { names[$0.index] }
    }

    /// The edit distance of `a` and `b` if it is at most `limit`, else nil. Only the
    /// cells within `limit` of the diagonal can stay within it, so only those are
    /// computed, and it stops at the first row whose every cell is past the limit.
    /// `previous` and `current` are scratch rows of at least `b.count + 1` cells.
    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], limit: Int,
                         _ previous: inout [Int], _ current: inout [Int]) -> Int? {
        guard abs(a.count - b.count) <= limit else { return nil }
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        let outside = limit + 1  // stands for every cell off the band
        for j in 0...b.count { previous[j] = j <= limit ? j : outside }
        for i in 1...a.count {
            let first = max(1, i - limit), last = min(b.count, i + limit)
            current[first - 1] = first == 1 ? (i <= limit ? i : outside) : outside
            var rowMinimum = current[first - 1]
            for j in first...last {
                // Two-way mins: the variadic one builds an array per cell in debug builds.
                var cell = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                cell = min(cell, min(previous[j], current[j - 1]) + 1)
                cell = min(cell, outside)
                current[j] = cell
                rowMinimum = min(rowMinimum, cell)
            }
            if last < b.count { current[last + 1] = outside }
            if rowMinimum > limit { return nil }
            swap(&previous, &current)
        }
        return previous[b.count] <= limit ? previous[b.count] : nil
    }
}
