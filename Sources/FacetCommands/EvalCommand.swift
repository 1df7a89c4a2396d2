import ArgumentParser
import FacetCore
import FacetFiles
import FacetPreview
import Foundation

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Send every case of each system message to one or more endpoints and score the answers with a judge.",
        discussion: """
        Rubrics are derived from the analysis (role, task, format, style, limits, stated \
        preferences) and can be added to or overridden with rubrics: in the front matter or \
        the cases file; see docs/evaluation.md. Files ending in .jsonl or .json are read as \
        Multifaceted Bench rows (system, prompt, rubrics, reference_answer). The judge is \
        --judge, else [judge] endpoint in .facet.toml, else the reference (last) endpoint. \
        With --compare A,B the last endpoint is the reference model; each case's score gap \
        is reported and gaps of [judge] gap or more are flagged. Answers and readable judge \
        replies are cached, so a rerun re-sends only what changed. Exit status: 0 when every \
        answer was judged, 1 when an answer or a judgement failed or the mean is under \
        --fail-under, 2 on a usage or configuration error, 130 when interrupted.
        """
    )

    @Argument(help: "System message files, or Multifaceted Bench JSONL files.")
    var files: [String]
    @OptionGroup var options: EvalOptions
    @Option(name: .customLong("endpoint"), help: "The answering endpoint alone (default: the [preview] compare endpoints if set, else [preview] endpoint, else ollama).")
    var endpoint: String?
    @Option(help: "Exit 1 when an endpoint's mean score is below this (for CI).")
    var failUnder: Double?
    @Option(help: "Only the first N rows of a benchmark file.")
    var limit: Int?
    @Option(help: "text prints scores and a summary; markdown prints the report the editor shows; json prints everything.")
    var format: EvalFormat = .text

    func run() throws {
        let code = EvalRun(files: files, options: options.values, endpoint: endpoint, limit: limit, format: format, skipJudge: false, failUnder: failUnder).execute()
        if code != 0 { throw ExitCode(code) }
    }
}

enum EvalFormat: String, ExpressibleByArgument, CaseIterable { case text, json, markdown }

/// Options shared by `facet eval` and `facet preview --compare`.
struct EvalOptions: ParsableArguments {
    @Option(help: "Endpoints to compare, comma-separated, the reference (strong) model last, e.g. local,openai.")
    var compare: String?
    @Option(help: "The judging endpoint profile (default: [judge] endpoint, else the reference endpoint).")
    var judge: String?
    @Option(help: "Judge samples per answer and rubric (mean and spread are reported).")
    var repeats: Int?
    @Option(help: "Requests in flight at once (default: [judge] concurrency, else 4).")
    var concurrency: Int?
    @Option(help: "Where rubrics come from: templates (derived from the analysis) or judge (written by the judge, templates on failure).")
    var rubrics: String?
    @Option(name: .customLong("case"), help: "Only case N (1-based) of each file.")
    var caseNumber: Int?
    @Flag(name: .customLong("no-cache"), help: "Send everything again instead of reusing cached answers and judgements.")
    var noCache = false
    @Option(name: .customLong("cache-file"), help: "The cache (default: $FACET_PREVIEW_CACHE, else ~/.cache/facet/previews.sqlite).")
    var cacheFile: String?

    var values: EvalRun.Options {
        EvalRun.Options(compare: compare, judge: judge, repeats: repeats, concurrency: concurrency, rubrics: rubrics,
                        caseNumber: caseNumber, noCache: noCache, cacheFile: cacheFile)
    }
}

/// One evaluation from the command line: setup, a progress bar, the report, the exit code.
struct EvalRun {
    /// The values of `EvalOptions` (property wrappers cannot be filled in by hand).
    struct Options {
        var compare: String?
        var judge: String?
        var repeats: Int?
        var concurrency: Int?
        var rubrics: String?
        var caseNumber: Int?
        var noCache = false
        var cacheFile: String?
    }

    var files: [String]
    var options: Options
    var endpoint: String?
    var limit: Int?
    var format: EvalFormat
    /// `facet preview --compare` without a judge shows answers side by side.
    var skipJudge: Bool
    var failUnder: Double?

