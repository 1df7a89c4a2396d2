import ArgumentParser
import FacetCore
import FacetFiles
import Foundation

/// `facet check`: lint system messages like a compiler.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check system messages and report findings.",
        discussion: """
        PATH may be a file, a directory (searched for *.system.md, *.sysmsg, *.prompt.md, \
        *.system.txt) or - for standard input. Settings come from the nearest .facet.toml \
        above each file, or from --config.
        Exit status: 0 when no finding is an error, 1 when one is, 2 on usage or IO errors.
        """
    )

    @Argument(help: "Files, directories, or - for standard input.")
    var paths: [String]

    @Option(name: .long, help: "Output format: text, json or sarif.")
    var format: OutputFormat = .text

    @Option(name: .long, help: "Use this configuration file instead of searching for .facet.toml.")
    var config: String?

    @Flag(name: .long, help: "Colour the text output even when it is not a terminal.")
    var color = false

    func run() throws {
        let status = try execute(output: { FileHandle.standardOutput.write(Data($0.utf8)) })
        if status != 0 { throw ExitCode(status) }
    }

    /// Runs the check, writing to `output`, and returns the exit status.
    func execute(output: (String) -> Void) throws -> Int32 {
        let inputs: [InputFiles.Input]
        let finder: ConfigurationFinder
        do {
            inputs = try InputFiles.expand(paths)
            finder = try ConfigurationFinder(explicitPath: config)
        } catch let error as InputFiles.UsageError {
            FileHandle.standardError.write(Data("facet: \(error.description)\n".utf8))
            return 2
        } catch let error as ConfigurationFinderError {
            FileHandle.standardError.write(Data("facet: \(error.description)\n".utf8))
            return 2
        }
        let reports = FileReport.analyze(inputs, configurations: finder)
        switch format {
        case .text:
            let colors = Colors(enabled: color || (isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil))
            output(TextReporter.render(reports, colors: colors))
        case .json:
            output(JSONReporter.render(reports))
        case .sarif:
            output(SARIFReporter.render(reports))
        }
        if reports.contains(where: { $0.error != nil }) { return 2 }
        let hasError = reports.contains { $0.analysis?.findings.contains { $0.severity == .error } ?? false }
        return hasError ? 1 : 0
    }
}
