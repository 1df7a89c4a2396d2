import FacetCore
import Foundation

/// SARIF 2.1.0, for code-scanning dashboards.
struct SARIFReporter: CheckReporter {
    /// What relative paths are relative to: the folder `facet check` ran in, named
    /// in the run as `SRCROOT` so a viewer elsewhere can still find the files.
    var currentDirectory: String

    /// The run's tool and rules, up to the opening of `results`.
    func header() -> String {
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
            w.key("defaultConfiguration"); w.beginObject(); w.field("level", Self.level(rule.defaultSeverity)); w.endObject()
            w.endObject()
        }
        w.endArray()
        w.endObject()
        w.endObject()
        w.key("originalUriBaseIds")
        w.beginObject()
        w.key(Self.sourceRoot); w.beginObject(); w.field("uri", Self.fileURI(currentDirectory.hasSuffix("/") ? currentDirectory : currentDirectory + "/")); w.endObject()
        w.endObject()
        w.key("results")
        return w.output + "["
    }

    var separator: String { "," }

    /// The file's results, comma-separated; none for a file that could not be read
    /// (the footer reports it).
    func render(_ report: FileReport) -> String {
        guard let analysis = report.analysis else { return "" }
        var w = JSONWriter()
        // Findings come in order of offset, their ends and related units mostly too: a
        // cursor for each, so none is sent back to its line's start by another.
        let artifact = Self.artifactLocation(report.path)
        let cursor = PositionCursor(analysis.source.lines, encoding: .utf16)
        var places = (starts: cursor, ends: cursor)
        var relatedPlaces = places
        for finding in analysis.findings {
            w.beginObject()
            w.field("ruleId", finding.rule)
            w.field("level", Self.level(finding.severity))
            w.key("message"); w.beginObject(); w.field("text", finding.message); w.endObject()
            w.key("locations")
            w.beginArray()
            Self.location(&w, artifact, finding.range, &places, message: nil)
            w.endArray()
            if !finding.related.isEmpty {
                w.key("relatedLocations")
                w.beginArray()
                for related in finding.related { Self.location(&w, artifact, related.range, &relatedPlaces, message: related.message) }
                w.endArray()
            }
            if !finding.fixes.isEmpty { Self.fixes(&w, finding.fixes, artifact, analysis) }
            w.endObject()
        }
        return w.output
    }

    /// Closes `results`, then says which files could not be checked.
    func footer(_ totals: CheckTotals) -> String {
        var w = JSONWriter()
        w.key("invocations")
        w.beginArray()
        w.beginObject()
        w.field("executionSuccessful", totals.failures.isEmpty)
        w.key("toolExecutionNotifications")
        w.beginArray()
        for failure in totals.failures {
            w.beginObject()
            w.field("level", "error")
            w.key("message"); w.beginObject(); w.field("text", "\(failure.path): \(failure.error)"); w.endObject()
            w.endObject()
        }
        w.endArray()
        w.endObject()
        w.endArray()
        return "]," + w.output + "}]}\n"
    }

    static func level(_ severity: Severity) -> String {
        switch severity {
        case .error: return "error"
        case .warning: return "warning"
        case .info, .hint: return "note"
        }
    }

    static let sourceRoot = "SRCROOT"

    /// Where a file is, as SARIF's `artifactLocation` says it: a relative path is a
    /// URI reference from `SRCROOT`; an absolute one a `file://` URI; standard input "-".
    struct ArtifactLocation {
        var uri: String
        var baseId: String?

        func write(_ w: inout JSONWriter) {
            w.key("artifactLocation")
            w.beginObject()
            w.field("uri", uri)
            if let baseId { w.field("uriBaseId", baseId) }
            w.endObject()
        }
    }

    static func artifactLocation(_ path: String) -> ArtifactLocation {
        if path == "-" { return ArtifactLocation(uri: "-") }
        if path.hasPrefix("/") { return ArtifactLocation(uri: fileURI(path)) }
        return ArtifactLocation(uri: uriReference(path), baseId: sourceRoot)
    }

    /// `file:///absolute/path`, escaped as `uriReference` escapes.
    static func fileURI(_ absolutePath: String) -> String {
        "file://" + (absolutePath.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? absolutePath)
    }

    /// A finding's fixes, each a replacement of bytes (SARIF's `deletedRegion` by
    /// `byteOffset`), in the file's own line breaks as the JSON format gives them.
    static func fixes(_ w: inout JSONWriter, _ fixes: [Fix], _ artifact: ArtifactLocation, _ analysis: Analysis) {
        w.key("fixes")
        w.beginArray()
        for fix in fixes {
            w.beginObject()
            w.key("description"); w.beginObject(); w.field("text", fix.title); w.endObject()
            w.key("artifactChanges")
            w.beginArray()
            w.beginObject()
            artifact.write(&w)
            w.key("replacements")
            w.beginArray()
            for edit in fix.edits {
                w.beginObject()
                w.key("deletedRegion")
                w.beginObject()
                w.field("byteOffset", edit.range.lowerBound)
                w.field("byteLength", edit.range.count)
                w.endObject()
                w.key("insertedContent"); w.beginObject(); w.field("text", analysis.document.source.withLineBreaks(edit.newText)); w.endObject()
                w.endObject()
            }
            w.endArray()
            w.endObject()
            w.endArray()
            w.endObject()
        }
        w.endArray()
    }

    /// A file path as SARIF's `uri` wants it, a URI reference: "with space.md"
    /// is "with%20space.md", and "%", "?" and "#" are escaped so they are not read as URI syntax.
    static func uriReference(_ path: String) -> String {
        let escaped = path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path
        // "a:b.md" would read as scheme "a": "./a:b.md" is the same file, unambiguously.
        let firstSegment = escaped.prefix { $0 != "/" }
        return firstSegment.contains(":") ? "./" + escaped : escaped
    }

    /// Columns in UTF-16 code units, SARIF's default `columnKind`.
    static func location(_ w: inout JSONWriter, _ artifact: ArtifactLocation, _ range: Range<Int>,
                         _ places: inout (starts: PositionCursor, ends: PositionCursor), message: String?) {
        let start = places.starts.lines.inFile(places.starts.position(range.lowerBound), encoding: .utf16)
        let end = places.ends.lines.inFile(places.ends.position(range.upperBound), encoding: .utf16)
        w.beginObject()
        w.key("physicalLocation")
        w.beginObject()
        artifact.write(&w)
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
