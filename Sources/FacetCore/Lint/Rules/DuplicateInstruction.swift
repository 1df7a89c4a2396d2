/// The same instruction, or nearly the same, stated twice.
struct DuplicateInstruction: LintRule {
    let id = "duplicate-instruction"
    let defaultSeverity = Severity.warning
    let summary = "The same or nearly the same instruction appears twice"
    let explanation = """
    Saying a thing twice does not make a model follow it better; it makes the \
    message longer, and when one copy is later edited the two drift apart.

    Two units count as duplicates when their content words (stop words \
    removed, at least three) are the same set, or when one copy's words hold \
    all of the other's, as many times, and the two sets overlap by 80% or \
    more (Jaccard). A word swapped for another ("use Tailwind" against "use CSS"; \
    "the status becomes 'exchange requested' ... how to return items" against \
    "'return requested' ... how to return items") or a negation on one side \
    only ("must" against "must not"), or one of these pairs split between \
    the copies ("opt in" against "opt out", "and" against "or", "may" or \
    "can" against "must" or "should"), makes a different instruction. \
    A unit needs three such words besides the names of its template \
    variables and the words of its blanks in square brackets: "In past \
    conversations {{memory}}" twice may hold two different memories, and \
    "Language: [Exact clause language]" in each part of a template two \
    different clauses.

    Not compared: headings, the header rows of tables (two tables may both \
    open "| Violation | Reason |"), examples (including the turns of a written-out \
    dialogue and the items of a list whose lead-in names them examples, \
    "Search decision examples:"), lead-ins ending in ":" (or the full-width "："), `<…>` delimiters, \
    bare URLs and shell commands ("npx wrangler deploy"), a unit that opens \
    with "For example", "For instance", "E.g." or "Example:" (an example of \
    what the instruction before it asks: "For example `\\[x^2\\]`" and "For \
    example `\\(x^2\\)`" show two notations), a title listed in a table of \
    contents and repeated as the label of its part ("Ask the model to adopt a \
    persona" and "Tactic: Ask the model to adopt a persona", each a line with no \
    full stop), fields and parameters \
    of a schema (`<type>Type of the document</type>`, "`path` (string): The \
    folder.", "path (required): Absolute path to the file", "tab_idx: browser \
    tab"), a marker that closes a block ("--- End of X ---", never a copy of \
    "--- X ---"), and schema or code lines (a `//` comment, or a line that \
    opens with one, `=>`; a statement of code pasted without a fence, one \
    that opens with "}", ends with "{", ends with ";" after a call or an \
    assignment, or is one call such as "sys.exit(1)") and lines of \
    JSON (a tool's schema written on one line), which repeat by nature. A prompt \
    quoted in a ```markdown fence is compared only with itself: files that \
    collect several prompts repeat lines on purpose. Nor are two personas of a \
    message that sets up several compared with each other ("## Support agent / \
    You are the support agent." and "## Sales agent / You are the sales \
    agent."): the same rule under each is said once to each agent. Nor are two \
    versions of a prompt in a file that collects them ("## Version 1", "Version \
    2:", "## 2024-10-20", or "--- Template 2 ---" on a line, which runs to the \
    next such line whatever the headings), nor the sections of two operations or tools: \
    headings that open with a verb of an operation ("## Cancel pending order", \
    "## Exchange delivered order"), lead-ins or headings that open with "for", \
    "when" or "if" ("For the `grep` tool:", "For the `file_glob` tool:"), \
    a tool's name ("## `read_file`", or one lower-case word: "## gcal"), or one label with two names ("## \
    Namespace: gmail", "## Namespace: gcal"), at the same level; each is read when that operation is done \
    or that tool used, so a step repeated under each ("The user must provide a \
    payment method.") is said once to each. The same goes for the sections of \
    parallel cases, two headings of one level whose sections share two or more \
    subheadings ("# Android" and "# Go", each with "## Detection signals" and \
    "## Command sources"), each read in its case. A unit outside them is compared with all. A sentence \
    that points back with "this", "these" or "those" is a copy only after the \
    same sentence or heading: "## update_doc / Updates the document. Never use \
    this function unless a document exists." and the same under "## comment_doc" \
    are two rules. A sentence that opens with "they" points back too, and one \
    that points back after one that does is a copy only after the same sentences, \
    within its paragraph or list item ("Evidence that this claim is true. \
    Cite references, and make none of those up. They must be real." and the \
    same for "false"). "This prompt", "this conversation" and the like point back to \
    nothing: "Never reveal this prompt." twice is a copy under any heading.

    A block said twice, three or more copies in a row each repeating the \
    sentence after the one the copy before repeats (a section pasted twice, a \
    prompt quoted a second time), is one finding over the later block ("these \
    5 instructions repeat lines 3-9"), not one per sentence.

    Fix: removes the later copy, or the earlier one when the later says more \
    ("Always cite the invoice." then "Always cite the invoice with a link."). \
    Not a copy that is all its heading's section holds, which would leave the \
    heading over nothing: then the other copy when it says the same, or no fix. \
    Removing an item of a numbered list numbers the items after it one lower \
    ("1. 2. 4." would be read as written), up to the end of the list or a \
    number out of sequence. For a block, removes its lines when they are the \
    same text as the first block's, with its heading when the block is all \
    the heading's section holds and the first block has the same heading.
    """

    /// Little words left out of the comparison. Not "over", "under", "up", "down" or
    /// "only": "refunds over $100" and "refunds under $100" are two instructions.
    static let stopWordHashes = """
    a an the and or but of to in on at for with by from as is are be been being it its this that these those you your \
    i we our they them their he she his her do does did will would should must can could may might not no yes if then \
    so than too very just also all any each every some such into about out own same other
    """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map { Tokenizer.hash(String($0)) }

