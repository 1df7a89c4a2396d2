import FacetCore
import FacetIndex
import Foundation
import JSONRPC
import LSPTypes

extension LanguageServer {
    func codeActions(_ id: RequestID, _ body: Data) {
        let limit = diagnosticsLimit
        documentRequest(id, body) { (params: CodeActionParams, snapshot) in CodeActionFeature.actions(params, snapshot, limit: limit) }
    }
}

/// `textDocument/codeAction`: for each finding in the range, its fixes (from
/// the rule, e.g. the skeleton sentence for a missing facet), then "disable
/// this rule here" and "disable this rule in this file" (suppression comments).
/// Only findings shown as diagnostics get actions: over `maxDiagnostics`, a
/// request over the whole file would otherwise answer with tens of megabytes.
enum CodeActionFeature {
    static func actions(_ params: CodeActionParams, _ snapshot: DocumentSnapshot, limit: Int) -> [CodeAction] {
        func wanted(_ kind: String) -> Bool { params.context.only.map { $0.contains { kind.hasPrefix($0) } } ?? true }
        let analysis = snapshot.analysis
        let mapping = snapshot.mapping
        let window = mapping.offsets(params.range)
        var actions: [CodeAction] = []
        var fileWide = Set<String>()
        var disabledHere = Set<String>()  // rule and place: two findings of one rule on one unit need one comment
        func edit(_ edits: [FacetCore.TextEdit], _ cursor: inout PositionMapping.Cursor) -> WorkspaceEdit {
            // In the file's own line breaks: an LF in a CRLF file is a mixed file, and in a CR file it joins the line before.
            WorkspaceEdit(changes: [snapshot.uri: edits.map { LSPTypes.TextEdit(range: cursor.range($0.range), newText: snapshot.source.withLineBreaks($0.newText)) }])
        }
        // Findings come in order, and so do their fixes and units: a cursor for each
        // kind of position counts on along a long line instead of from its start.
        var diagnosticCursor = PositionMapping.Cursor(mapping), fixCursor = diagnosticCursor
        var hereCursor = diagnosticCursor, fileCursor = diagnosticCursor
        // The editor's cursor may sit just after the flagged words, or it may name the diagnostics it means.
        let shown = wanted("quickfix") ? DiagnosticsFeature.shown(snapshot, limit: limit).findings : []
        for finding in shown {
            let diagnostic = DiagnosticsFeature.diagnostic(finding, uri: snapshot.uri, source: snapshot.source, cursor: &diagnosticCursor)
            let touches = finding.range.lowerBound <= window.upperBound && window.lowerBound <= finding.range.upperBound
            let named = params.context.diagnostics.contains { $0.code == diagnostic.code && $0.range == diagnostic.range }
            guard touches || named else { continue }
            for (n, fix) in finding.fixes.enumerated() {
                actions.append(CodeAction(title: fix.title, kind: "quickfix", diagnostics: [diagnostic], isPreferred: n == 0, edit: edit(fix.edits, &fixCursor)))
            }
            guard finding.rule != "unknown-rule" else { continue }
            // A comment in the front matter would break its YAML, and silences no unit there.
            let inFrontMatter = analysis.document.frontMatter?.range.contains(finding.range.lowerBound) ?? false
            // `overlong` is about the whole file and sits on its first line: a comment put
            // above that line becomes the first line, and the finding moves onto it.
            let wholeFile = finding.rule == "overlong"
            let here = disableHere(finding, analysis)
            if !inFrontMatter && !wholeFile && disabledHere.insert("\(finding.rule) \(here.range.lowerBound)").inserted {
                actions.append(CodeAction(title: "Disable \(finding.rule) here", kind: "quickfix", diagnostics: [diagnostic],
                                          isPreferred: false, edit: edit([here], &hereCursor)))
            }
            if fileWide.insert(finding.rule).inserted {
                actions.append(CodeAction(title: "Disable \(finding.rule) in this file", kind: "quickfix", diagnostics: [diagnostic],
                                          isPreferred: false, edit: edit([disableInFile(finding.rule, analysis)], &fileCursor)))
            }
        }
        var endCursor = PositionMapping.Cursor(mapping)  // every preference goes at the end
        if wanted("refactor") { actions += addPreference(snapshot) { edit($0, &endCursor) } }
        return actions
    }

