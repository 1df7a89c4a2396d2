/// Settings that change the analysis: rule severities, required facets, the
/// token budget. Read from `.facet.toml` (see docs/configuration.md) and, in an
/// editor, from the client's settings, merged over the defaults.
public struct FacetConfiguration: Sendable, Equatable {
    /// Per-rule severity; nil turns the rule off. Rules not listed keep their default.
    public var ruleSeverities: [String: Severity?] = [:]
    /// Facets `missing-facet` asks for.
    public var requiredFacets: [Facet] = [.role, .task]
    /// `missing-facet` stays quiet on messages with fewer prose units than this.
    public var minimumUnitsForMissingFacet = 3
    /// Estimated tokens above which `overlong` reports.
    public var tokenBudget = 4000
    /// Editor setting: show facet labels as inlay hints.
    public var inlayHints = false
    /// Where previews are sent (`[preview]` and `[endpoints.NAME]`); not used by the analysis.
    public var preview = PreviewSettings()

    public static let `default` = FacetConfiguration()

    public init() {}

    public func severity(for rule: LintRule) -> Severity? {
        if let configured = ruleSeverities[rule.id] { return configured }
        return rule.defaultSeverity
    }
}