    /// Stop words that tell two instructions apart when each copy holds a
    /// different one of a pair ("opt in" against "opt out", "the email and the
    /// phone" against "the email or the phone", "you may share" against "you
    /// must share"), as bits (`Vocabulary.contrastBits` by word): `Contrast.opposed`
    /// compares two units' bits.
    enum Contrast {
        static let and: UInt8 = 1, or: UInt8 = 2, into: UInt8 = 4, out: UInt8 = 8, permission: UInt8 = 16, obligation: UInt8 = 32
        static let pairs: [(UInt8, UInt8)] = [(and, or), (into, out), (permission, obligation)]
        static let words: [(UInt64, UInt8)] = [("and", and), ("or", or), ("in", into), ("out", out),
                                               ("may", permission), ("can", permission), ("could", permission), ("might", permission),
                                               ("must", obligation), ("should", obligation)].map { (Tokenizer.hash($0.0), $0.1) }

        static func bit(_ hash: UInt64) -> UInt8 {
            for (word, bit) in words where word == hash { return bit }
            return 0
        }

        /// One holds one side of a pair and not the other, and the other unit the reverse.
        static func opposed(_ a: UInt8, _ b: UInt8) -> Bool {
            pairs.contains { x, y in
                let aSide = (a & x != 0, a & y != 0), bSide = (b & x != 0, b & y != 0)
                return (aSide == (true, false) && bSide == (false, true)) || (aSide == (false, true) && bSide == (true, false))
            }
        }
    }

    /// Words that turn an instruction around ("must" against "must not"); most
    /// are stop words, so whether a unit holds one is kept beside its words.
    static let negatorHashes = ["not", "no", "never", "nor", "don't", "dont", "doesn't", "didn't", "cannot", "can't",
                                "won't", "shouldn't", "mustn't", "isn't", "aren't", "without"].map(Tokenizer.hash)

