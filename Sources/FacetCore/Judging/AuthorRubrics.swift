/// Rubrics written by the author under `rubrics:` in the front matter or the
/// cases file. Each item adds a rubric, or replaces or removes a derived one
/// with the same `id`:
///
/// ```yaml
/// rubrics:
///   - Mentions the order number in the first sentence.      # a criterion, generic descriptions
///   - id: format                                            # replaces the derived format rubric
///     criteria: Is the reply a numbered list of at most five steps?
///     score_descriptions: {"1": ..., "2": ..., "3": ..., "4": ..., "5": ...}
///   - id: style
///     skip: true                                            # no style rubric
/// ```
public struct AuthorRubrics: Sendable, Equatable {
    public var added: [Rubric] = []
    public var skipped: Set<String> = []
    /// Problems, each naming the item; items with problems are left out.
    public var problems: [String] = []

    public init() {}

    /// Reads a `rubrics:` value. `offsets` are where each item starts, for diagnostics on low scores.
    public static func parse(_ value: YAMLValue, offsets: [Int] = []) -> AuthorRubrics {
        var result = AuthorRubrics()
        guard case .array(let items) = value else {
            result.problems.append("rubrics must be a list (one '- ' item per rubric)")
            return result
        }
        for (index, item) in items.enumerated() {
            let number = index + 1
            let sources = offsets.indices.contains(index) ? [offsets[index]..<offsets[index]] : []
            if case .string(let text) = item {
                guard !text.trimmingWhitespaceEdges().isEmpty else { result.problems.append("rubric \(number): the criterion is empty"); continue }
                result.added.append(Rubric(id: "rubric-\(number)", criteria: text, scoreDescriptions: Rubric.genericDescriptions("this criterion"),
                                           origin: .author, sources: sources))
                continue
            }
            guard case .mapping(let fields) = item else {
                result.problems.append("rubric \(number): write a criterion, or a mapping with criteria: and score_descriptions:")
                continue
            }
            let known: Set = ["id", "criteria", "score_descriptions", "skip"]
            if let unknown = fields.keys.sorted().first(where: { !known.contains($0) }) {
                result.problems.append("rubric \(number): unknown key '\(unknown)'; known: id, criteria, score_descriptions, skip")
                continue
            }
            let id = fields["id"]?.stringValue ?? "rubric-\(number)"
            if case .bool(true) = fields["skip"] {
                guard fields["id"] != nil else { result.problems.append("rubric \(number): skip: true needs the id of the rubric to leave out"); continue }
                result.skipped.insert(id)
                continue
            }
            guard let criteria = fields["criteria"]?.stringValue, !criteria.trimmingWhitespaceEdges().isEmpty else {
                result.problems.append("rubric \(number): criteria: takes the question the judge answers")
                continue
            }
            var descriptions = Rubric.genericDescriptions("this criterion")
            if let given = fields["score_descriptions"] {
                guard case .mapping(let scores) = given else {
                    result.problems.append("rubric \(number): score_descriptions takes \"1\" to \"5\" mapped to what each score means")
                    continue
                }
                descriptions = scores.compactMapValues(\.stringValue)
            }
            let rubric = Rubric(id: id, criteria: criteria, scoreDescriptions: descriptions, origin: .author, sources: sources)
            if let problem = rubric.problem { result.problems.append("rubric \(number): \(problem)"); continue }
            result.added.append(rubric)
        }
        return result
    }

    /// The derived rubrics with these changes: same-id rubrics replaced, skipped ones removed, new ones appended.
    public func applied(to derived: [Rubric]) -> [Rubric] {
        var rubrics = derived.filter { !skipped.contains($0.id) }
        for rubric in added {
            if let index = rubrics.firstIndex(where: { $0.id == rubric.id }) {
                var replacement = rubric
                // An override checks the same sentences, so low scores still point at them.
                if replacement.sources.allSatisfy(\.isEmpty) { replacement.sources = rubrics[index].sources + replacement.sources }
                rubrics[index] = replacement
            } else {
                rubrics.append(rubric)
            }
        }
        return rubrics
    }

    /// Both layers: the front matter's, then the cases file's (which wins on the same id).
    public func merged(with later: AuthorRubrics) -> AuthorRubrics {
        var result = self
        let laterIDs = Set(later.added.map(\.id))
        result.added = added.filter { !laterIDs.contains($0.id) } + later.added
        result.skipped.formUnion(later.skipped)
        result.problems += later.problems
        return result
    }
}
