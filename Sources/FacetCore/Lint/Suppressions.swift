/// Inline suppression comments:
/// `<!-- facet-disable rule-id ... -->` silences those rules on the next unit
/// (and a finding outside any unit, such as an unclosed tag's, on the next line
/// that is not blank),
/// `<!-- facet-disable-file rule-id ... -->` in the whole file. With no ids,
/// every rule is silenced. A colon may follow the directive (`facet-disable: id`).
/// Another word starting `facet-disable` (`facet-disable-line`) silences nothing,
/// and neither does an id that is no rule's, `*` included; `unknown-rule` reports both.
struct Suppressions {
    var fileRules: Set<String> = []
    var fileAll = false
    /// Unit index → rules silenced on it (`everyRule` for all).
    var unitRules: [Int: Set<String>] = [:]
    /// Line → rules silenced on findings outside units that start on it.
    var lineRules: [Int: Set<String>] = [:]
    let units: [Unit]
    let lines: LineIndex

    /// Stands for every rule in `unitRules` and `lineRules`: words split from a
    /// comment are never empty, so no id written in one (not even `*`) is this.
    static let everyRule = ""

    static let nextUnitDirectives: Set<String> = ["facet-disable", "facet-disable-next"]
    static let fileDirective = "facet-disable-file"

    /// Whether Facet acts on this directive word.
    static func understands(_ directive: String) -> Bool {
        directive == fileDirective || nextUnitDirectives.contains(directive)
    }

    init(_ document: Document) {
        units = document.units
        lines = document.source.lines
        for comment in document.comments {
            guard let (directive, idList) = Self.directive(in: comment) else { continue }
            let ids = Set(idList)
            if directive == Self.fileDirective {
                if ids.isEmpty { fileAll = true } else { fileRules.formUnion(ids) }
            } else if Self.nextUnitDirectives.contains(directive) {
                let silenced: Set<String> = ids.isEmpty ? [Self.everyRule] : ids
                let next = units.firstUnit(startingAtOrAfter: comment.range.upperBound)
                if next < units.count { unitRules[next, default: []].formUnion(silenced) }
                if let line = Self.nextTextLine(after: comment.range.upperBound, document.source) {
                    lineRules[line, default: []].formUnion(silenced)
                }
            }
        }
    }

    /// A `facet-disable...` comment's directive word and rule ids; nil for other
    /// comments. The word may be one Facet does not understand (`understands`).
    static func directive(in comment: Comment) -> (String, [String])? {
        let words = comment.body.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "," || $0 == ":" }).map(String.init)
        guard let directive = words.first, directive.hasPrefix("facet-disable") else { return nil }
        return (directive, Array(words.dropFirst()))
    }

    /// The first line after `offset` (not the comment's own) with more than white space on it.
    static func nextTextLine(after offset: Int, _ source: SourceText) -> Int? {
        let lines = source.lines
        var line = lines.line(containing: max(offset - 1, 0)) + 1
        while line < lines.lineCount {
            let range = lines.lineStarts[line]..<lines.lineContentEnd(line)
            if source.bytes[range].contains(where: { $0 != 0x20 && $0 != 0x09 }) { return line }
            line += 1
        }
        return nil
    }

    func filter(_ findings: [Finding]) -> [Finding] {
        if fileAll { return findings.filter { $0.rule == "unknown-rule" } }
        return findings.filter { finding in
            if fileRules.contains(finding.rule) { return false }
            guard !unitRules.isEmpty || !lineRules.isEmpty else { return true }
            func silences(_ rules: Set<String>?) -> Bool { rules.map { $0.contains(Self.everyRule) || $0.contains(finding.rule) } ?? false }
            let unit = finding.unit ?? units.unit(containing: finding.range.lowerBound)
            if let unit, silences(unitRules[unit]) { return false }
            if unit == nil, silences(lineRules[lines.line(containing: finding.range.lowerBound)]) { return false }
            return true
        }
    }
}
