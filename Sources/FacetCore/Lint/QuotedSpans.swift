/// The quoted parts of a unit: between "straight" or “curly” double quotes,
/// or in a `code span`. Quoted words are what to say, show or match verbatim
/// (`Respond with "Please help with various tasks"`), not the author's
/// instruction, so the wording rules leave them alone.
///
/// Read once per unit, in one pass, and asked by binary search: a rule asks
/// for every match, and a long unit may hold thousands. What does not open a
/// quote: a `"` right after a digit when none is open (12" screens), a
/// backtick run followed by a space ("Press the ` key"), and a mark with no
/// partner later in the unit.
struct QuotedSpans {
    /// Sorted, not overlapping.
    private(set) var spans: [Range<Int>] = []

    init(_ bytes: [UInt8], unit: Range<Int>) {
        var straight: Int?, curly: Int?, code: (start: Int, run: Int)?
        var i = unit.lowerBound
        while i < unit.upperBound {
            let b = bytes[i]
            if b == UInt8(ascii: "`") {
                var run = 1
                while i + run < unit.upperBound && bytes[i + run] == UInt8(ascii: "`") { run += 1 }
                if let open = code {
                    // A run of the same length closes it, as in CommonMark.
                    if run == open.run {
                        spans.append(open.start..<i + run)
                        code = nil
                    }
                } else if straight == nil && curly == nil && i + run < unit.upperBound && !ByteClass.isSpace(bytes[i + run]) {
                    code = (i, run)
                }
                i += run
                continue
            }
            if code == nil {
                if b == UInt8(ascii: "\"") {
                    if let open = straight {
                        spans.append(open..<i + 1)
                        straight = nil
                    } else if curly == nil && !(i > unit.lowerBound && ByteClass.isDigit(bytes[i - 1])) {
                        straight = i
                    }
                } else if b == 0xE2 && i + 2 < unit.upperBound && bytes[i + 1] == 0x80 {
                    if bytes[i + 2] == 0x9C && straight == nil && curly == nil {
                        curly = i
                    } else if bytes[i + 2] == 0x9D, let open = curly {
                        spans.append(open..<i + 3)
                        curly = nil
                    }
                }
            }
            i += 1
        }
    }

    func contains(_ offset: Int) -> Bool {
        // The last span that starts at or before `offset`.
        var low = 0, high = spans.count
        while low < high {
            let mid = (low + high) / 2
            if spans[mid].lowerBound <= offset { low = mid + 1 } else { high = mid }
        }
        return low > 0 && spans[low - 1].contains(offset)
    }
}