    func execute() -> Int32 {
        func fail(_ message: String) -> Int32 {
            FileHandle.standardError.write(Data("facet: \(message)\n".utf8))
            return 2
        }
        guard !files.isEmpty else { return fail("give at least one file") }
        // --compare won, and the run the user asked for with --endpoint was silently not the one made.
        if endpoint != nil, options.compare != nil { return fail("--endpoint and --compare cannot go together: --endpoint NAME evaluates one endpoint, --compare A,B compares several") }
        let finder = ConfigurationFinder()
        var settings: PreviewSettings
        switch finder.configuration(besides: files[0]) {
        case .success(let configuration): settings = configuration.preview
        case .failure(let error): return fail(error.description)
        }
        if let repeats = options.repeats {
            guard (1...10).contains(repeats) else { return fail("--repeats takes 1 to 10") }
            settings.judge.repeats = repeats
        }
        if let concurrency = options.concurrency {
            guard (1...64).contains(concurrency) else { return fail("--concurrency takes 1 to 64") }
            settings.judge.concurrency = concurrency
        }
        if let rubrics = options.rubrics {
            guard rubrics == "templates" || rubrics == "judge" else { return fail("--rubrics takes templates or judge") }
            settings.judge.rubricsFromJudge = rubrics == "judge"
        }
        var choices = EvalSetup.Choices()
        choices.endpoint = endpoint
        // --compare, else (unless one --endpoint is named) the configured comparison.
        choices.compare = options.compare.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
            ?? (endpoint == nil && !skipJudge ? settings.compare : [])
        if !choices.compare.isEmpty, choices.compare.count < 2 { return fail("--compare takes two or more endpoint names, e.g. local,openai") }
        choices.judge = options.judge
        choices.skipJudge = skipJudge && options.judge == nil && settings.judge.endpoint == nil
        choices.only = options.caseNumber

        let endpoints: [EvalEndpoint]
        switch EvalSetup.endpoints(settings: settings, choices: choices) {
        case .success(let found): endpoints = found
        case .failure(let error): return fail(error.message)
        }
        let judge: EvalEndpoint?
        switch EvalSetup.judge(settings: settings, choices: choices, endpoints: endpoints) {
        case .success(let found): judge = found
        case .failure(let error): return fail(error.message)
        }
        var subjects: [EvalSubject] = []
        var sources: [SourceText?] = []
        for file in files {
            if file.hasSuffix(".jsonl") || file.hasSuffix(".json") {
                switch EvalSetup.benchSubjects(path: file, limit: limit) {
                case .success(let read):
                    for problem in read.problems { FileHandle.standardError.write(Data("facet: \(problem)\n".utf8)) }
                    subjects += read.subjects
                    sources += read.subjects.map { _ in nil }
                case .failure(let error): return fail(error.message)
                }
                continue
            }
            guard let data = FileManager.default.contents(atPath: file) else { return fail("\(file): cannot read the file") }
            let configuration: FacetConfiguration
            switch finder.configuration(besides: file) {
            case .success(let found): configuration = found
            case .failure(let error): return fail(error.description)
            }
            let text = String(decoding: data, as: UTF8.self)
            switch EvalSetup.subject(text: text, path: file, configuration: configuration, only: options.caseNumber) {
            case .success(let subject):
                // A gate that scores what is left after broken cases were dropped would pass untested.
                if !subject.plan.problems.isEmpty {
                    return fail("\(file): " + subject.plan.problems.joined(separator: "; ") + "; fix these cases: eval sends none while one cannot be read")
                }
                subjects.append(subject)
                sources.append(SourceText(text))
            case .failure(let error): return fail("\(file): \(error.message)")
            }
        }
        guard !subjects.isEmpty else { return fail("nothing to evaluate") }
        var cache: PreviewCache?
        do { cache = try PreviewCache.open(path: PreviewCache.location(explicit: options.cacheFile)) } catch {
            FileHandle.standardError.write(Data("facet: \(error.message); nothing is cached\n".utf8))
        }
        let job = EvalJob(subjects: subjects, endpoints: endpoints, judge: judge, settings: settings.judge, cache: cache, readCache: !options.noCache)
        let bar = EvalProgressBar()
        let result = Interruptible.run { await EvalRunner.run(job) { progress, _ in bar.show(progress) } }
        bar.finish()

        let lines = sources
        let report = EvalReport(result: result, settings: settings.judge, status: result.cancelled ? "cancelled" : "done",
                                lineOf: { subject, offset in lines[subject].map { $0.lines.line(containing: offset) + 1 } })
        switch format {
        case .text: StandardStreams.write(report.text())
        case .markdown: StandardStreams.write(report.markdown())
        case .json:
            struct Output: Encodable {
                var result: EvalResult
                var summary: EvalSummary
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            if let data = try? encoder.encode(Output(result: result, summary: EvalSummary(result, settings: settings.judge))) {
                StandardStreams.write(data + Data("\n".utf8))
            }
        }
        if result.cancelled { return 130 }
        let summary = EvalSummary(result, settings: settings.judge)
        if summary.endpoints.contains(where: { $0.failedCases > 0 || $0.unscored > 0 }) { return 1 }
        if let failUnder, summary.endpoints.contains(where: { $0.mean == nil }) {
            FileHandle.standardError.write(Data("facet: no answer was scored, so there is no mean to compare with --fail-under \(failUnder)\n".utf8))
            return 1
        }
        if let failUnder, summary.endpoints.contains(where: { ($0.mean ?? 0) < failUnder }) {
            FileHandle.standardError.write(Data("facet: a mean score is below --fail-under \(failUnder)\n".utf8))
            return 1
        }
        return 0
    }
}

/// Requests done (sent or cached) of those planned, and what is being done.
final class EvalProgressBar: @unchecked Sendable {
    private let line = ProgressLine(label: "facet eval")

    func show(_ progress: EvalProgress) {
        let fraction = progress.total > 0 ? Double(progress.done) / Double(progress.total) : 0
        line.show(fraction: fraction, detail: "\(progress.done)/\(progress.total) requests  \(progress.message.prefix(60))")
    }

    func finish() { line.finish() }
}
