import ArgumentParser
import FacetCore
import FacetFiles
import FacetIndex
import Foundation

struct SuggestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suggest",
        abstract: "Suggest preferences a system message leaves out.",
        discussion: """
        Draws on the preference index (the embedded collection plus anything \
        imported with `facet index import`), favouring the preference dimensions \
        (style, background_knowledge, informativeness, harmlessness) the message \
        does not cover yet. If the index cannot be opened, the embedded collection \
        is used and the reason is printed on stderr.
        """
    )

    @Argument(help: "The system message file, or - for standard input.")
    var file: String
    @OptionGroup var location: IndexLocationOptions
    @Option(name: .long, help: "Only this dimension: style, background_knowledge, informativeness, harmlessness.")
    var dimension: String?
    @Option(name: .long, help: "At most this many suggestions.")
    var limit = 8
    @Option(name: .long, help: "text or json.")
    var format: OutputFormat = .text

    func validate() throws {
        if let dimension, PreferenceDimension(rawValue: dimension) == nil {
            throw ValidationError("--dimension must be one of \(PreferenceDimension.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        let input = InputFiles.Input(path: file)
        let bytes: [UInt8]
        do { bytes = try InputFiles.read(input) } catch {
            throw CleanExit.message("facet: \(file): cannot read: \(error.localizedDescription)")
        }
        let directory = input.isStandardInput ? FileManager.default.currentDirectoryPath : (file as NSString).deletingLastPathComponent
        let configuration = (try? ConfigurationFinder().configuration(inDirectory: directory.isEmpty ? "." : directory).get()) ?? .default
        let analysis = Analyzer.analyze(SourceText(bytes: bytes), configuration: configuration)
        var index: PreferenceIndex?
        do { index = try PreferenceIndex.open(path: location.path) } catch {
            FileHandle.standardError.write(Data("facet: \(error.description); using the embedded collection\n".utf8))
        }
        let suggestions = try Suggester.suggest(analysis, index: index, dimension: dimension, limit: limit)
        if format == .text {
            let missing = analysis.profile.missingDimensions.map(\.rawValue)
            print(missing.isEmpty ? "covers all four preference dimensions" : "no preference yet for: " + missing.joined(separator: ", "))
        }
        PreferenceOutput.print(suggestions.map { ($0.preference, $0.score, $0.reason) }, format: format)
    }
}