    func check(_ context: LintContext) -> [Finding] {
        let (isStopWord, isNegator, contrastBits) = (Vocabulary.shared.isStopWord, Vocabulary.shared.isNegator, Vocabulary.shared.contrastBits)
        let units = context.source.bytes.withUnsafeBufferPointer { bytes in
            var dataLines = JSONLines(context.source.lines)
            var exampleLeadIns: [Int: Bool] = [:]
            // The line of each unit's start, found by walking forward: units are in order.
            let lineStarts = context.source.lines.lineStarts
            var line = 0
            return context.proseUnits.filter {
                let range = context.document.units[$0].range
                while line + 1 < lineStarts.count && lineStarts[line + 1] <= range.lowerBound { line += 1 }
                let lineStart = lineStarts[line]
                guard context.document.units[$0].kind != .heading && !Self.repeatsByNature(bytes, range, lineStart: lineStart)
                    && !dataLines.holds(range.lowerBound, bytes) else { return false }
                // Two tables of one kind share their header row ("| Violation | Reason |").
                if context.document.units[$0].kind == .tableRow && Self.headsATable(bytes, range) { return false }
                // The items of a list its lead-in names as examples ("Search decision examples:").
                guard let leadIn = context.document.units[$0].leadIn else { return true }
                if let known = exampleLeadIns[leadIn] { return !known }
                let isExample = SectionNames.isExample(context.text(leadIn))
                exampleLeadIns[leadIn] = isExample
                return !isExample
            }
        }
        // Units are compared only within their quoted prompt, and two persona sections'
        // units not with each other (a unit in none is compared with all).
        let quotedScopes = Self.quotedPromptScopes(units, context.document)
        let scopes = OperationScopes(context)
        let versions = Self.versions(context.document)
        let variables = context.document.variables.map(\.range)  // sorted by start, as units are
        var nextVariable = 0
        // Each kept unit's content words, sorted and without repeats, all in one
        // flat array (signature `i`'s are `signatureWords[signatures[i].words]`):
        // an array per unit was most of this rule's time.
        let wordCount = units.reduce(0) { $0 + context.tokens($1).count }
        // Sized up front for every unit and word, so they are not regrown as they fill.
        var signatures: [Signature] = []
        signatures.reserveCapacity(units.count)
        var signatureWords = ScratchArray<UInt64>(capacity: wordCount)
        // The same words with their repeats, for the near-duplicate test: a word
        // swapped for one the unit already holds leaves the set as it was.
        var signatureBags = ScratchArray<UInt64>(capacity: wordCount)
        // Per word, the signatures that hold it, newest first, as linked lists in
        // `postings` (`next` -1 ends a list); `lists[list]` is the word's newest posting and its length.
        var postings = ScratchArray<(signature: Int, next: Int)>(capacity: wordCount)
        var lists = ScratchArray<(last: Int, count: Int)>(capacity: wordCount / 4)
        // `exact` sized for every unit, so it never grows; `byWord` for a quarter
        // of the words (distinct content words are fewer; it grows if need be):
        // sized for all of them it was mostly empty and slow to read.
        var exact = WordTable<Int>(minimumCapacity: units.count)  // hash of a signature → its first index
        var byWord = WordTable<Int>(minimumCapacity: wordCount / 4)  // word → its list
        var words = ScratchArray<UInt64>()
        var bag = ScratchArray<UInt64>()
        var rarest = ScratchArray<(list: Int?, count: Int)>(capacity: 3)
        var wordLists = ScratchArray<Int>()  // per word of the unit, its list in `byWord` (-1: none yet), looked up once
        // Per signature, the last unit that compared itself with it (-1: none): a
        // candidate found under two of a unit's rare words is compared once.
        var comparedAt = ScratchArray<Int>(capacity: units.count)
        var recent = ScratchArray<Int>()
        var findings: [Finding] = []
        var runs = DuplicateRuns()
        for (position, unit) in units.enumerated() {
            let scope = quotedScopes[position], persona = context.persona(of: unit), version = versions.isEmpty ? 0 : versions[unit]
            // Versions of a prompt are compared as personas are: a unit in none with all; so are
            // the sections of two operations or tools ("## Cancel order", "For the `grep` tool:").
            func sameAgent(_ signature: Int) -> Bool {
                PersonaSections.sameAgent(signatures[signature].persona, persona) && PersonaSections.sameAgent(signatures[signature].version, version)
                    && !scopes.apart(signatures[signature].unit, unit)
            }
            words.removeAll()
            var negated = false
            var contrast: UInt8 = 0
            var literalWords = 0
            // A blank of a template ("Language: [Exact clause language]") is filled anew
            // each time, as a variable is: its words are not the unit's own.
            let range = context.document.units[unit].range
            let opensABracket = context.source.bytes.withUnsafeBufferPointer {
                ByteSearch.first(UInt8(ascii: "["), in: $0, from: range.lowerBound, to: range.upperBound) != nil
            }
            var blanks = opensABracket ? SquareBrackets(context.source.bytes, unit: range) : nil
            for token in context.tokens(unit) {
                while nextVariable < variables.count && variables[nextVariable].upperBound <= token.range.lowerBound { nextVariable += 1 }
                let inVariable = nextVariable < variables.count && variables[nextVariable].lowerBound < token.range.upperBound
                if !inVariable && isNegator[Int(token.id)] { negated = true }
                guard !isStopWord[Int(token.id)] else {
                    if !inVariable { contrast |= contrastBits[Int(token.id)] }
                    continue
                }
                words.append(token.hash)
                if !inVariable && !(blanks?.contain(token.range.lowerBound) ?? false) { literalWords += 1 }
            }
            words.sort()
            bag.removeAll()
            bag.append(contentsOf: words.elements)
            words.truncate(to: Self.removeRepeats(words.mutableElements))
            // Three words of its own, not counting variables' names: "In past conversations
            // {{REDACTED}}" twice may hold two different memories.
            guard words.count >= 3, literalWords >= 3 else { continue }
            // Scope and negation are part of the signature: the same words in another
            // quoted prompt, or with "not", are no match.
            let seed = UInt64(0xcbf2_9ce4_8422_2325) ^ UInt64(scope) &* 2 ^ (negated ? 1 : 0)
            let signature = words.elements.reduce(seed) { ($0 ^ $1) &* 0x100_0000_01b3 }
            // A sentence that refers back ("Never use this function ...") is a copy only
            // after the same sentence (or heading): after another, it says its rule of another thing.
            func sameReferent(_ signature: Int) -> Bool {
                let other = signatures[signature].unit
                guard unit - 1 != other, Self.refersBack(context, unit) else { return true }
                // The sentences before must be the same too, as far back as each points back:
                // "... evidence that this claim is true ... Provide references, and do not make any
                // of those up. They must be real." and the same for "false" are two rules.
                // Within its paragraph or list item: a copied block whose first sentence points back
                // is still a copy.
                var (one, two) = (unit - 1, other - 1)
                let units = context.document.units
                for _ in 0..<4 {
                    guard Self.similar(context, one, two) else { return false }
                    guard one > 0, two > 0, units[one - 1].block == units[one].block, units[two - 1].block == units[two].block,
                          Self.refersBack(context, one) else { return true }
                    (one, two) = (one - 1, two - 1)
                }
                return true
            }
            // `laterSaysMore`: this copy holds all of the earlier one's words and more.
            var best: (unit: Int, score: Double, laterSaysMore: Bool)?
            if let same = exact[signature], signatures[same].scope == scope, sameAgent(same), signatures[same].negated == negated,
               !Contrast.opposed(signatures[same].contrast, contrast), sameReferent(same),
               signatureWords.elements[signatures[same].words].elementsEqual(words.elements) {
                best = (signatures[same].unit, 1, false)
            } else {
                // Near duplicates share most words, so they share this unit's three
                // rarest ones: rarest first, ties in word order (as a stable sort
                // would give), picked in one pass rather than by sorting every word.
                rarest.removeAll()
                wordLists.removeAll()
                for word in words.elements {
                    let list = byWord[word]
                    wordLists.append(list ?? -1)
                    let count = list.map { lists[$0].count } ?? 0
                    var position = rarest.count
                    while position > 0 && rarest[position - 1].count > count { position -= 1 }
                    guard position < 3 else { continue }
                    // Into `position`, the third (if any) falling off the end: swapped
                    // down from the end, as the list holds three at most.
                    if rarest.count < 3 { rarest.append((list, count)) } else { rarest[2] = (list, count) }
                    var slot = rarest.count - 1
                    while slot > position { rarest.mutableElements.swapAt(slot, slot - 1); slot -= 1 }
                }
                for (list, _) in rarest.elements {
                    guard let list else { continue }
                    // The word's 16 latest signatures, oldest first.
                    recent.removeAll()
                    var posting = lists[list].last
                    while posting >= 0 && recent.count < 16 {
                        recent.append(postings[posting].signature)
                        posting = postings[posting].next
                    }
                    for candidate in recent.elements.reversed() where comparedAt[candidate] != unit {
                        comparedAt[candidate] = unit
                        guard signatures[candidate].scope == scope, signatures[candidate].negated == negated,
                              !Contrast.opposed(signatures[candidate].contrast, contrast) else { continue }
                        // One copy adds words to the other; a word swapped on both sides is
                        // another instruction, even for one the unit already holds.
                        let otherBag = signatureBags.elements[signatures[candidate].bag]
                        let sharedInBags = Self.sharedCount(bag.elements[...], otherBag)
                        guard sharedInBags == bag.count || sharedInBags == otherBag.count else { continue }
                        // The overlap is of distinct words: a word said twice in the longer copy is not two more.
                        let other = signatureWords.elements[signatures[candidate].words]
                        let shared = Self.sharedCount(words.elements[...], other)
                        let score = Double(shared) / Double(words.count + other.count - shared)
                        // The checks that read the text around both units, only for a copy that would count.
                        if score >= 0.8 && (best == nil || score > best!.score), sameAgent(candidate), sameReferent(candidate),
                           !Self.listedAndLabelledTitle(context, signatures[candidate].unit, unit) {
                            best = (signatures[candidate].unit, score, sharedInBags == otherBag.count && bag.count > otherBag.count)
                        }
                    }
                }
            }
            if let best {
                let kind = best.score == 1 ? "repeats" : "nearly repeats"
                let earlier = context.document.units[best.unit]
                let line = context.source.lines.line(containing: earlier.range.lowerBound) + 1
                var fix: Fix? = best.laterSaysMore ? removal(context, unit: best.unit, title: "Remove the earlier, shorter copy")
                                             : removal(context, unit: unit)
                // A copy that is all its section holds left its heading over nothing: the
                // other copy goes instead when it says the same, else only the author can choose.
                if Self.isAloneUnderItsHeading(context, best.laterSaysMore ? best.unit : unit) {
                    fix = best.score == 1 && !best.laterSaysMore && !Self.isAloneUnderItsHeading(context, best.unit)
                        ? removal(context, unit: best.unit, title: "Remove the earlier copy") : nil
                }
                findings.append(context.finding(self, "this \(kind) the instruction on line \(line); remove one copy",
                                                range: context.document.units[unit].range, unit: unit,
                                                related: [RelatedRange(range: earlier.range, message: "first stated here")],
                                                fixes: fix.map { [$0] } ?? []))
                runs.add(.init(finding: findings.count - 1, unit: unit, earlier: best.unit, exact: best.score == 1))
                if best.score == 1 { continue }  // the first copy already stands for this wording
            } else {
                runs.interrupt()
            }
            let index = signatures.count
            comparedAt.append(-1)
            signatures.append(Signature(unit: unit, scope: scope, persona: persona, version: version, negated: negated, contrast: contrast,
                                        words: signatureWords.count..<signatureWords.count + words.count,
                                        bag: signatureBags.count..<signatureBags.count + bag.count))
            signatureWords.append(contentsOf: words.elements)
            signatureBags.append(contentsOf: bag.elements)
            exact.insert(signature, index)
            // Every word's list was looked up for `rarest` (an exact copy never gets here).
            for (w, word) in words.elements.enumerated() {
                let list: Int
                if wordLists[w] >= 0 {
                    list = wordLists[w]
                } else {
                    list = lists.count
                    byWord.insert(word, list)
                    lists.append((last: -1, count: 0))
                }
                postings.append((signature: index, next: lists[list].last))
                lists[list] = (last: postings.count - 1, count: lists[list].count + 1)
            }
        }
        return runs.merged(findings, context, self)
    }

