import ArgumentParser
import FacetCore
import FacetIndex
import Foundation

/// `--index PATH`, shared by the commands that use the preference index.
struct IndexLocationOptions: ParsableArguments {
    @Option(name: .long, help: "The preference index file (default: $FACET_INDEX, else ~/.cache/facet/index.sqlite).")
    var index: String?

    var path: String { IndexLocation.resolve(explicit: index) }

    func open(guardedFromReset: Bool = false) throws -> PreferenceIndex {
        do { return try PreferenceIndex.open(path: path, guardedFromReset: guardedFromReset) } catch {
            FileHandle.standardError.write(Data("facet: \(error.description)\n".utf8))
            throw ExitCode(2)
        }
    }
}

/// `--dimension`, `--limit`, `--format`, shared by `facet suggest` and `facet index search`.
struct PreferenceListOptions: ParsableArguments {
    @Option(name: .long, help: "Only this dimension: style, background_knowledge, informativeness, harmlessness.")
    var dimension: String?
    @Option(name: .long, help: "At most this many preferences.")
    var limit = 10
    @Option(name: .long, help: "text or json.")
    var format: TextOrJSON = .text

    mutating func validate() throws {
        if let name = dimension {
            // Spelled as import takes it ("Style", "background-knowledge"), which was a usage error here.
            guard let known = PreferenceDimension(named: name) else {
                throw ValidationError("--dimension must be one of \(PreferenceDimension.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            dimension = known.rawValue
        }
        guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
    }
}

struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Manage the preference collection index that suggestions come from.",
        discussion: """
        The index starts with Facet's embedded collection; import Multifaceted \
        Collection or Bench files, or your team's own list (docs/preferences.md), \
        to add to it. It is derived data: `facet index reset` deletes it, and it \
        is rebuilt on next use.
        """,
        subcommands: [ImportSubcommand.self, StatsSubcommand.self, SearchSubcommand.self, ResetSubcommand.self]
    )
}

extension IndexCommand {
    struct ImportSubcommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Import collection files (JSON, JSON Lines or YAML).")

        @OptionGroup var location: IndexLocationOptions
        @Flag(name: .long, help: "Stop at the first malformed row instead of skipping it.")
        var strict = false
        @Argument(help: "Files to import, or - for standard input (JSON Lines or a JSON array).")
        var files: [String]

        func run() throws {
            let index = try location.open(guardedFromReset: true)  // until the last file is done, reset leaves the index alone
            var importer = CollectionImporter(index: index)
            importer.strict = strict
            let interrupted = InterruptFlag()
            var failed = false
            for name in files {
                // "-" as for check and suggest: it was looked up as a file and "not found".
                let file = name == "-" ? "/dev/stdin" : name
                guard access(file, R_OK) == 0 else {
                    FileHandle.standardError.write(Data("facet: \(file): cannot read the file: \(String(cString: strerror(errno)))\n".utf8))
                    failed = true
                    continue
                }
                let bar = ProgressBar(label: (file as NSString).lastPathComponent)
                let result = Result { try importer.importFile(file, progress: bar.update, shouldStop: { interrupted.isSet }) }
                bar.finish()
                switch result {
                case .success(let report):
                    show(report, of: file)
                    if !report.problems.isEmpty { failed = failed || strict }
                case .failure(let stopped as ImportReadError):
                    // Reading stopped part way: what was read is imported and shown, and the import fails.
                    show(stopped.report, of: file)
                    FileHandle.standardError.write(Data("facet: \(file): \(stopped.description)\n".utf8))
                    failed = true
                case .failure(let error):
                    FileHandle.standardError.write(Data("facet: \(file): cannot import: \(FileReport.describe(error))\n".utf8))
                    failed = true
                }
                // Checked whatever became of the file: Ctrl-C during a failed read went on to the next one.
                if interrupted.isSet {
                    print("interrupted: the rows imported so far are kept; run the same import again to finish")
                    throw ExitCode(130)
                }
                if case .success(let report) = result, report.stoppedEarly { throw ExitCode(1) }
            }
            if failed { throw ExitCode(1) }
        }

