import ArgumentParser
import FacetCore

/// The `facet` command line: one subcommand per file in this folder.
public struct FacetEntry: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "facet",
        abstract: "Facet analyses LLM system messages: facets, lint findings and suggestions.",
        version: FacetVersion.string,
        subcommands: [CheckCommand.self, FacetsCommand.self, RulesCommand.self, ScoreFacetsCommand.self, BenchCommand.self, LSPCommand.self, SuggestCommand.self, IndexCommand.self, PreviewCommand.self, EvalCommand.self, TagCommand.self, UntagCommand.self, DoctorCommand.self]
    )

    public init() {}
}

