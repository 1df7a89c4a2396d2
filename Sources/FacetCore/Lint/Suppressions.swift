/// Inline suppression comments:
/// `<!-- facet-disable rule-id ... -->` silences those rules on the next unit,
/// `<!-- facet-disable-file rule-id ... -->` in the whole file. With no ids,
/// every rule is silenced.
struct Suppressions {
    var fileRules: Set<String> = []
    var fileAll = false
    /// Unit index → rules silenced on it ("*" for all).
    var unitRules: [Int: Set<String>] = [:]
    let units: [Unit]

    init(_ document: Document) {
        units = document.units
        for comment in document.comments {
            guard let (directive, idList) = Self.directive(in: comment) else { continue }
            let ids = Set(idList)
            if directive == "facet-disable-file" {
                if ids.isEmpty { fileAll = true } else { fileRules.formUnion(ids) }
            } else if directive == "facet-disable" || directive == "facet-disable-next" {
                guard let next = document.units.firstIndex(where: { $0.range.lowerBound >= comment.range.upperBound }) else { continue }
                unitRules[next, default: []].formUnion(ids.isEmpty ? ["*"] : ids)
            }
        }
    }

    /// The ids a suppression comment names, for checking them against the registry.
    static func directives(in document: Document) -> [(id: String, comment: Comment)] {
        var result: [(String, Comment)] = []
        for comment in document.comments {
            guard let (_, ids) = directive(in: comment) else { continue }
            for id in ids { result.append((id, comment)) }
        }
        return result
    }

    /// A `facet-disable...` comment's directive word and rule ids; nil for other comments.
    static func directive(in comment: Comment) -> (String, [String])? {
        let words = comment.body.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "," }).map(String.init)
        guard let directive = words.first, directive.hasPrefix("facet-disable") else { return nil }
        return (directive, Array(words.dropFirst()))
    }

    func filter(_ findings: [Finding]) -> [Finding] {
        if fileAll { return findings.filter { $0.rule == "unknown-rule" } }
        return findings.filter { finding in
            if fileRules.contains(finding.rule) { return false }
            guard !unitRules.isEmpty else { return true }
            let unit = finding.unit ?? units.firstIndex { $0.range.contains(finding.range.lowerBound) }
            if let unit, let rules = unitRules[unit], rules.contains("*") || rules.contains(finding.rule) { return false }
            return true
        }
    }
}