        /// The malformed rows of one file (the first 20) and what its import added.
        private func show(_ report: ImportReport, of file: String) {
            for problem in report.problems.prefix(20) { FileHandle.standardError.write(Data("\(problem)\n".utf8)) }
            if report.problems.count > 20 {
                FileHandle.standardError.write(Data("… and \(report.problems.count - 20) more malformed rows\n".utf8))
            }
            print("\(file): \(report.summary)")
        }
    }

    struct StatsSubcommand: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "stats", abstract: "Show what the index holds.")
        @OptionGroup var location: IndexLocationOptions
        @Option(name: .long, help: "text or json.")
        var format: TextOrJSON = .text

        func run() throws {
            let stats = try location.open().stats()
            if format == .json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(stats), as: UTF8.self))
                return
            }
            print("index: \(stats.path) (\(ByteCountFormatter.string(fromByteCount: Int64(stats.bytesOnDisk), countStyle: .file)))")
            print("preferences: \(stats.preferences) in \(stats.subdimensions) subdimensions")
            for (dimension, count) in stats.preferencesByDimension.sorted(by: { $0.key < $1.key }) { print("  \(dimension): \(count)") }
            print("system messages: \(stats.systemMessages) (\(stats.links) preference links)")
            print("sources: " + stats.sources.sorted { $0.value > $1.value }.map { "\($0.key) (\($0.value))" }.joined(separator: ", "))
        }
    }

    struct SearchSubcommand: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "search", abstract: "Search preferences by words (bm25 ranking).")
        @OptionGroup var location: IndexLocationOptions
        @Argument(help: "Words to look for; searched as plain text.")
        var query: [String]
        @OptionGroup var list: PreferenceListOptions

        func run() throws {
            let index = try location.open()
            let results: [ScoredPreference]
            do { results = try index.search([query.joined(separator: " ")], dimension: list.dimension, limit: list.limit) } catch {
                FileHandle.standardError.write(Data("facet: \(location.path): \(PreferenceIndex.describe(error))\n".utf8))
                throw ExitCode(2)
            }
            PreferenceOutput.print(results.map { ($0.preference, $0.relevance, nil) }, format: list.format)
        }
    }

    struct ResetSubcommand: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "reset", abstract: "Delete the index (it is rebuilt with the embedded collection on next use).")
        @OptionGroup var location: IndexLocationOptions

        func run() throws {
            do { try PreferenceIndex.reset(path: location.path) } catch {
                FileHandle.standardError.write(Data("facet: \(error.description)\n".utf8))
                throw ExitCode(2)
            }
            print("deleted \(location.path)")
        }
    }
}

/// Prints preferences for people or as JSON.
enum PreferenceOutput {
    static func print(_ rows: [(Preference, Double, String?)], format: TextOrJSON) {
        if format == .json {
            var w = JSONWriter()
            w.beginArray()
            for (p, score, reason) in rows {
                w.beginObject()
                w.field("dimension", p.dimension)
                w.field("subdimension", p.subdimension)
                w.field("preference", p.name)
                w.field("description", p.description)
                w.field("source", p.source)
                w.field("count", p.count)
                w.field("score", (score * 1000).rounded() / 1000)
                if let reason { w.field("reason", reason) }
                w.endObject()
            }
            w.endArray()
            Swift.print(w.output)
            return
        }
        if rows.isEmpty { Swift.print("no preferences found") }
        for (p, score, reason) in rows {
            Swift.print("\(p.dimension)/\(p.subdimension): \(p.name)  [\(String(format: "%.2f", score)), \(p.source)]")
            Swift.print("    \(p.description)")
            if let reason, !reason.isEmpty { Swift.print("    why: \(reason)") }
        }
    }
}

/// Import progress: rows, rate and how much of the file is read.
final class ProgressBar {
    private let line: ProgressLine

    init(label: String) { line = ProgressLine(label: label) }

    func update(_ p: ImportProgress) {
        let rate = p.elapsed > 0 ? Double(p.rows) / p.elapsed : 0
        let fraction = p.totalBytes > 0 ? Double(p.bytesRead) / Double(p.totalBytes) : 0
        line.show(fraction: fraction, detail: "\(p.rows) rows  \(Int(rate)) rows/s")
    }

    func finish() { line.finish() }
}