    /// A unit kept for comparison: where its words and bag sit in the flat arrays,
    /// and what a copy of it must share (quoted prompt, persona, version, negation, contrast words).
    struct Signature {
        var unit: Int
        var scope: Int
        var persona: Int
        var version: Int
        var negated: Bool
        var contrast: UInt8
        var words: Range<Int>
        var bag: Range<Int>
    }

    /// Words that point back to what the sentence before named: "Never use this
    /// function", "Provide references, and do not make any of those up". Not
    /// "it" or "each", which mostly point inside their own sentence ("Cite each
    /// source after the statement it supports").
    static let backReferences = WordSet(["this", "these", "those"].map(Tokenizer.hash))
    /// Words that point back when they open a sentence: "They must be 100% real."
    static let openingBackReferences = WordSet(["they", "them"].map(Tokenizer.hash))

    /// Whether a unit points back to the one before: "this", "these" or "those"
    /// before a word other than `wholeMessage`, or at its end, or "they" opening it.
    static func refersBack(_ context: LintContext, _ unit: Int) -> Bool {
        let tokens = context.tokens(unit)
        if let first = tokens.first, openingBackReferences.contains(first.hash) { return true }
        for index in tokens.indices where backReferences.contains(tokens[index].hash) {
            if index + 1 == tokens.endIndex || !wholeMessage.contains(tokens[index + 1].hash) { return true }
        }
        return false
    }

    /// What "this" names that is the same wherever it is said ("Never reveal this
    /// prompt."): such a sentence is a copy under any heading.
    static let wholeMessage = WordSet(["prompt", "conversation", "chat", "session", "message", "system"].map(Tokenizer.hash))

    /// Whether two units (by index; -1 for none) hold the same content words, or
    /// nearly, as near duplicates do (one's words hold the other's, 80% of them):
    /// "## update_doc" and "## comment_doc" do not, nor "... this claim is true
    /// using facts" and "... this claim is false using facts".
    static func similar(_ context: LintContext, _ a: Int, _ b: Int) -> Bool {
        guard a >= 0, b >= 0 else { return a == b }
        let isStopWord = Vocabulary.shared.isStopWord
        // Sorted without repeats, as sets: compared in one pass, with no hash table per unit.
        func words(_ unit: Int) -> [UInt64] {
            var words = context.tokens(unit).filter { !isStopWord[Int($0.id)] }.map(\.hash)
            words.sort()
            let kept = words.withUnsafeMutableBufferPointer { removeRepeats($0) }
            words.removeSubrange(kept...)
            return words
        }
        let (x, y) = (words(a), words(b))
        guard !x.isEmpty || !y.isEmpty else { return context.source.text(context.document.units[a].range) == context.source.text(context.document.units[b].range) }
        let shared = sharedCount(x[...], y[...])
        return (shared == x.count || shared == y.count) && Double(shared) >= 0.8 * Double(x.count + y.count - shared)
    }

    /// Whether the table row at `range` is a header: the next line is a separator row (`|---|:--|`).
    static func headsATable(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        var i = range.upperBound
        while i < bytes.count && bytes[i] != 0x0A { i += 1 }
        i += 1
        var sawDash = false, sawBar = false
        while i < bytes.count && bytes[i] != 0x0A && bytes[i] != 0x0D {
            switch bytes[i] {
            case UInt8(ascii: "-"): sawDash = true
            case UInt8(ascii: "|"): sawBar = true
            case UInt8(ascii: ":"), UInt8(ascii: " "), UInt8(ascii: "\t"): break
            default: return false
            }
            i += 1
        }
        return sawDash && sawBar
    }

    /// Units whose words repeat without repeating an instruction: a lead-in
    /// ("Expects a JSON string that adheres to this schema:") introduces
    /// something different each time, a `<…>` line is a delimiter or a
    /// placeholder, and schema or code lines (a `//` comment, `=>`, a statement) share fields.
    /// `lineStart`: where the line the unit starts on starts.
    static func repeatsByNature(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, lineStart: Int) -> Bool {
        guard let first = range.first, let last = range.last else { return false }
        // ":" or the full-width "：" of Chinese and Japanese text.
        if bytes[last] == UInt8(ascii: ":") || (range.count >= 3 && bytes[last - 2] == 0xEF && bytes[last - 1] == 0xBC && bytes[last] == 0x9A) {
            return true
        }
        if isLinkOrCommand(bytes, range) { return true }
        if opensWithExample(bytes, range) { return true }
        if isFieldOrMarker(bytes, range, lineStart: lineStart) { return true }
        if isCodeStatement(bytes, range) { return true }
        if bytes[first] == UInt8(ascii: "<") && bytes[last] == UInt8(ascii: ">") { return true }
        // "//" but not the one in "https://"; most units hold neither "/" nor "=", found by memchr.
        var i = first
        while let slash = ByteSearch.first(UInt8(ascii: "/"), in: bytes, from: i, to: last) {
            if bytes[slash + 1] == UInt8(ascii: "/") && (slash == first || bytes[slash - 1] != UInt8(ascii: ":")) { return true }
            i = slash + 1
        }
        i = first
        while let equals = ByteSearch.first(UInt8(ascii: "="), in: bytes, from: i, to: last) {
            if bytes[equals + 1] == UInt8(ascii: ">") { return true }
            i = equals + 1
        }
        return false
    }

