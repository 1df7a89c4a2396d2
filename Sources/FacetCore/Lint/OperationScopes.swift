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
    /// Per unit, its `chain`, made the first time it is compared: `apart` runs for
    /// every pair of candidate copies, and two arrays per call were most of this
    /// rule's allocations.
    private var chains: [[Int]?]
    /// Per heading with subheadings (by unit index), the hashes of their texts,
    /// lower-cased, sorted; made when two labels are first compared (most messages
    /// repeat nothing), and compared without building a set per pair.
    private lazy var subheadings: [Int: [UInt64]] = {
        var subheadings: [Int: [UInt64]] = [:]
        for unit in context.document.units where unit.kind == .heading {
            guard let parent = unit.parentHeading else { continue }
            subheadings[parent, default: []].append(Self.headingHash(context.source.bytes[unit.range]))
        }
        return subheadings.mapValues { Array(Set($0)).sorted() }
    }()

    init(_ context: LintContext) {
        self.context = context
        chains = Array(repeating: nil, count: context.document.units.count)
    }

    /// Whether units `a` and `b` sit in the sections of two different operations or
    /// tools: a heading (or lead-in) above one and another of the same level above
    /// the other, not above both, that name two operations or two names under one label.
    func apart(_ a: Int, _ b: Int) -> Bool {
        let units = context.document.units
        // Under the same heading and lead-in, the chains are the same: nothing sets them apart.
        if units[a].parentHeading == units[b].parentHeading && units[a].leadIn == units[b].leadIn { return false }
        let (first, second) = (cachedChain(a), cachedChain(b))
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
        if let mine = subheadings[x], let theirs = subheadings[y], Self.shareTwo(mine, theirs) { return true }
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

    /// Whether two sorted lists hold two or more of the same values.
    static func shareTwo(_ a: [UInt64], _ b: [UInt64]) -> Bool {
        var (i, j, shared) = (0, 0, 0)
        while i < a.count && j < b.count {
            if a[i] == b[j] { shared += 1; if shared == 2 { return true }; i += 1; j += 1 }
            else if a[i] < b[j] { i += 1 } else { j += 1 }
        }
        return false
    }

    /// The hash of a heading's text, lower-cased (ASCII letters), without its "#"
    /// marks, bold or trailing colon: "## **Command sources:**" and "### Command
    /// sources" name the same part. On bytes: a String per heading was most of the time.
    static func headingHash(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        func isTrimmed(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: "#") || byte == UInt8(ascii: "*") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":") || byte == UInt8(ascii: " ")
        }
        let start = bytes.firstIndex { !isTrimmed($0) } ?? bytes.endIndex
        let end = bytes.lastIndex { !isTrimmed($0) }.map { $0 + 1 } ?? start
        return Tokenizer.hash(bytes: bytes[start..<max(start, end)].lazy.map { ByteClass.isUpper($0) ? $0 | 0x20 : $0 })
    }

    private func cachedChain(_ unit: Int) -> [Int] {
        if let made = chains[unit] { return made }
        let made = chain(unit)
        chains[unit] = made
        return made
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
