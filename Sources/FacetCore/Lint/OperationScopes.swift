import Foundation

/// Sections that each describe one operation or tool, for `DuplicateInstruction`:
/// "## Cancel order" and "## Exchange order" (headings that open with a verb of
/// an operation), "For the `grep` tool:" and "For the `file_glob` tool:" (lead-ins
/// or headings that open with "for", "when" or "if"), "## `read_file`" (a tool's
/// name, or one lower-case word: "## gcal"), "## Namespace: gmail" and "## Namespace: gcal" (one label, two names). Each is read on its own, when that operation is done or that tool
/// used, so a step or rule repeated under two of them ("Obtain the user id.",
/// "Use the current directory if you do not know the path.") is said once to
/// each, not twice. Two units are apart when a heading or lead-in above one and
/// another of the same level above the other are two such labels of different
/// wording; a unit under none of them is compared with all. So are the sections of
/// parallel cases: two headings of one level whose sections share two or more
/// subheadings ("# Android" and "# Go", each with "## Detection signals" and "##
/// Command sources"), one section per case, each read in its case.
final class OperationScopes {
    let context: LintContext
    /// Per heading or lead-in (by unit index) looked at, whether it names an operation or tool.
    private var labels: [Int: Bool] = [:]
    /// Per heading with subheadings (by unit index), their texts, lower-cased.
    private let subheadings: [Int: Set<String>]

    init(_ context: LintContext) {
        self.context = context
        var subheadings: [Int: Set<String>] = [:]
        for (index, unit) in context.document.units.enumerated() where unit.kind == .heading {
            guard let parent = unit.parentHeading else { continue }
            subheadings[parent, default: []].insert(Self.headingText(context.source.bytes[unit.range]))
        }
        self.subheadings = subheadings
    }

    /// Whether units `a` and `b` sit in the sections of two different operations or
    /// tools: a heading (or lead-in) above one and another of the same level above
    /// the other, not above both, that name two operations or two names under one label.
    func apart(_ a: Int, _ b: Int) -> Bool {
        let (first, second) = (chain(a), chain(b))
        let units = context.document.units
        for x in first where !second.contains(x) {
            for y in second where !first.contains(y) && units[x].headingLevel == units[y].headingLevel && parallel(x, y) {
                return true
            }
        }
        return false
    }

    /// Whether two labels of different wording name two operations or tools.
    func parallel(_ x: Int, _ y: Int) -> Bool {
        let (one, other) = (context.text(x).lowercased(), context.text(y).lowercased())
        guard one != other else { return false }
        if namesAnOperation(x) && namesAnOperation(y) { return true }
        if let mine = subheadings[x], let theirs = subheadings[y], mine.intersection(theirs).count >= 2 { return true }
        // "## Namespace: gmail" and "## Namespace: gcal": one label, two names.
        guard let label = Self.label(one) else { return false }
        return Self.label(other) == label
    }

    /// The label of a heading or lead-in that names something after it: "namespace"
    /// in "## Namespace: gmail", "tool" in "Tool: web_search"; one or two words of
    /// letters before ": " and a name after it.
    static func label(_ text: String) -> Substring? {
        let trimmed = text.drop { $0 == "#" || $0 == "*" || $0 == " " }
        guard let colon = trimmed.firstIndex(of: ":") else { return nil }
        let label = trimmed[..<colon]
        let name = trimmed[trimmed.index(after: colon)...]
        guard name.first == " ", name.contains(where: { $0.isLetter || $0.isNumber }), !label.isEmpty,
              label.split(separator: " ").count <= 2, label.allSatisfy({ $0.isLetter || $0 == " " }) else { return nil }
        return label
    }

    /// A heading's words, lower-cased, without its "#" marks, bold or trailing colon:
    /// "## **Command sources:**" and "### Command sources" name the same part.
    static func headingText(_ bytes: ArraySlice<UInt8>) -> String {
        let text = String(decoding: bytes, as: UTF8.self).lowercased()
        return text.trimmingCharacters(in: CharacterSet(charactersIn: "#*_: "))
    }

    /// The headings above a unit, outermost first, then the lead-in of its list.
    func chain(_ unit: Int) -> [Int] {
        let units = context.document.units
        var chain: [Int] = []
        if let leadIn = units[unit].leadIn { chain.append(leadIn) }
        var heading = units[unit].parentHeading
        while let index = heading, chain.count < 16 {
            chain.append(index)
            heading = units[index].parentHeading
        }
        return chain.reversed()
    }

    func namesAnOperation(_ label: Int) -> Bool {
        if let known = labels[label] { return known }
        let unit = context.document.units[label]
        let known = Self.namesAnOperation(context.tokens(label), context.source.bytes, unit.range)
            || (unit.kind == .heading && Self.isLowercaseName(context.source.bytes[unit.range]))
        labels[label] = known
        return known
    }

    /// A label that opens (after any numbering) with a verb of an operation, with "for",
    /// "when" or "if" and more words, or with a tool's name (`code`, or a word with "_").
    static func namesAnOperation(_ tokens: ArraySlice<Token>, _ bytes: [UInt8], _ range: Range<Int>) -> Bool {
        guard let first = tokens.firstIndex(where: { !$0.isNumber }) else { return false }
        let word = tokens[first]
        if operationVerbs.contains(word.hash) { return true }
        if scopeOpeners.contains(word.hash) { return tokens.endIndex - first >= 2 }
        // "## `read_file`", "## update_doc": a tool's name.
        let opening = bytes[range].drop { $0 == UInt8(ascii: "#") || $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: " ") }
        return opening.first == UInt8(ascii: "`") || bytes[word.range].contains(UInt8(ascii: "_"))
    }

    /// "## gcal", "## python": a heading of one lower-case word (letters and digits)
    /// names a tool, as the tools of a leaked prompt are headed; a topic's heading has a capital.
    static func isLowercaseName(_ text: ArraySlice<UInt8>) -> Bool {
        let name = text.drop { $0 == UInt8(ascii: "#") || $0 == UInt8(ascii: " ") }
        guard let first = name.first, ByteClass.isLower(first) else { return false }
        return name.allSatisfy { ByteClass.isLower($0) || ByteClass.isDigit($0) }
    }

    static let scopeOpeners = WordSet(["for", "when", "whenever", "if"].map(Tokenizer.hash))

    /// Verbs a section describing an operation is named by: "Book flight", "Cancel
    /// pending order", "Modify items". Not "use" ("Use cases"), nor verbs that more
    /// often name a topic.
    static let operationVerbs = WordSet(["book", "rebook", "cancel", "modify", "change", "update", "edit", "return", "exchange",
                                         "refund", "compensate", "create", "delete", "remove", "add", "reset", "transfer", "upgrade",
                                         "downgrade", "track", "pay", "send", "schedule", "reschedule", "verify", "find", "get",
                                         "read", "write", "open", "close", "submit", "apply", "renew", "restore", "move", "rename",
                                         "run", "call", "confirm", "approve", "reject", "escalate", "replace", "purchase", "buy",
                                         "sell", "ship", "subscribe", "unsubscribe", "register", "upload", "download", "import",
                                         "export", "install", "uninstall", "deploy", "merge", "commit", "push", "pull", "fetch",
                                         "insert", "view", "generate", "fix", "translate", "convert", "calculate", "assign",
                                         "invite", "share", "archive", "start", "stop", "pause", "resume", "enable", "disable",
                                         "configure", "grant", "revoke", "block", "unblock", "check", "search", "claim", "release",
                                         "hold", "list", "lookup", "look"].map(Tokenizer.hash))
}
