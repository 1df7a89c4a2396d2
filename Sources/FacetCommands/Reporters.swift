import FacetCore
import Foundation

/// Compiler-style text: `path:line:col: severity: message [rule-id]`, with
/// 1-based lines and 1-based columns counted in UTF-8 bytes (as gcc does).
enum TextReporter {
    static func render(_ reports: [FileReport], colors: Colors) -> String {
        var out = ""
        var counts: [Severity: Int] = [:]
        var failed = 0
        for report in reports {
            if let error = report.error {
                out += "\(colors.bold(TerminalText.safe(report.path))): \(colors.severity("error")): \(TerminalText.safe("\(error)"))\n"
                failed += 1
                continue
            }
            guard let analysis = report.analysis else { continue }
            for finding in analysis.findings {
                let position = analysis.source.lines.positionInFile(of: finding.range.lowerBound, encoding: .utf8)
                out += "\(colors.bold("\(TerminalText.safe(report.path)):\(position.line + 1):\(position.column + 1):")) \(colors.severity(finding.severity.rawValue)): \(TerminalText.safe(finding.message)) \(colors.dim("[\(finding.rule)]"))\n"
                counts[finding.severity, default: 0] += 1
            }
        }
        let parts = Severity.allCases.compactMap { s in counts[s].map { "\($0) \(s.rawValue)\($0 == 1 ? "" : "s")" } }
        let files = "\(reports.count) file\(reports.count == 1 ? "" : "s")"
        out += "checked \(files)" + (parts.isEmpty ? ": no findings" : ": " + parts.joined(separator: ", "))
        out += failed > 0 ? "; \(failed) could not be read\n" : "\n"
        return out
    }
}

/// The stable JSON format documented in docs/json-format.md.
enum JSONReporter {
    static let formatVersion = 1

    static func render(_ reports: [FileReport]) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("version", formatVersion)
        w.field("tool", "facet " + FacetVersion.string)
        w.key("files")
        w.beginArray()
        for report in reports { file(&w, report) }
        w.endArray()
        w.endObject()
        return w.output + "\n"
    }

    static func file(_ w: inout JSONWriter, _ report: FileReport) {
        w.beginObject()
        w.field("path", report.path)
        if let error = report.error {
            w.field("error", error)
            w.endObject()
            return
        }
        guard let analysis = report.analysis else { w.endObject(); return }
        let lines = analysis.source.lines
        w.field("bytes", analysis.source.count)
        w.field("estimatedTokens", analysis.estimatedTokens)
        w.key("units")
        w.beginArray()
        for (index, unit) in analysis.document.units.enumerated() {
            let position = lines.positionInFile(of: unit.range.lowerBound, encoding: .utf8)
            w.beginObject()
            range(&w, unit.range)
            w.field("line", position.line + 1)
            w.field("column", position.column + 1)
            w.field("kind", unit.kind.rawValue)
            w.field("text", analysis.document.text(of: unit))
            let facets = analysis.facets[index]
            w.key("facets")
            w.beginArray()
            for facet in facets.facets { w.string(facet.rawValue) }
            w.endArray()
            w.key("confidence")
            w.beginObject()
            for assignment in facets.assignments { w.field(assignment.facet.rawValue, assignment.confidence) }
            w.endObject()
            w.key("evidence")
            w.beginObject()
            for assignment in facets.assignments {
                w.key(assignment.facet.rawValue)
                w.beginArray()
                for e in assignment.evidence { w.string(e) }
                w.endArray()
            }
            w.endObject()
            if unit.isExample { w.field("example", true) }
            w.endObject()
        }
        w.endArray()
        w.key("findings")
        w.beginArray()
        for finding in analysis.findings {
            let position = lines.positionInFile(of: finding.range.lowerBound, encoding: .utf8)
            w.beginObject()
            w.field("rule", finding.rule)
            w.field("severity", finding.severity.rawValue)
            w.field("message", finding.message)
            range(&w, finding.range)
            w.field("line", position.line + 1)
            w.field("column", position.column + 1)
            w.key("related")
            w.beginArray()
            for related in finding.related {
                w.beginObject()
                range(&w, related.range)
                w.field("line", lines.line(containing: related.range.lowerBound) + 1)
                w.field("message", related.message)
                w.endObject()
            }
            w.endArray()
            w.key("fixes")
            w.beginArray()
            for fix in finding.fixes {
                w.beginObject()
                w.field("title", fix.title)
                w.key("edits")
                w.beginArray()
                for edit in fix.edits {
                    w.beginObject()
                    range(&w, edit.range)
                    // In the file's own line breaks, as the editor gets them: a CRLF file stays CRLF.
                    w.field("newText", analysis.document.source.withLineBreaks(edit.newText))
                    w.endObject()
                }
                w.endArray()
                w.endObject()
            }
            w.endArray()
            w.endObject()
        }
        w.endArray()
        w.key("coverage")
        coverage(&w, analysis)
        w.endObject()
    }

    static func range(_ w: inout JSONWriter, _ r: Range<Int>) {
        w.key("range")
        w.beginObject()
        w.field("start", r.lowerBound)
        w.field("end", r.upperBound)
        w.endObject()
    }

    static func coverage(_ w: inout JSONWriter, _ analysis: Analysis) {
        w.beginObject()
        unitLists(&w, "facets", Facet.allCases.map { ($0.rawValue, analysis.profile.facetUnits[$0] ?? []) })
        unitLists(&w, "dimensions", PreferenceDimension.allCases.map { ($0.rawValue, analysis.profile.dimensionUnits[$0] ?? []) })
        w.key("missing")
        w.beginArray()
        for facet in Facet.allCases where !analysis.profile.covers(facet) { w.string(facet.rawValue) }
        w.endArray()
        w.endObject()
    }

    /// `"key": {"name": [unit indices], ...}`, in the order given.
    private static func unitLists(_ w: inout JSONWriter, _ key: String, _ lists: [(name: String, units: [Int])]) {
        w.key(key)
        w.beginObject()
        for (name, units) in lists {
            w.key(name)
            w.beginArray()
            for unit in units { w.int(unit) }
            w.endArray()
        }
        w.endObject()
    }
}

