import FacetCore

/// Compiler-style text: `path:line:col: severity: message [rule-id]`, with
/// 1-based lines and 1-based columns counted in UTF-8 bytes (as gcc does).
struct TextReporter: CheckReporter {
    var colors: Colors

    func header() -> String { "" }
    var separator: String { "" }

    func render(_ report: FileReport) -> String {
        if let error = report.error {
            let whose = report.settingsInvalid ? "; no file under these settings is checked" : ""
            return "\(colors.bold(TerminalText.safe(report.path))): \(colors.severity("error")): \(TerminalText.safe(error))\(whose)\n"
        }
        guard let analysis = report.analysis else { return "" }
        var out = ""
        let path = TerminalText.safe(report.path)
        for finding in analysis.findings {
            let position = analysis.source.lines.positionInFile(of: finding.range.lowerBound, encoding: .utf8)
            out += "\(colors.bold("\(path):\(position.line + 1):\(position.column + 1):")) \(colors.severity(finding.severity.rawValue)): \(TerminalText.safe(finding.message)) \(colors.dim("[\(finding.rule)]"))\n"
        }
        return out
    }

    /// A settings error is said once, on the first file it stops, not on every file under it.
    func onceKey(_ report: FileReport) -> String? { report.settingsInvalid ? report.error : nil }

    func footer(_ totals: CheckTotals) -> String {
        let parts = Severity.allCases.compactMap { s in totals.findings[s].map { "\($0) \(s.rawValue)\($0 == 1 ? "" : "s")" } }
        // "checked 1 of 4 files" when some were not checked, so the footer adds up.
        let checked = totals.files - totals.failures.count
        var out = "checked " + (checked == totals.files ? "" : "\(checked) of ") + "\(totals.files) file\(totals.files == 1 ? "" : "s")"
        out += parts.isEmpty ? ": no findings" : ": " + parts.joined(separator: ", ")
        if totals.unreadable > 0 { out += "; \(totals.unreadable) could not be read" }
        if totals.settingsInvalid > 0 { out += "; \(totals.settingsInvalid) not checked: invalid settings" }
        return out + "\n"
    }
}