    /// "Add a <dimension> preference: <name>" for the top few suggestions of each
    /// dimension the message does not cover; the description goes at the end.
    static func addPreference(_ snapshot: DocumentSnapshot, edit: ([FacetCore.TextEdit]) -> WorkspaceEdit) -> [CodeAction] {
        let analysis = snapshot.analysis
        guard !analysis.document.units.isEmpty else { return [] }
        guard let candidates = snapshot.suggestionCandidates else { return [] }
        var actions: [CodeAction] = []
        for dimension in analysis.profile.missingDimensions {
            let suggestions = Suggester.rank(candidates, dimension: dimension.rawValue, limit: 3)
            let label = dimension.rawValue.replacingOccurrences(of: "_", with: " ")
            let article = "aeiou".contains(label.first ?? "x") ? "an" : "a"
            for suggestion in suggestions {
                let end = analysis.source.count
                let needsNewline = !endsLine(analysis.source, at: end)
                let text = (needsNewline ? "\n" : "") + suggestion.preference.description + "\n"
                actions.append(CodeAction(title: "Add \(article) \(label) preference: \(suggestion.preference.name)", kind: "refactor",
                                          diagnostics: nil, isPreferred: false, edit: edit([TextEdit(range: end..<end, newText: text)])))
            }
        }
        return actions
    }

    /// `<!-- facet-disable rule -->` just before the finding's unit: on a line of
    /// its own when the unit starts its line or there is no unit (so it also silences a
    /// finding outside units on that line, such as an unclosed tag's), else inline, so it silences exactly that unit.
    static func disableHere(_ finding: Finding, _ analysis: Analysis) -> FacetCore.TextEdit {
        let document = analysis.document
        let units = document.units
        let lines = document.source.lines
        let unitIndex = finding.unit ?? units.unit(containing: finding.range.lowerBound)
        // A finding from the very start (overlong's) begins before a byte order mark ends, where no line starts.
        let start = max(unitIndex.map { units[$0].range.lowerBound } ?? finding.range.lowerBound, document.source.textStart)
        let line = lines.line(containing: start)
        let lineStart = max(lines.lineStarts[line], document.source.textStart)
        let comment = "<!-- facet-disable \(finding.rule) -->"
        let firstOnLine = units.firstUnit(startingAtOrAfter: lineStart)
        // Outside units, only a comment on the line above silences, whatever stands before the finding on its line.
        // A sentence begun on an earlier line that goes on into this one stands before the unit too:
        // a comment on its own line would cut that sentence and silence its second half instead.
        let continued = firstOnLine > 0 && units[firstOnLine - 1].range.upperBound > lineStart
        let startsLine = unitIndex == nil
            || ((firstOnLine == units.count || units[firstOnLine].range.lowerBound >= start) && !continued)
        // A list item's comment goes on the line above it too: inline after "- ", it joined the item's text.
        if startsLine {
            let indent = document.source.bytes[lineStart..<start].prefix { $0 == 0x20 || $0 == 0x09 }
            return TextEdit(range: lineStart..<lineStart, newText: String(decoding: indent, as: UTF8.self) + comment + "\n")
        }
        return TextEdit(range: start..<start, newText: comment + " ")
    }

    /// Whether `offset` is the start of the text or comes right after a line break, CR (a CR-only file) as well as LF.
    static func endsLine(_ source: SourceText, at offset: Int) -> Bool {
        offset == 0 || source.bytes[offset - 1] == 0x0A || source.bytes[offset - 1] == 0x0D
    }

    /// `<!-- facet-disable-file rule -->` at the top, after any front matter (and a byte order mark).
    static func disableInFile(_ rule: String, _ analysis: Analysis) -> FacetCore.TextEdit {
        let source = analysis.source
        var at = source.textStart
        if let frontMatter = analysis.document.frontMatter {
            let line = source.lines.line(containing: max(frontMatter.range.upperBound - 1, 0))
            at = line + 1 < source.lines.lineCount ? source.lines.lineStarts[line + 1] : source.count
        }
        let needsNewline = at == source.count && !endsLine(source, at: at)
        return TextEdit(range: at..<at, newText: (needsNewline ? "\n" : "") + "<!-- facet-disable-file \(rule) -->\n")
    }
}