/// SARIF 2.1.0, for code-scanning dashboards.
enum SARIFReporter {
    static func render(_ reports: [FileReport]) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("$schema", "https://json.schemastore.org/sarif-2.1.0.json")
        w.field("version", "2.1.0")
        w.key("runs")
        w.beginArray()
        w.beginObject()
        w.key("tool")
        w.beginObject()
        w.key("driver")
        w.beginObject()
        w.field("name", "facet")
        w.field("version", FacetVersion.string)
        w.field("informationUri", "https://github.com/facet-lsp/facet")
        w.key("rules")
        w.beginArray()
        for rule in RuleRegistry.all {
            w.beginObject()
            w.field("id", rule.id)
            w.field("helpUri", RuleRegistry.documentationURL(for: rule.id))
            w.key("shortDescription"); w.beginObject(); w.field("text", rule.summary); w.endObject()
            w.key("fullDescription"); w.beginObject(); w.field("text", rule.summary); w.endObject()
            w.key("help"); w.beginObject(); w.field("text", rule.explanation); w.field("markdown", rule.explanation); w.endObject()
            w.key("defaultConfiguration"); w.beginObject(); w.field("level", level(rule.defaultSeverity)); w.endObject()
            w.endObject()
        }
        w.endArray()
        w.endObject()
        w.endObject()
        w.key("results")
        w.beginArray()
        for report in reports {
            guard let analysis = report.analysis else { continue }
            for finding in analysis.findings {
                w.beginObject()
                w.field("ruleId", finding.rule)
                w.field("level", level(finding.severity))
                w.key("message"); w.beginObject(); w.field("text", finding.message); w.endObject()
                w.key("locations")
                w.beginArray()
                location(&w, report.path, analysis, finding.range, message: nil)
                w.endArray()
                if !finding.related.isEmpty {
                    w.key("relatedLocations")
                    w.beginArray()
                    for related in finding.related { location(&w, report.path, analysis, related.range, message: related.message) }
                    w.endArray()
                }
                w.endObject()
            }
        }
        w.endArray()
        w.key("invocations")
        w.beginArray()
        w.beginObject()
        w.field("executionSuccessful", !reports.contains { $0.error != nil })
        w.key("toolExecutionNotifications")
        w.beginArray()
        for report in reports {
            guard let error = report.error else { continue }
            w.beginObject()
            w.field("level", "error")
            w.key("message"); w.beginObject(); w.field("text", "\(report.path): \(error)"); w.endObject()
            w.endObject()
        }
        w.endArray()
        w.endObject()
        w.endArray()
        w.endObject()
        w.endArray()
        w.endObject()
        return w.output + "\n"
    }

    static func level(_ severity: Severity) -> String {
        switch severity {
        case .error: return "error"
        case .warning: return "warning"
        case .info, .hint: return "note"
        }
    }

    /// A file path as SARIF's `uri` wants it, a URI reference: "with space.md"
    /// is "with%20space.md", and "%", "?" and "#" are escaped so they are not read as URI syntax.
    static func uriReference(_ path: String) -> String {
        let escaped = path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path
        // "a:b.md" would read as scheme "a": "./a:b.md" is the same file, unambiguously.
        let firstSegment = escaped.prefix { $0 != "/" }
        return firstSegment.contains(":") ? "./" + escaped : escaped
    }

    static func location(_ w: inout JSONWriter, _ path: String, _ analysis: Analysis, _ range: Range<Int>, message: String?) {
        let lines = analysis.source.lines
        let start = lines.positionInFile(of: range.lowerBound, encoding: .utf16)
        let end = lines.positionInFile(of: range.upperBound, encoding: .utf16)
        w.beginObject()
        w.key("physicalLocation")
        w.beginObject()
        w.key("artifactLocation"); w.beginObject(); w.field("uri", uriReference(path)); w.endObject()
        w.key("region")
        w.beginObject()
        w.field("startLine", start.line + 1)
        w.field("startColumn", start.column + 1)
        w.field("endLine", end.line + 1)
        w.field("endColumn", end.column + 1)
        w.field("byteOffset", range.lowerBound)
        w.field("byteLength", range.count)
        w.endObject()
        w.endObject()
        if let message { w.key("message"); w.beginObject(); w.field("text", message); w.endObject() }
        w.endObject()
    }
}
