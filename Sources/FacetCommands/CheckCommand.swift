import ArgumentParser
import FacetCore
import FacetFiles
import FacetIndex
import Foundation

/// `facet check`: lint system messages like a compiler.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check system messages and report findings.",
        discussion: """
        PATH may be a file, a directory (searched for *.system.md, *.sysmsg, *.prompt.md, \
        *.system.txt; name other files, such as plain .md prompts, directly) or - for \
        standard input. Settings come from the nearest .facet.toml \
        above each file, or from --config. A .jsonl or .json file is a chat dataset: the \
        system message of every row (OpenAI `messages`, ShareGPT `conversations`, or a \
        Multifaceted Collection `system`) is checked on all cores, each finding named by its \
        row, followed by coverage, finding, duplicate and length statistics (see docs/datasets.md).
        Put -- before paths that start with "-" (facet check -- -draft.system.md).
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

    @Flag(name: .customLong("summary-only"), help: "Datasets: print only the statistics, not a line per finding.")
    var summaryOnly = false

    @Option(name: .long, help: "Datasets: also write a Markdown report with charts to this file, a section per dataset.")
    var report: String?

    @Option(name: .long, help: "Datasets: also write an SVG chart of facet coverage to this file, a panel per dataset.")
    var chart: String?

    func run() throws {
        let status = try execute(output: { StandardStreams.write($0) })
        if status != 0 { throw ExitCode(status) }
    }

    /// Runs the check, writing to `output`, and returns the exit status.
    func execute(output: (String) -> Void) throws -> Int32 {
        let named = paths.filter(DatasetCheck.isDataset)
        if !named.isEmpty {
            guard named.count == paths.count else {
                FileHandle.standardError.write(Data("facet: check datasets (.jsonl, .json) and system message files in separate runs\n".utf8))
                return 2
            }
            // Each dataset once, as each file is: named again, or by a link, it keeps its first place only.
            let datasets = InputFiles.eachFileOnce(named)
            // Before any dataset is read: a report or chart named like one of them would overwrite it.
            for output in [report, chart].compactMap({ $0 }) where datasets.contains(where: { OutputFile.isSame(output, $0) }) {
                FileHandle.standardError.write(Data("facet: \(output) is one of the datasets; write the report and chart to other files\n".utf8))
                return 2
            }
            if let report, let chart, OutputFile.isSame(report, chart) {
                FileHandle.standardError.write(Data("facet: --report and --chart name the same file\n".utf8))
                return 2
            }
            guard format != .sarif else {
                FileHandle.standardError.write(Data("facet: datasets are reported as text or json, not sarif\n".utf8))
                return 2
            }
            guard format != .json || datasets.count == 1 else {
                FileHandle.standardError.write(Data("facet: --format json reports one dataset per run (one JSON document); check the others in runs of their own\n".utf8))
                return 2
            }
            // One finder for all datasets: a --config pipe can be read only once.
            let configurations: ConfigurationFinder
            do { configurations = try ConfigurationFinder(explicitPath: config) } catch {
                FileHandle.standardError.write(Data("facet: --config \(error.description)\n".utf8))
                return 2
            }
            // Nor the settings in use, named by --config or found beside a dataset.
            let settingsFiles = datasets.compactMap { configurations.path(forDirectory: ($0 as NSString).deletingLastPathComponent) }
            for output in [report, chart].compactMap({ $0 }) {
                guard let settings = settingsFiles.first(where: { OutputFile.isSame(output, $0) }) else { continue }
                FileHandle.standardError.write(Data("facet: \(output) is the configuration file in use (\(settings)); write the report and chart to other files\n".utf8))
                return 2
            }
            var status: Int32 = 0
            var checked: [CheckedDataset] = []
            for dataset in datasets {
                let (datasetStatus, result) = checkDataset(dataset, configurations: configurations, output: output)
                status = max(status, datasetStatus)
                if let result { checked.append(result) }
            }
            // One report and one chart for the whole run, a section or panel per dataset checked,
            // in the order given: written per dataset, each file kept only the last. None checked: none written.
            guard !checked.isEmpty else { return status }
            var written = true
            if let report {
                written = OutputFile.write(checked.map { DatasetReport.markdown($0.summary, file: $0.file, seconds: $0.seconds) }.joined(separator: "\n"), to: report)
            }
            if let chart {
                written = OutputFile.write(DatasetReport.svg(checked.map { ($0.file, $0.summary) }), to: chart) && written
            }
            return written ? status : 2
        }
        // Silently ignored, they looked like a report written and a check that passed.
        let datasetOptions = [report.map { _ in "--report" }, chart.map { _ in "--chart" }, summaryOnly ? "--summary-only" : nil].compactMap { $0 }
        guard datasetOptions.isEmpty else {
            let named = datasetOptions.joined(separator: ", ")
            FileHandle.standardError.write(Data("facet: \(named) apply to datasets (.jsonl, .json files) only; none is among the paths\n".utf8))
            return 2
        }
        let inputs: [InputFiles.Input]
        let finder: ConfigurationFinder
        var foldersWithNone: [String] = []
        do {
            inputs = try InputFiles.expand(paths, foldersWithNone: &foldersWithNone)
            finder = try ConfigurationFinder(explicitPath: config)
        } catch let error as InputFiles.UsageError {
            FileHandle.standardError.write(Data("facet: \(error.description)\n".utf8))
            return 2
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("facet: --config \(error.description)\n".utf8))
            return 2
        }
        // Prompts are often plain `.md` files: checking none of them must not pass in silence.
        let patterns = InputFiles.suffixes.map { "*" + $0 }
        let searchedFor = patterns.dropLast().joined(separator: ", ") + " or " + patterns.last!
        for folder in foldersWithNone {
            let example = (folder.hasSuffix("/") ? folder : folder + "/") + "*.md"
            FileHandle.standardError.write(Data("facet: warning: \(folder) holds no file named \(searchedFor); name other files directly (facet check \(example))\n".utf8))
        }
        let reporter: any CheckReporter
        switch format {
        case .text: reporter = TextReporter(colors: Colors.forStandardOutput(forced: color))
        case .json: reporter = JSONReporter()
        case .sarif: reporter = SARIFReporter(currentDirectory: FileManager.default.currentDirectoryPath)
        }
        let header = reporter.header()
        if !header.isEmpty { output(header) }
        let totals = FileReport.check(inputs, configurations: finder, reporter: reporter, write: output)
        output(reporter.footer(totals))
        return totals.exitStatus
    }

    /// A dataset read to its end, for the report and the chart.
    struct CheckedDataset {
        var file: String
        var summary: DatasetSummary
        var seconds: Double
    }

    /// One dataset: rows as they are checked, then the statistics. Returns the exit
    /// status and, when the dataset was read to its end, what the report and chart show.
    private func checkDataset(_ path: String, configurations: ConfigurationFinder, output: (String) -> Void) -> (Int32, CheckedDataset?) {
        let configuration: FacetConfiguration
        switch configurations.configuration(besides: path) {
        case .success(let found): configuration = found
        case .failure(let error):
            FileHandle.standardError.write(Data("facet: \(error.description)\n".utf8))
            return (2, nil)
        }
        // Opened before anything is written, so a file that cannot be read leaves no half a JSON document.
        let reader: RowReader
        do { reader = try RowReader(path: path) } catch {
            FileHandle.standardError.write(Data("facet: \(path): cannot read the file: \(FileReport.describe(error))\n".utf8))
            return (2, nil)
        }
        let colors = Colors.forStandardOutput(forced: color)
        let threads = ProcessInfo.processInfo.activeProcessorCount
        let bar = DatasetProgressBar()
        var first = true
        if format == .json { output("{\"file\":" + String(decoding: JSONString.escape(path).quoted, as: UTF8.self) + ",\"rows\":[") }
        let started = DispatchTime.now().uptimeNanoseconds
        let summary: DatasetSummary
        do {
            summary = try DatasetCheck.run(path: path, reader: reader, configuration: configuration, threads: threads, onRows: { results in
                guard !summaryOnly else { return }
                switch format {
                case .json: output(DatasetReport.jsonRows(results, first: &first))
                default: output(DatasetReport.rowLines(results, file: path, colors: colors))
                }
            }, progress: bar.show)
        } catch {
            bar.finish()
            FileHandle.standardError.write(Data("facet: \(path): cannot read the file: \(FileReport.describe(error))\n".utf8))
            return (2, nil)
        }
        bar.finish()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        switch format {
        case .json: output(DatasetReport.jsonEnd(summary, seconds: seconds))
        default: output(DatasetReport.text(summary, file: path, seconds: seconds, threads: threads))
        }
        return (summary.errors > 0 ? 1 : 0, CheckedDataset(file: path, summary: summary, seconds: seconds))
    }
}

/// Rows checked, their rate, and how much of the file is read.
final class DatasetProgressBar {
    private let line = ProgressLine(label: "facet check")

    func show(_ p: DatasetCheck.Progress) {
        let rate = p.elapsed > 0 ? Double(p.rows) / p.elapsed : 0
        line.show(fraction: p.totalBytes > 0 ? Double(p.bytesRead) / Double(p.totalBytes) : 0, detail: "\(p.rows) rows  \(Int(rate)) rows/s")
    }

    func finish() { line.finish() }
}
