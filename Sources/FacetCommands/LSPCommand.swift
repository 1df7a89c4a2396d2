import ArgumentParser
import FacetServer
import Foundation

struct LSPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lsp",
        abstract: "Run the language server over stdin and stdout (LSP 3.17).",
        discussion: """
        Editors start this command and speak the Language Server Protocol with it. \
        stdout carries only protocol messages; logs go to stderr. Settings come from \
        the editor (see docs/server.md) and from the nearest .facet.toml, which wins.
        """
    )

    @Option(name: .long, help: "Log level on stderr: error, warning, info or debug.")
    var logLevel: String = "warning"

    @Option(name: .long, help: "Write every message received and sent to this file (for debugging a client).")
    var traceFile: String?

    @Option(name: .long, help: "Milliseconds to wait after the last edit before publishing diagnostics (0 publishes at once).")
    var diagnosticsDelay: Int = 100

    @Option(name: .long, help: "The preference index file (default: $FACET_INDEX, the editor's indexPath setting, else ~/.cache/facet/index.sqlite).")
    var index: String?
    @Option(name: .customLong("preview-cache"), help: "The preview cache (default: the editor's preview.cacheFile setting, $FACET_PREVIEW_CACHE, else ~/.cache/facet/previews.sqlite).")
    var previewCache: String?

    @Flag(name: .long, help: "Accepted for clients that pass it; stdio is the only transport.")
    var stdio = false

    @Option(name: .long, help: .hidden)
    var simulateLatency: Int = 0

    func validate() throws {
        guard Logger.Level(name: logLevel) != nil else {
            throw ValidationError("--log-level must be error, warning, info or debug, not '\(logLevel)'")
        }
        guard diagnosticsDelay >= 0 else { throw ValidationError("--diagnostics-delay must be 0 or more") }
    }

    func run() throws {
        var options = ServerOptions()
        options.diagnosticsDelay = diagnosticsDelay
        options.simulatedLatency = simulateLatency
        options.indexPath = index
        options.previewCachePath = previewCache
        let log = Logger(level: Logger.Level(name: logLevel) ?? .warning)
        var trace: TraceFile?
        if let traceFile {
            do { trace = try TraceFile(path: traceFile) } catch {
                throw ValidationError("cannot write the trace file \(traceFile): \(error.localizedDescription)")
            }
        }
        StandardIO.serve(options: options, log: log, trace: trace)
    }
}
