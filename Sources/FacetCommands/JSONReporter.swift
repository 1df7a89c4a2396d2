import FacetCore

/// The stable JSON format documented in docs/json-format.md.
struct JSONReporter: CheckReporter {
    static let formatVersion = 1

    /// `{"version":1,"tool":"facet …","files":[`, written before any file is checked.
    func header() -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("version", Self.formatVersion)
        w.field("tool", "facet " + FacetVersion.string)
        w.key("files")
        return w.output + "["
    }

    var separator: String { "," }

    func render(_ report: FileReport) -> String {
        var w = JSONWriter()
        Self.file(&w, report)
        return w.output
    }

    func footer(_ totals: CheckTotals) -> String { "]}\n" }

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
