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
            let words = comment.body.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "," }).map(String.init)
            guard let directive = words.first else { continue }
            let ids = Set(words.dropFirst())
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
            let words = comment.body.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "," }).map(String.init)
            guard let directive = words.first, directive.hasPrefix("facet-disable") else { continue }
            for id in words.dropFirst() { result.append((id, comment)) }
        }
        return result
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
