/// What one preview sends: for each case, the conversation and the system
/// message with that case's variables filled in. Pure: the caller reads the
/// cases file, if any, and passes its parsed contents.
public struct PreviewPlan: Sendable {
    public struct Item: Sendable {
        /// 1-based position among the file's cases (0 for the probe).
        public var number: Int
        public var previewCase: PreviewCase
        public var systemMessage: PreviewMessage

        public init(number: Int, previewCase: PreviewCase, systemMessage: PreviewMessage) {
            self.number = number
            self.previewCase = previewCase
            self.systemMessage = systemMessage
        }
    }

    public var items: [Item]
    /// Problems in the cases; cases with problems are left out.
    public var problems: [String]
    /// True when the file has no cases and the probe question is sent instead.
    public var usesProbe: Bool

    public init(items: [Item], problems: [String] = [], usesProbe: Bool = false) {
        self.items = items
        self.problems = problems
        self.usesProbe = usesProbe
    }

    /// Cases from the front matter, then those of the cases file. With
    /// `only`, just that case (1-based); an out-of-range number is an error.
    public static func make(document: Document, casesFile: PreviewCases?, probe: String,
                            only: Int? = nil) -> Result<PreviewPlan, PreviewSettingsError> {
        let fromFrontMatter = PreviewMessage.frontMatterCases(document) ?? PreviewCases()
        var all = fromFrontMatter
        if let casesFile {
            all.cases += casesFile.cases
            all.variables = casesFile.variables
        }
        // Front matter that cannot be read hides any cases it holds: a problem, not "no cases".
        let unreadable = document.frontMatter?.error.map { [$0.message] } ?? []
        let problems = unreadable + fromFrontMatter.problems.map { "front matter: \($0)" } + (casesFile?.problems ?? [])
        // Cases that were written but cannot be read are not a file without cases:
        // sending the probe instead would pass a check that tested nothing the author wrote.
        if all.cases.isEmpty && !problems.isEmpty {
            return .failure(PreviewSettingsError(message: "no case can be sent: " + problems.joined(separator: "; ")))
        }
        var usesProbe = false
        var chosen = Array(all.cases.enumerated()).map { (number: $0.offset + 1, previewCase: $0.element) }
        if let only {
            guard chosen.indices.contains(only - 1) else {
                let count = all.cases.count
                return .failure(PreviewSettingsError(message: count == 0 ? "case \(only) does not exist: the file declares no cases"
                                                     : "case \(only) does not exist: the file declares \(count) case\(count == 1 ? "" : "s")"))
            }
            chosen = [chosen[only - 1]]
        } else if chosen.isEmpty {
            usesProbe = true
            chosen = [(0, PreviewCases.probe(probe))]
        }
        let items = chosen.map { entry in
            let variables = PreviewMessage.variables(document: document, cases: all, previewCase: entry.previewCase)
            return Item(number: entry.number, previewCase: entry.previewCase,
                        systemMessage: PreviewMessage(document: document, variables: variables))
        }
        return .success(PreviewPlan(items: items, problems: problems, usesProbe: usesProbe))
    }
}
