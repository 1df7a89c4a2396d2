import ArgumentParser
import FacetCore
import Foundation

/// The `facet` command line: one subcommand per file in this folder.
public struct FacetEntry: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "facet",
        abstract: "Facet analyses LLM system messages: facets, lint findings and suggestions.",
        version: FacetVersion.string,
        subcommands: [CheckCommand.self, FacetsCommand.self, RulesCommand.self, ScoreFacetsCommand.self, BenchCommand.self, LSPCommand.self, SuggestCommand.self, IndexCommand.self, PreviewCommand.self, EvalCommand.self, TagCommand.self, UntagCommand.self, DoctorCommand.self]
    )

    public init() {}

    /// Parses the arguments and runs the command. A usage error (an unknown
    /// option, a bad value, a failed validation) exits with 2, the code the
    /// README and docs give for it, not ArgumentParser's 64.
    public static func runAndExit(_ arguments: [String]? = nil) -> Never {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            // What `print` wrote sits in stdio's buffer: a full or closed stdout shows only now.
            if fflush(nil) != 0 {
                FileHandle.standardError.write(Data("facet: cannot write the output: \(String(cString: strerror(errno)))\n".utf8))
                exit(withError: ExitCode(2))
            }
        } catch {
            guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            exit(withError: ExitCode(2))
        }
        exit()
    }
}

