import FacetCore
import Foundation

/// How a dataset check is shown: a line per finding as rows are read, then
/// the aggregates as text, streamed JSON, a Markdown report with text charts,
/// or an SVG chart of facet coverage.
enum DatasetReport {
    // MARK: Rows

    /// `data.jsonl:12: row 12, 1:5: warning: message [rule]`, one per finding; skipped rows say why.
    static func rowLines(_ results: [DatasetRowResult], file: String, colors: Colors) -> String {
        var out = ""
        // A file name is text from the user too: an escape in it would reach the terminal.
        let file = TerminalText.safe(file)
        for result in results {
            let place = "\(file):\(result.line): row \(result.row)"
            if let problem = result.problem {
                out += "\(place): \(colors.dim("skipped")): \(TerminalText.safe(problem))\n"
                continue
            }
            for finding in result.findings {
                out += "\(place), \(finding.line):\(finding.column): \(colors.severity(finding.severity.rawValue)): \(TerminalText.safe(finding.message)) \(colors.dim("[\(finding.rule)]"))\n"
            }
        }
        return out
    }

    /// One JSON object per row with findings or a problem, for the streamed `rows` array.
    static func jsonRows(_ results: [DatasetRowResult], first: inout Bool) -> String {
        struct Row: Encodable {
            var row: Int
            var line: Int
            var format: String?
            var problem: String?
            var findings: [DatasetRowResult.RowFinding]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var out = ""
        for result in results where result.problem != nil || !result.findings.isEmpty {
            let row = Row(row: result.row, line: result.line, format: result.format?.rawValue, problem: result.problem, findings: result.findings)
            guard let data = try? encoder.encode(row) else { continue }
            out += (first ? "\n" : ",\n") + String(decoding: data, as: UTF8.self)
            first = false
        }
        return out
    }

    static func jsonEnd(_ summary: DatasetSummary, seconds: Double) -> String {
        struct End: Encodable {
            var summary: DatasetSummary
            var topDuplicates: [DatasetSummary.Duplicate]
            var seconds: Double
            var rowsPerSecond: Double
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let end = End(summary: summary, topDuplicates: Array(summary.topDuplicates.prefix(20)), seconds: seconds,
                      rowsPerSecond: seconds > 0 ? Double(summary.rows) / seconds : 0)
        let data = (try? encoder.encode(end)) ?? Data("{}".utf8)
        // The summary's fields join the top-level object after "rows".
        return "\n],\n" + String(decoding: data.dropFirst(), as: UTF8.self) + "\n"
    }

    // MARK: Aggregates

    static func percent(_ n: Int, of total: Int) -> String { total == 0 ? "0.0%" : String(format: "%.1f%%", Double(n) * 100 / Double(total)) }

    static func bar(_ n: Int, of total: Int, width: Int = 24) -> String {
        let filled = total == 0 ? 0 : Int((Double(n) / Double(total) * Double(width)).rounded())
        return String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
    }

    /// "1 row", "1,200 rows".
    static func counted(_ n: Int, _ noun: String) -> String { n == 1 ? "1 \(noun)" : "\(number(n)) \(noun)s" }

    static func number(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (index, character) in digits.reversed().enumerated() {
            if index > 0 && index % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return String(out.reversed())
    }

    /// Why rows were skipped, the most frequent first; reasons as frequent as each
    /// other by name, not in the dictionary's order, which changes from run to run.
    static func skippedReasons(_ summary: DatasetSummary) -> [(reason: String, count: Int)] {
        summary.skipped.map { ($0.key, $0.value) }.sorted { $0.count != $1.count ? $0.count > $1.count : $0.reason < $1.reason }
    }

    static func text(_ summary: DatasetSummary, file: String, seconds: Double, threads: Int) -> String {
        let messages = summary.messages
        var out = "\n\(TerminalText.safe(file)): \(counted(summary.rows, "row")), \(counted(messages, "system message"))"
        let formats = DatasetFormat.allCases.compactMap { format in summary.formats[format.rawValue].map { "\(format.rawValue) \(number($0))" } }
        if !formats.isEmpty { out += " (" + formats.joined(separator: ", ") + ")" }
        let skipped = summary.skipped.values.reduce(0, +)
        out += skipped > 0 ? ", \(counted(skipped, "row")) skipped\n" : "\n"
        for (reason, count) in skippedReasons(summary) { out += "  skipped \(number(count)): \(reason)\n" }
        out += "\nFacet coverage (share of messages)\n"
        for facet in Facet.allCases {
            let n = summary.facetCoverage[facet.rawValue] ?? 0
            out += "  \(facet.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \(bar(n, of: messages)) \(percent(n, of: messages))\n"
        }
        out += "Facets per message: " + summary.facetsPerMessage.enumerated().map { "\($0.offset): \(percent($0.element, of: messages))" }.joined(separator: " · ") + "\n"
        out += "\nMost frequent findings (rows with it, findings)\n"
        for (rule, rows) in summary.findingRows.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }).prefix(10) {
            out += "  \(rule.padding(toLength: 26, withPad: " ", startingAt: 0)) \(number(rows).padding(toLength: 9, withPad: " ", startingAt: 0)) \(percent(rows, of: messages).padding(toLength: 7, withPad: " ", startingAt: 0)) \(number(summary.findingCounts[rule] ?? 0))\n"
        }
        let repeated = summary.duplicates.count == 1 ? "1 message appears" : "\(number(summary.duplicates.count)) messages appear"
        out += "\nDuplicates: \(repeated) more than once (\(counted(summary.duplicateRows, "extra row")))\n"
        for duplicate in summary.topDuplicates.prefix(5) {
            out += "  ×\(duplicate.count) rows \(duplicate.rows.prefix(5).map(String.init).joined(separator: ", "))\(duplicate.count > 5 ? ", …" : ""): \"\(TerminalText.safe(TerminalText.oneLine(duplicate.excerpt)))\"\n"
        }
        let lengths = summary.lengths
        if messages > 0, let min = lengths.min, let max = lengths.max {
            out += "\nLength in characters: min \(number(min)) · median ≤ \(number(lengths.percentile(0.5))) · p90 ≤ \(number(lengths.percentile(0.9))) · max \(number(max)) · mean \(number(lengths.total / messages))\n"
            let top = lengths.buckets.max() ?? 0
            for (index, n) in lengths.buckets.enumerated() where n > 0 {
                let width = DatasetSummary.Lengths.bucketWidth
                let label = index == lengths.buckets.count - 1 ? "\(number(index * width))+" : "\(number(index * width))–\(number((index + 1) * width - 1))"
                out += "  \(label.padding(toLength: 12, withPad: " ", startingAt: 0)) \(bar(n, of: top)) \(number(n))\n"
            }
        }
        let rate = seconds > 0 ? Double(summary.rows) / seconds : 0
        out += String(format: "\n%@ in %.2f s: %@ rows/s on %@\n", counted(summary.rows, "row"), seconds, number(Int(rate)), counted(threads, "thread"))
        return out
    }

    static func markdown(_ summary: DatasetSummary, file: String, seconds: Double) -> String {
        let messages = summary.messages
        // On one line, without control characters: a line break in the name would end the heading.
        var out = "# Dataset report: \(TerminalText.safe(TerminalText.oneLine(file)))\n\n"
        out += "| | |\n|---|---|\n| Rows | \(number(summary.rows)) |\n| System messages | \(number(messages)) |\n"
        for format in DatasetFormat.allCases { if let n = summary.formats[format.rawValue] { out += "| \(format.rawValue) rows | \(number(n)) |\n" } }
        for (reason, count) in skippedReasons(summary) { out += "| Skipped: \(reason) | \(number(count)) |\n" }
        out += "| Duplicated messages | \(number(summary.duplicates.count)) (\(counted(summary.duplicateRows, "extra row"))) |\n"
        out += String(format: "| Checked in | %.2f s |\n\n", seconds)
        out += "## Facet coverage\n\n```\n"
        for facet in Facet.allCases {
            let n = summary.facetCoverage[facet.rawValue] ?? 0
            out += "\(facet.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \(bar(n, of: messages, width: 40)) \(percent(n, of: messages))\n"
        }
        out += "```\n\nFacets covered per message:\n\n| Facets | Messages | Share |\n|---|---|---|\n"
        for (count, n) in summary.facetsPerMessage.enumerated() { out += "| \(count) | \(number(n)) | \(percent(n, of: messages)) |\n" }
        out += "\n## Most frequent findings\n\n| Rule | Rows | Share of messages | Findings |\n|---|---|---|---|\n"
        // The rule reference online, as diagnostics and SARIF link it: a path relative
        // to the repository would break wherever else the report is opened.
        for (rule, rows) in summary.findingRows.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }).prefix(15) {
            out += "| [`\(rule)`](\(RuleRegistry.documentationURL(for: rule))) | \(number(rows)) | \(percent(rows, of: messages)) | \(number(summary.findingCounts[rule] ?? 0)) |\n"
        }
        out += "\n## Duplicates\n\n"
        if summary.duplicates.isEmpty { out += "None.\n" } else {
            out += "| Copies | Rows | Message |\n|---|---|---|\n"
            for duplicate in summary.topDuplicates.prefix(10) {
                out += "| \(duplicate.count) | \(duplicate.rows.prefix(5).map(String.init).joined(separator: ", "))\(duplicate.count > 5 ? ", …" : "") | \(TerminalText.oneLine(duplicate.excerpt).replacingOccurrences(of: "|", with: "\\|")) |\n"
            }
        }
        let lengths = summary.lengths
        out += "\n## Length (characters)\n\n"
        if messages > 0, let min = lengths.min, let max = lengths.max {
            out += "min \(number(min)) · median ≤ \(number(lengths.percentile(0.5))) · p90 ≤ \(number(lengths.percentile(0.9))) · max \(number(max))\n\n```\n"
            let top = lengths.buckets.max() ?? 0
            for (index, n) in lengths.buckets.enumerated() {
                let width = DatasetSummary.Lengths.bucketWidth
                let label = index == lengths.buckets.count - 1 ? "\(index * width)+" : "\(index * width)–\((index + 1) * width - 1)"
                out += "\(label.padding(toLength: 10, withPad: " ", startingAt: 0)) \(bar(n, of: top, width: 40)) \(number(n))\n"
            }
            out += "```\n"
        }
        return out
    }

    /// A bar chart of facet coverage (share of messages per facet) as a standalone
    /// SVG: a panel per dataset, one below the other in the order given.
    static func svg(_ datasets: [(file: String, summary: DatasetSummary)]) -> String {
        let barHeight = 24, gap = 8, left = 110, width = 400
        let panel = Facet.allCases.count * (barHeight + gap) + 50
        /// Text for XML 1.0: markup escaped, and what it cannot hold (control characters but
        /// tab, U+FFFE, U+FFFF) as U+FFFD, so a file name cannot make the chart invalid.
        func escape(_ s: String) -> String {
            let allowed = TerminalText.safe(TerminalText.oneLine(s)).unicodeScalars.map { $0.value == 0xFFFE || $0.value == 0xFFFF ? "\u{FFFD}" : $0 }
            return String(String.UnicodeScalarView(allowed))
                .replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        }
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(left + width + 80)\" height=\"\(panel * datasets.count)\" font-family=\"sans-serif\" font-size=\"13\">\n"
        for (number, (file, summary)) in datasets.enumerated() {
            let top = number * panel
            let messages = max(1, summary.messages)
            out += "  <text x=\"10\" y=\"\(top + 20)\" font-weight=\"bold\">Facet coverage: \(escape(file)) (\(summary.messages) messages)</text>\n"
            for (index, facet) in Facet.allCases.enumerated() {
                let n = summary.facetCoverage[facet.rawValue] ?? 0
                let y = top + 36 + index * (barHeight + gap)
                let w = Int(Double(width) * Double(n) / Double(messages))
                out += "  <text x=\"10\" y=\"\(y + 17)\">\(facet.rawValue)</text>\n"
                out += "  <rect x=\"\(left)\" y=\"\(y)\" width=\"\(width)\" height=\"\(barHeight)\" fill=\"#eee\"/>\n"
                out += "  <rect x=\"\(left)\" y=\"\(y)\" width=\"\(w)\" height=\"\(barHeight)\" fill=\"#4a7bd0\"><title>\(facet.rawValue): \(n)</title></rect>\n"
                out += "  <text x=\"\(left + width + 8)\" y=\"\(y + 17)\">\(percent(n, of: summary.messages))</text>\n"
            }
        }
        return out + "</svg>\n"
    }
}

extension Array where Element == UInt8 {
    /// These bytes between double quotes.
    var quoted: [UInt8] { [0x22] + self + [0x22] }
}