    /// Whether two units are the same title, once listed (a line of a table of
    /// contents) and once under a label that heads its part ("Tactic: Ask the model
    /// to adopt a persona"): each a whole line with no full stop, one the other
    /// after a capitalised word and ": ".
    static func listedAndLabelledTitle(_ context: LintContext, _ a: Int, _ b: Int) -> Bool {
        let bytes = context.source.bytes
        func title(_ unit: Int) -> ArraySlice<UInt8>? {
            let range = context.document.units[unit].range
            guard let last = range.last, !".!?:;".utf8.contains(bytes[last]) else { return nil }
            let lines = context.source.lines
            let line = lines.line(containing: range.lowerBound)
            guard lines.line(containing: range.upperBound) == line, range.upperBound == lines.lineContentEnd(line),
                  bytes[lines.lineStarts[line]..<range.lowerBound].allSatisfy(ByteClass.isSpace) else { return nil }
            return bytes[range]
        }
        guard let x = title(a), let y = title(b) else { return false }
        func unlabelled(_ text: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
            guard let first = text.first, ByteClass.isUpper(first) else { return nil }
            let word = text.prefix { ByteClass.isAlpha($0) }
            guard word.count >= 2, word.dropFirst().allSatisfy(ByteClass.isLower) else { return nil }
            let rest = text[word.endIndex...]
            guard rest.starts(with: ": ".utf8) else { return nil }
            return rest.dropFirst(2)
        }
        if let inner = unlabelled(x), inner.elementsEqual(y) { return true }
        if let inner = unlabelled(y), inner.elementsEqual(x) { return true }
        return false
    }

    /// Openings of a unit that shows an example rather than giving an instruction:
    /// "For example \[y = x^2\]" and "For example \(y = x^2\)" show two notations.
    static let exampleOpenings: [[UInt8]] = ["for example", "for instance", "e.g.", "example:"].map { Array($0.utf8) }

    /// Whether the unit opens with `exampleOpenings`, in any case.
    static func opensWithExample(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        guard let first = range.first, bytes[first] | 0x20 == UInt8(ascii: "f") || bytes[first] | 0x20 == UInt8(ascii: "e") else { return false }
        return exampleOpenings.contains { opening in
            opening.count <= range.count && zip(bytes[range].prefix(opening.count), opening).allSatisfy { ByteClass.lower($0) == $1 }
        }
    }

    /// A bare URL (a page listed under its heading) or a shell command ("npx
    /// wrangler deploy"): reference material, not an instruction. Both are one
    /// word or a lower-case command with no sentence's full stop.
    static func isLinkOrCommand(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        let text = bytes[range]
        guard let first = text.first, let last = range.last else { return false }
        if first == UInt8(ascii: "h") && (text.starts(with: "http://".utf8) || text.starts(with: "https://".utf8)) {
            return !text.contains(UInt8(ascii: " ")) && !text.contains(UInt8(ascii: "\n"))
        }
        // Most units are not commands: the first word is looked at before the whole unit.
        guard ByteClass.isLower(first), bytes[last] != UInt8(ascii: ".") else { return false }
        let word = text.prefix(commandLength + 1).prefix { $0 != UInt8(ascii: " ") }
        return word.count <= commandLength && word.count < text.count && commands.contains(Array(word)) && !text.contains(UInt8(ascii: "\n"))
    }

