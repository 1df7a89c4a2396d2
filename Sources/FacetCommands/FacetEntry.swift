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
            var command: ParsableCommand
            do { command = try parseAsRoot(arguments) } catch where exitCode(for: error) == .validationFailure {
                let message = dashedPathHint(arguments ?? Array(CommandLine.arguments.dropFirst())) ?? fullMessage(for: error)
                FileHandle.standardError.write(Data((message + "\n").utf8))
                exit(withError: ExitCode(2))
            }
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

    /// Why the command line was refused when it holds a path that starts with "-" and no
    /// "--" before it: ArgumentParser takes the path for an option and says an argument is
    /// missing, or the option unknown. A dashed argument is taken for a path when it names
    /// something on disk or ends like a file Facet reads, so a mistyped option
    /// (`--formt`) still gets ArgumentParser's "unknown option".
    static func dashedPathHint(_ arguments: [String]) -> String? {
        let fileEndings = InputFiles.suffixes + [".jsonl", ".json"]
        guard let path = arguments.prefix(while: { $0 != "--" }).first(where: { argument in
            argument.hasPrefix("-") && argument != "-"
                && (fileEndings.contains { argument.hasSuffix($0) } || FileManager.default.fileExists(atPath: argument))
        }) else { return nil }
        let subcommands = configuration.subcommands.compactMap { $0.configuration.commandName }
        let subcommand = arguments.first.flatMap { subcommands.contains($0) ? $0 : nil } ?? "check"
        return "facet: \(path) looks like an option; put -- before paths that start with \"-\" (facet \(subcommand) -- \(path))"
    }
}
