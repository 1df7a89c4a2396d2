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
    @OptionGroup var list: PreferenceListOptions

    func run() throws {
        let input = InputFiles.Input(path: file)
        let bytes: [UInt8]
        do { bytes = try InputFiles.read(input) } catch {
            FileHandle.standardError.write(Data("facet: \(file): cannot read: \(FileReport.describe(error))\n".utf8))
            throw ExitCode(2)
        }
        let directory = input.isStandardInput ? FileManager.default.currentDirectoryPath : (file as NSString).deletingLastPathComponent
        let configuration = (try? ConfigurationFinder().configuration(inDirectory: directory).get()) ?? .default
        let analysis = Analyzer.analyze(SourceText(bytes: bytes), configuration: configuration)
        var index: PreferenceIndex?
        do { index = try PreferenceIndex.open(path: location.path) } catch {
            FileHandle.standardError.write(Data("facet: \(error.description); using the embedded collection\n".utf8))
        }
        let suggestions: [Suggestion]
        do {
            suggestions = try Suggester.suggest(analysis, index: index, dimension: list.dimension, limit: list.limit)
        } catch {
            // Opened, but damaged inside (a truncated file): the same fallback as a file that does not open.
            FileHandle.standardError.write(Data("facet: \(location.path): \(PreferenceIndex.describe(error)); using the embedded collection\n".utf8))
            suggestions = try Suggester.suggest(analysis, index: nil, dimension: list.dimension, limit: list.limit)
        }
        if list.format == .text {
            let missing = analysis.profile.missingDimensions.map(\.rawValue)
            print(missing.isEmpty ? "covers all four preference dimensions" : "no preference yet for: " + missing.joined(separator: ", "))
        }
        PreferenceOutput.print(suggestions.map { ($0.preference, $0.score, $0.reason) }, format: list.format)
    }
}