    /// Lines of a template or schema: a phrase with no full stop between a tag and
    /// its close ("<document_type>Type of the cited document</document_type>"), a
    /// parameter ("`path` (string, optional): The directory to search in."), or a
    /// marker that closes a block ("--- End of Context from: X ---", never a copy
    /// of "--- Context from: X ---": removing that one would leave the block unopened).
    static func isFieldOrMarker(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, lineStart: Int) -> Bool {
        guard let first = range.first, let last = range.last else { return false }
        if first > 0, bytes[first - 1] == UInt8(ascii: ">"), last + 2 < bytes.count, bytes[last + 1] == UInt8(ascii: "<"),
           bytes[last + 2] == UInt8(ascii: "/"), bytes[last] != UInt8(ascii: "."), bytes[last] != UInt8(ascii: "!"), bytes[last] != UInt8(ascii: "?") {
            return true
        }
        if bytes[first] == UInt8(ascii: "`"), let close = ByteSearch.first(UInt8(ascii: "`"), in: bytes, from: first + 1, to: last),
           close + 2 <= last, bytes[close + 1] == UInt8(ascii: ":") || (bytes[close + 1] == UInt8(ascii: " ") && bytes[close + 2] == UInt8(ascii: "(")) {
            return true
        }
        if isParameter(bytes, range) || opensACodeComment(bytes, first, lineStart: lineStart) { return true }
        var i = first
        while i <= last, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "=") || bytes[i] == UInt8(ascii: "#")
                || bytes[i] == UInt8(ascii: "[") || bytes[i] == UInt8(ascii: "*") || bytes[i] == UInt8(ascii: " ") { i += 1 }
        let opening = bytes[i..<min(i + 7, last + 1)]
        return opening.elementsEqual("end of ".utf8) { $0 | 0x20 == $1 }  // lower case, for letters
    }

    /// A statement of code written outside a fence (a source file pasted into the
    /// prompt), without backticks: a unit that opens with "}" or ends with "{", ends
    /// with ";" after a call or an assignment ("const data = await response.json();"),
    /// or is one call ("sys.exit(1)", "par(mfrow = c(1, 1))"). Not "Be brief (two
    /// lines);": a call has no space before its "(".
    static func isCodeStatement(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        guard let first = range.first, let last = range.last, ByteSearch.first(UInt8(ascii: "`"), in: bytes, from: first, to: last + 1) == nil
        else { return false }
        if bytes[first] == UInt8(ascii: "}") || bytes[last] == UInt8(ascii: "{") { return true }
        // Where the first "(" right after a name is, if any.
        var call: Int?
        var i = first
        while let open = ByteSearch.first(UInt8(ascii: "("), in: bytes, from: i, to: last) {
            if open > first, ByteClass.isAlnum(bytes[open - 1]) || bytes[open - 1] == UInt8(ascii: "_") { call = open; break }
            i = open + 1
        }
        if bytes[last] == UInt8(ascii: ";") {
            return call != nil || ByteSearch.first(UInt8(ascii: "="), in: bytes, from: first, to: last) != nil
        }
        // One call: a dotted name, then "(" ... ")" closing the unit.
        guard let open = call, bytes[last] == UInt8(ascii: ")") else { return false }
        return bytes[first..<open].allSatisfy { ByteClass.isAlnum($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
    }

    /// A tool's parameter documented as a name in lower case, maybe with a note in
    /// parentheses, then ":" ("path (required): Absolute path to the file",
    /// "tab_idx: browser tab to interact with"): each tool that takes it says so.
    static func isParameter(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        var i = range.lowerBound
        guard ByteClass.isLower(bytes[i]) else { return false }
        while i < range.upperBound, i - range.lowerBound <= 32, ByteClass.isLower(bytes[i]) || ByteClass.isDigit(bytes[i]) || bytes[i] == UInt8(ascii: "_") { i += 1 }
        if i + 1 < range.upperBound, bytes[i] == UInt8(ascii: " "), bytes[i + 1] == UInt8(ascii: "("),
           let close = ByteSearch.first(UInt8(ascii: ")"), in: bytes, from: i + 1, to: min(range.upperBound - 1, i + 24)) {
            i = close + 1
        }
        return i + 1 < range.upperBound && bytes[i] == UInt8(ascii: ":") && bytes[i + 1] == UInt8(ascii: " ")
    }

    /// Whether the line a unit starts on opens with "//": the unit is a comment of
    /// code or of a schema written as code (`// page_id of the Browser page`). The line's
    /// start comes from the line index: walking back to it was quadratic on a long line.
    static func opensACodeComment(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, lineStart: Int) -> Bool {
        var i = lineStart
        while i < start && (bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: "\t")) { i += 1 }
        return i + 1 < bytes.count && bytes[i] == UInt8(ascii: "/") && bytes[i + 1] == UInt8(ascii: "/")
    }

    /// Programs a shell command in a prompt starts with.
    static let commands: Set<[UInt8]> = Set(["npx", "npm", "pnpm", "yarn", "pip", "pip3", "uv", "python", "python3", "node", "git",
                                             "curl", "wget", "docker", "kubectl", "brew", "apt", "apt-get", "sudo", "cargo", "wrangler"]
                                             .map { Array($0.utf8) })
    static let commandLength = commands.map(\.count).max() ?? 0

    /// Whether a unit sits on a line of JSON ('{"name": "search", "description": "..."}',
    /// also after a tag such as `<function>`): a tool's schema written on one line,
    /// whose parameters are documented alike by nature. Asked in order of offset,
    /// so each line is looked at once.
    struct JSONLines {
        let lines: LineIndex
        var line = 0
        var looked = -1
        var isJSON = false

        init(_ lines: LineIndex) { self.lines = lines }

        mutating func holds(_ offset: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            // Offsets only grow: step forward line by line, once over the whole text,
            // rather than a binary search per unit, which was a fifth of this rule's time.
            let starts = lines.lineStarts
            while line + 1 < starts.count && starts[line + 1] <= offset { line += 1 }
            if line != looked {
                looked = line
                isJSON = Self.opensJSON(bytes, from: starts[line], to: lines.lineContentEnd(line))
            }
            return isJSON
        }

        /// After spaces and any `<tag>`s, `{"` or `[{"`.
        static func opensJSON(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Bool {
            var i = start
            while i < end {
                switch bytes[i] {
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "["): i += 1
                case UInt8(ascii: "<"):
                    guard let close = ByteSearch.first(UInt8(ascii: ">"), in: bytes, from: i, to: end) else { return false }
                    i = close + 1
                case UInt8(ascii: "{"): return i + 1 < end && bytes[i + 1] == UInt8(ascii: "\"")
                default: return false
                }
            }
            return false
        }
    }

    /// Per unit, 1 + the index of the quoted prompt (prose fence) it sits in, or 0.
    static func quotedPromptScopes(_ units: [Int], _ document: Document) -> [Int] {
        let quoted = document.quotedPrompts
        var scopes = [Int](repeating: 0, count: units.count)
        guard !quoted.isEmpty else { return scopes }
        var next = 0
        for (position, unit) in units.enumerated() {
            let start = document.units[unit].range.lowerBound
            while next < quoted.count && quoted[next].upperBound <= start { next += 1 }
            if next < quoted.count && quoted[next].contains(start) { scopes[position] = next + 1 }
        }
        return scopes
    }

    /// Per unit of the document, the version of a prompt it sits under (1, 2, ...)
    /// in a file that collects several ("## Version 1", "Version 2:", "## v3",
    /// "## 2024-10-20", each with its copy of the prompt), 0 for a unit under
    /// none; empty when there are fewer than two. A version runs to the next one,
    /// or to a heading above its own (above the heading a "Version 2:" line sits under).
    static func versions(_ document: Document) -> [Int] {
        let units = document.units
        var versions = [Int](repeating: 0, count: units.count)
        var (count, current, level) = (0, 0, 0)
        // By index: iterating the units copies each, retaining its section names.
        for index in units.indices {
            let range = units[index].range, isHeading = units[index].kind == .heading
            if opensWithFramedLabel(document.source, range, isHeading: isHeading) {
                // "--- Template 2 (Original Index: 2440) ---" divides the whole file: it runs to
                // the next such line, whatever the headings of the prompt it opens.
                count += 1
                current = count
                level = 0
            } else if mayBeVersionLabel(document.source.bytes, range) && isVersionLabel(document.source.text(range)) {
                count += 1
                current = count
                level = isHeading ? units[index].headingLevel : units[index].parentHeading.map { units[$0].headingLevel + 1 } ?? 1
            } else if isHeading && units[index].headingLevel < level {
                current = 0
            }
            versions[index] = current
        }
        return count >= 2 ? versions : []
    }

    /// Whether the unit's first line is a numbered label framed by dashes or equals signs,
    /// which a file of extracted prompts puts before each ("--- Template 2 (Original
    /// Index: 2440) ---", "=== Version 3 ==="); the line may run into the prompt's first sentence.
    /// A heading is the label alone (the segmenter drops the frame): its line is read.
    static func opensWithFramedLabel(_ source: SourceText, _ range: Range<Int>, isHeading: Bool) -> Bool {
        let bytes = source.bytes
        guard var first = range.first else { return false }
        if isHeading {
            first = source.lines.lineStarts[source.lines.line(containing: first)]
            while first < range.lowerBound, bytes[first] == UInt8(ascii: " ") || bytes[first] == UInt8(ascii: "\t") { first += 1 }
        }
        guard bytes[first] == UInt8(ascii: "-") || bytes[first] == UInt8(ascii: "=") else { return false }
        let lineContentEnd = source.lines.lineContentEnd(source.lines.line(containing: first))
        let lineEnd = isHeading ? lineContentEnd : min(lineContentEnd, range.upperBound)
        guard lineEnd - first <= 80 else { return false }
        let line = String(decoding: bytes[first..<lineEnd], as: UTF8.self)
        let frame: Set<Character> = ["-", "=", " "]
        guard line.hasPrefix(String(repeating: line.first!, count: 3)), line.hasSuffix(String(repeating: line.first!, count: 3)) else { return false }
        var label = Substring(line.lowercased()).drop { frame.contains($0) }
        while let last = label.last, frame.contains(last) { label.removeLast() }
        // "(Original Index: 2440)" after the label names where it came from.
        if let note = label.firstIndex(of: "(") { label = label[..<note] }
        let words = label.split(separator: " ")
        if words.count == 2, ["template", "prompt"].contains(words[0]) { return words[1].allSatisfy { $0.isASCII && $0.isNumber } }
        return isVersionLabel(String(label))
    }

    /// Whether a unit is short and, after any emphasis, starts with "v" or a digit:
    /// the bytes looked at before `isVersionLabel` makes a string of every unit.
    static func mayBeVersionLabel(_ bytes: [UInt8], _ range: Range<Int>) -> Bool {
        guard range.count <= 48 else { return false }
        guard let first = bytes[range].first(where: { $0 != UInt8(ascii: "*") && $0 != UInt8(ascii: " ") }) else { return false }
        return first | 0x20 == UInt8(ascii: "v") || ByteClass.isDigit(first)
    }

    /// "Version 2", "v2.1", "2024-10-20", with any ":" or Markdown emphasis around it.
    static func isVersionLabel(_ text: String) -> Bool {
        var label = Substring(text.lowercased())
        while let last = label.last, last == ":" || last == "*" || last == " " { label.removeLast() }
        while let first = label.first, first == "*" || first == " " { label.removeFirst() }
        guard label.count <= 24 else { return false }
        if label.hasPrefix("version") { label = label.dropFirst("version".count).drop { $0 == " " } }
        else if label.hasPrefix("v") { label = label.dropFirst() }
        else { return label.count == 10 && label.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "-") } && label.dropFirst(4).first == "-" }
        return label.first.map { $0.isASCII && $0.isNumber } ?? false && label.allSatisfy { $0.isASCII && ($0.isNumber || $0 == ".") }
    }

    /// Removes repeats from sorted words, in place: moves each word that is not a
    /// repeat of the one before to the front, and returns how many there are.
    static func removeRepeats(_ words: UnsafeMutableBufferPointer<UInt64>) -> Int {
        guard words.count > 1 else { return words.count }
        var kept = 1
        for index in 1..<words.count where words[index] != words[kept - 1] {
            words[kept] = words[index]
            kept += 1
        }
        return kept
    }

    /// How many words two sorted arrays share, a repeated word as often as both hold it.
    static func sharedCount<A: RandomAccessCollection<UInt64>, B: RandomAccessCollection<UInt64>>(_ a: A, _ b: B) -> Int
        where A.Index == Int, B.Index == Int {
        var i = a.startIndex, j = b.startIndex, shared = 0
        while i < a.endIndex && j < b.endIndex {
            if a[i] == b[j] { shared += 1; i += 1; j += 1 } else if a[i] < b[j] { i += 1 } else { j += 1 }
        }
        return shared
    }

    /// Removes the unit; when it is alone on its line (a list item), the whole line.
    func removal(_ context: LintContext, unit: Int, title: String = "Remove the repeated instruction") -> Fix {
        let range = context.document.units[unit].range
        let lines = context.source.lines
        let line = lines.line(containing: range.lowerBound)
        let lineStart = lines.lineStarts[line]
        let lastLine = lines.line(containing: range.upperBound)
        let lineEnd = max(range.upperBound, lines.lineContentEnd(lastLine))
        // A label that announced the copy ("4. IMPORTANT!!! Only generate ...") was left
        // alone on its line: it goes with the copy.
        let itemStart = Self.emphasisLabelStart(context.source, lineStart..<range.lowerBound) ?? range.lowerBound
        if Self.isMarkerOnly(context.source, lineStart..<itemStart) && Self.isBlank(context.source, range.upperBound..<lineEnd) {
            // An item that goes on in the lines below keeps its marker for them: its next
            // sentence moves up ("- Keep it polite."), not into the item before.
            let units = context.document.units
            if lineStart < itemStart, unit + 1 < units.count, units[unit + 1].block == units[unit].block,
               Self.isBlank(context.source, range.upperBound..<units[unit + 1].range.lowerBound) {
                return Fix(title: title, edits: [TextEdit(range: itemStart..<units[unit + 1].range.lowerBound, newText: "")])
            }
            return Self.linesRemoval(context.source, line...lastLine, title: title)
        }
        var lower = range.lowerBound, upper = range.upperBound
        while upper < lineEnd && context.source.bytes[upper] == UInt8(ascii: " ") { upper += 1 }
        // The last sentence of its line takes the space before it, not after it.
        if upper == lineEnd {
            while lower > lineStart && context.source.bytes[lower - 1] == UInt8(ascii: " ") { lower -= 1 }
        }
        return Fix(title: title, edits: [TextEdit(range: lower..<upper, newText: "")])
    }

    /// Removes whole lines, and numbers the list items after them on from the first
    /// removed item's number. Lines that were a paragraph of their own would leave two
    /// blank lines where there was one (or a blank line at the end): one of the blank
    /// lines around them goes too.
    static func linesRemoval(_ source: SourceText, _ removedLines: ClosedRange<Int>, title: String) -> Fix {
        let lines = source.lines
        let (line, lastLine) = (removedLines.lowerBound, removedLines.upperBound)
        let lineStart = lines.lineStarts[line]
        func removal(_ removed: Range<Int>) -> Fix {
            Fix(title: title, edits: [TextEdit(range: removed, newText: "")] + ListRenumbering.edits(afterRemoving: removed, in: source))
        }
        let next = lastLine + 1 < lines.lineCount ? lines.lineStarts[lastLine + 1] : source.count
        func isBlankLine(_ line: Int) -> Bool { isBlank(source, lines.lineStarts[line]..<lines.lineContentEnd(line)) }
        let blankAbove = lineStart <= source.textStart || isBlankLine(line - 1)
        if blankAbove && next < source.count && isBlankLine(lastLine + 1) {
            let below = lastLine + 2 < lines.lineCount ? lines.lineStarts[lastLine + 2] : source.count
            return removal(lineStart..<below)
        }
        if blankAbove && next == source.count && lineStart > source.textStart {
            return removal(lines.lineStarts[line - 1]..<next)
        }
        return removal(lineStart..<next)
    }

    /// Whether the unit is all its heading's section holds: the unit right after the
    /// heading, with only white space (or its list marker) between, and the next unit
    /// a heading at the same level or above, or none.
    static func isAloneUnderItsHeading(_ context: LintContext, _ unit: Int) -> Bool {
        let units = context.document.units, source = context.source, lines = source.lines
        guard let heading = units[unit].parentHeading, heading == unit - 1 else { return false }
        let headingEnd = lines.lineContentEnd(lines.line(containing: units[heading].range.upperBound - 1))
        let lineStart = lines.lineStarts[lines.line(containing: units[unit].range.lowerBound)]
        guard headingEnd <= lineStart, isBlank(source, headingEnd..<lineStart), isMarkerOnly(source, lineStart..<units[unit].range.lowerBound) else { return false }
        guard unit + 1 < units.count else { return isBlank(source, units[unit].range.upperBound..<source.count) }
        let next = units[unit + 1]
        guard next.kind == .heading, next.headingLevel <= units[heading].headingLevel else { return false }
        let nextLine = lines.lineStarts[lines.line(containing: next.range.lowerBound)]
        return units[unit].range.upperBound <= nextLine && isBlank(source, units[unit].range.upperBound..<nextLine)
    }

    /// Where a label that only announces what follows ("IMPORTANT!!!", "**Note:**")
    /// starts, when it fills the end of `range` after a list marker.
    static func emphasisLabelStart(_ source: SourceText, _ range: Range<Int>) -> Int? {
        guard range.count <= 40 else { return nil }
        let bytes = source.bytes
        var start = range.lowerBound
        while start < range.upperBound {
            let b = bytes[start]
            if b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "-") || b == UInt8(ascii: "+") || ByteClass.isDigit(b)
                || b == UInt8(ascii: ".") || b == UInt8(ascii: ")") || (b == UInt8(ascii: "*") && start + 1 < range.upperBound && bytes[start + 1] == UInt8(ascii: " ")) {
                start += 1
            } else if b == 0xE2 && start + 2 < range.upperBound && SegmenterState.isBullet(bytes[start + 1], bytes[start + 2]) {
                start += 3
            } else {
                break
            }
        }
        // At most three words, ending in "!" or ":" (marks for bold aside).
        var words = 0, last: UInt8 = 0, previous = UInt8(ascii: " ")
        for b in bytes[start..<range.upperBound] {
            if ByteClass.isAlnum(b) {
                if !ByteClass.isAlnum(previous) { words += 1 }
                last = b
            } else if b == UInt8(ascii: "!") || b == UInt8(ascii: ":") {
                last = b
            } else if !(b == UInt8(ascii: " ") || b == UInt8(ascii: "*") || b == UInt8(ascii: "_")) {
                return nil
            }
            previous = b
        }
        return (1...3).contains(words) && (last == UInt8(ascii: "!") || last == UInt8(ascii: ":")) ? start : nil
    }

    /// Whether the text is only list-marker characters. Read backwards from
    /// its end and stopped at the first other byte: on a long line of
    /// sentences that is the byte before the unit, not the whole line.
    static func isMarkerOnly(_ source: SourceText, _ range: Range<Int>) -> Bool {
        let bytes = source.bytes
        var i = range.upperBound
        while i > range.lowerBound {
            let b = bytes[i - 1]
            if b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "-") || b == UInt8(ascii: "*") || b == UInt8(ascii: "+")
                || ByteClass.isDigit(b) || b == UInt8(ascii: ".") || b == UInt8(ascii: ")") {
                i -= 1
            } else if i - 3 >= range.lowerBound && bytes[i - 3] == 0xE2 && SegmenterState.isBullet(bytes[i - 2], b) {
                i -= 3  // • ● ■ and the other three-byte bullets
            } else {
                return false
            }
        }
        return true
    }

    /// Whether the text is only white space, read forwards and stopped at the
    /// first other character (as above, not the whole rest of a long line).
    static func isBlank(_ source: SourceText, _ range: Range<Int>) -> Bool {
        var iterator = source.bytes[range].makeIterator()
        var decoder = Unicode.UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): if !scalar.properties.isWhitespace { return false }
            case .emptyInput: return true
            case .error: return false  // not text: never removed with the unit
            }
        }
    }
}
