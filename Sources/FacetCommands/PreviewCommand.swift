import ArgumentParser
import FacetCore
import FacetFiles
import FacetPreview
import Foundation

struct PreviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Send a system message with its test cases to a chat endpoint and stream the answers.",
        discussion: """
        Cases come from `cases:` in the file's front matter and from NAME.cases.yaml \
        beside it (see docs/previews.md); a file without cases sends a probe question. \
        The endpoint is a profile from [endpoints.NAME] in .facet.toml, or a built-in \
        one (ollama, the default; llamacpp, vllm, lmstudio, openai). API keys are read \
        from the environment variable the profile names (api-key-env), never from files. \
        Unchanged cases are answered from the preview cache unless --no-cache is given. \
        Ctrl-C stops the request in flight. Exit status: 0 when every answer finished, \
        1 when one failed or stopped early, 2 on a usage or configuration error, 130 when interrupted.
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Argument(help: "The system message file.")
    var file: String
    @Option(name: .customLong("case"), help: "Send only case N (1-based).")
    var caseNumber: Int?
    @Option(help: "The endpoint profile (default: [preview] endpoint in .facet.toml, else ollama).")
    var endpoint: String?
    @Option(help: "The model, over the profile's.")
    var model: String?
    @Option(name: .customLong("base-url"), help: "The endpoint's base URL, e.g. http://localhost:8080/v1, over the profile's.")
    var baseURL: String?
    @Option(help: "Sampling temperature, over the profile's.")
    var temperature: Double?
    @Option(name: .customLong("max-tokens"), help: "Longest answer in tokens, over the profile's.")
    var maxTokens: Int?
    @Option(help: "Seconds to wait for an answer to start, over the profile's.")
    var timeout: Double?
    @Flag(name: .customLong("no-cache"), help: "Send every case again instead of reusing cached answers.")
    var noCache = false
    @Option(name: .customLong("cache-file"), help: "The preview cache (default: $FACET_PREVIEW_CACHE, else ~/.cache/facet/previews.sqlite).")
    var cacheFile: String?
    @Option(help: "text streams answers as they arrive; json prints one document at the end.")
    var format: Format = .text
    @Option(help: "Preview on two or more endpoints side by side, comma-separated, the reference model last; scored when a judge is given or configured.")
    var compare: String?
    @Option(help: "With --compare: the judging endpoint (default: [judge] endpoint; without either, answers are not scored).")
    var judge: String?

    /// The bounds `.facet.toml` enforces for the same settings.
    func validate() throws {
        if let temperature, !(0...2).contains(temperature) { throw ValidationError("--temperature takes 0 to 2") }
        if let maxTokens, maxTokens < 1 { throw ValidationError("--max-tokens takes 1 or more") }
        if let timeout, !(timeout > 0 && timeout.isFinite) { throw ValidationError("--timeout takes a number of seconds above 0") }
        if let caseNumber, caseNumber < 1 { throw ValidationError("--case takes 1 or more (cases count from 1)") }
        // These change the one endpoint of a preview: a comparison ran without them, as if they had not been given.
        let oneEndpointOnly = [("--endpoint", endpoint != nil), ("--model", model != nil), ("--base-url", baseURL != nil),
                               ("--temperature", temperature != nil), ("--max-tokens", maxTokens != nil), ("--timeout", timeout != nil)]
            .filter(\.1).map(\.0)
        if compare != nil, !oneEndpointOnly.isEmpty {
            throw ValidationError("\(oneEndpointOnly.joined(separator: ", ")) cannot go with --compare: set them in each compared [endpoints.NAME] of .facet.toml")
        }
    }

    func run() throws {
        if compare != nil {
            let options = EvalRun.Options(compare: compare, judge: judge, caseNumber: caseNumber, noCache: noCache, cacheFile: cacheFile)
            let code = EvalRun(files: [file], options: options, endpoint: nil, limit: nil, format: format == .json ? .json : .text,
                               skipJudge: true, failUnder: nil).execute()
            if code != 0 { throw ExitCode(code) }
            return
        }
        if judge != nil {
            FileHandle.standardError.write(Data("facet: --judge goes with --compare; to score one endpoint's answers use facet eval\n".utf8))
            throw ExitCode(2)
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            FileHandle.standardError.write(Data("facet: \(file): cannot read the file\n".utf8))
            throw ExitCode(2)
        }
        let settings: PreviewSettings
        switch ConfigurationFinder().configuration(besides: file) {
        case .success(let configuration): settings = configuration.preview
        case .failure(let error):
            FileHandle.standardError.write(Data("facet: \(error.description)\n".utf8))
            throw ExitCode(2)
        }
        var choices = PreviewSetup.Choices()
        choices.endpoint = endpoint
        choices.only = caseNumber
        choices.readCache = !noCache
        choices.override.model = model
        choices.override.baseURL = baseURL
        choices.override.temperature = temperature
        choices.override.maxTokens = maxTokens
        choices.override.timeout = timeout
        var cache: PreviewCache?
        do { cache = try PreviewCache.open(path: PreviewCache.location(explicit: cacheFile)) } catch {
            FileHandle.standardError.write(Data("facet: \(error.message); previews are not cached\n".utf8))
        }
        let job: PreviewJob
        switch PreviewSetup.job(text: String(decoding: data, as: UTF8.self), path: file, settings: settings, choices: choices, cache: cache) {
        case .success(let made): job = made
        case .failure(let error):
            FileHandle.standardError.write(Data("facet: \(error.message)\n".utf8))
            throw ExitCode(2)
        }
        for problem in job.plan.problems { FileHandle.standardError.write(Data("facet: \(file): \(problem)\n".utf8)) }
        let results = runInterruptibly(job)
        if format == .json { printJSON(job, results) }
        if results.contains(where: { $0.status == .cancelled }) { throw ExitCode(130) }
        if !results.allSatisfy({ $0.status == .done }) { throw ExitCode(1) }
    }

    /// Streams the answers to stdout (text format) as they arrive; Ctrl-C cancels.
    private func runInterruptibly(_ job: PreviewJob) -> [CaseResult] {
        let printer = TextPrinter(enabled: format == .text, plan: job.plan, profile: job.profile)
        return Interruptible.run { await PreviewRunner.run(job) { update, results in printer.show(update, results) } }
    }

    private func printJSON(_ job: PreviewJob, _ results: [CaseResult]) {
        struct Output: Encodable {
            var file: String
            var endpoint: String
            var baseURL: String
            var model: String
            var systemMessage: String
            var cases: [CaseResult]
        }
        let hash = job.plan.items.first.map { PreviewReport.hash($0.systemMessage) } ?? ""
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let output = Output(file: file, endpoint: job.profile.name, baseURL: job.profile.baseURL, model: job.profile.model,
                            systemMessage: hash, cases: results)
        if let data = try? encoder.encode(output) {
            StandardStreams.write(data + Data("\n".utf8))
        }
    }
}

/// Writes answers to stdout as they arrive: a header per case, the text
/// unbuffered, then a line of facts.
private struct TextPrinter: Sendable {
    var enabled: Bool
    var plan: PreviewPlan
    var profile: EndpointProfile

    func show(_ update: PreviewUpdate, _ results: [CaseResult]) {
        guard enabled else { return }
        switch update {
        case .caseStarted(let index):
            write(header(index))
        case .answerStarted(let index):
            let answer = results[index].answers.last!
            if results[index].answers.count > 1 { write("\n\n") }
            if case .user(let text) = plan.items[index].previewCase.turns[answer.turn] {
                write(PreviewReport.quoted(text) + "\n")
            }
        case .text(_, let text):
            write(text)
        case .caseSkipped(let index):
            // Said, so that a run stopped by its first case does not look like a file of one case.
            write(header(index) + "[\(results[index].answers.first?.error ?? "not sent")]\n\n")
        case .retrying(_, let status, let seconds):
            FileHandle.standardError.write(Data("facet: HTTP \(status); retrying in \(String(format: "%.1f", seconds)) s\n".utf8))
        case .caseFinished(let index):
            let result = results[index]
            if result.cached {
                write(header(index))
                for answer in result.answers {
                    if case .user(let text) = plan.items[index].previewCase.turns[answer.turn] { write(PreviewReport.quoted(text) + "\n") }
                    write(answer.text + "\n")
                }
                write("[cached]\n\n")
                return
            }
            let facts = result.answers.map { answer in
                (answer.error ?? answer.finishReason ?? "done") + String(format: " · %.2f s", answer.seconds)
            }
            write("\n[\(facts.joined(separator: " | "))]\n\n")
        }
    }

    private func header(_ index: Int) -> String {
        let item = plan.items[index]
        let title = item.number == 0 ? "probe" : PreviewReport.caseTitle(item)
        return "── \(title) · \(profile.name) · \(profile.model) ──\n"
    }

    /// On a terminal, an answer's control characters are shown as "�": a model
    /// (or whatever answers at the endpoint) must not drive the terminal.
    private func write(_ text: String) {
        StandardStreams.write(Self.toTerminal ? TerminalText.safe(text, keepingLineBreaks: true) : text)
    }

    private static let toTerminal = isatty(STDOUT_FILENO) == 1
}
