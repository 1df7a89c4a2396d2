import ArgumentParser
import FacetCore
import FacetFiles
import FacetIndex
import FacetPreview
import Foundation

/// `facet doctor`: what Facet sees (binary, configuration, endpoints, caches,
/// editor set-up), printed so a user can debug a set-up or paste it in a report.
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Show what Facet sees: version, configuration, endpoints, caches and editor set-up.",
        discussion: """
        Endpoints on this machine (localhost, 127.x.x.x, ::1) are asked for their model \
        list (GET BASE/models, 2 s timeout, all at once); remote endpoints only with \
        --all-endpoints. That request carries no text of yours, and the API key, when its \
        variable is set, only as a Bearer header; keys are never printed. \
        Exit status: 0, or 1 when the configuration cannot be read.
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Option(help: "Look for .facet.toml from this folder upward (default: the current folder).")
    var directory: String?
    @Flag(name: .customLong("all-endpoints"), help: "Also contact remote endpoints (default: only those on this machine).")
    var allEndpoints = false
    @Flag(name: .customLong("no-endpoints"), help: "Contact no endpoint.")
    var noEndpoints = false
    @Option(help: "text or json.")
    var format: Format = .text

    /// How long an endpoint has to answer GET /models.
    static let probeTimeout = 2.0

    func validate() throws {
        var isDirectory: ObjCBool = false
        if let directory, !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) || !isDirectory.boolValue {
            throw ValidationError("--directory \(directory) is not a folder")
        }
        if allEndpoints && noEndpoints { throw ValidationError("--all-endpoints and --no-endpoints exclude each other") }
    }

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let report = Self.report(directory: directory, contact: noEndpoints ? .none : allEndpoints ? .all : .local, environment: environment)
        if format == .json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(Self.text(report), terminator: "")
        }
        if report.configuration.error != nil { throw ExitCode(1) }
    }
}

// MARK: - What is reported

extension DoctorCommand {
    enum Contact { case none, local, all }

    struct Report: Encodable {
        var version: String
        var binary: String
        var configuration: ConfigurationReport
        var endpoints: [EndpointReport]
        var index: CacheReport
        var previewCache: CacheReport
        var editors: EditorReport
    }

    struct ConfigurationReport: Encodable {
        var directory: String
        /// The `.facet.toml` that applies; absent when none was found.
        var file: String?
        var error: ConfigurationProblem?
        var defaultEndpoint: String
        var compare: [String]
        var judge: JudgeReport
        /// Names that point at no endpoint profile: previews and evaluations using them fail.
        var warnings: [String]
    }

    struct ConfigurationProblem: Encodable {
        var file: String
        /// Left out when the file as a whole is wrong.
        var line: Int?
        var message: String
    }

    struct JudgeReport: Encodable {
        var endpoint: String?
        var repeats: Int
        var rubrics: String
        var low: Double
        var gap: Double
        var tie: Double
        var drift: Double
        var concurrency: Int
    }

    struct EndpointReport: Encodable {
        var name: String
        var isDefault: Bool
        var baseURL: String
        var model: String
        var apiKeyEnv: String?
        var apiKeySet: Bool
        var local: Bool
        /// answers, refused, timed-out, host-not-found, tls, http-error, failed, invalid-url, not-contacted.
        var status: String
        var detail: String
        var httpStatus: Int?
        var models: Int?
    }

    struct CacheReport: Encodable {
        var path: String
        /// Where the path came from: an environment variable or the user cache.
        var from: String
        var exists: Bool
        var bytes: Int
        var preferences: Int?
        var systemMessages: Int?
        var error: String?
    }

    struct EditorReport: Encodable {
        /// The `facet` found on PATH, which editors start; absent when there is none.
        var facetOnPath: String?
        var facetOnPathIsThisBinary: Bool
        /// The editors/ folder of the source tree this binary was built in, when found.
        var folder: String?
        var setups: [EditorSetup]
    }

    struct EditorSetup: Encodable {
        var editor: String
        var setup: String
    }
}

// MARK: - Gathering

extension DoctorCommand {
    static func report(directory: String?, contact: Contact, environment: [String: String]) -> Report {
        let binary = Bundle.main.executableURL?.resolvingSymlinksInPath().path ?? CommandLine.arguments[0]
        let folder = URL(fileURLWithPath: directory ?? FileManager.default.currentDirectoryPath).standardizedFileURL.path
        let finder = ConfigurationFinder()
        var problem: ConfigurationProblem?
        var settings = PreviewSettings()
        switch finder.configuration(inDirectory: folder) {
        case .success(let configuration): settings = configuration.preview
        case .failure(let error): problem = ConfigurationProblem(file: error.file, line: error.line, message: error.message)
        }
        let judge = settings.judge
        var warnings: [String] = []
        let known = settings.endpoints.keys
        if !known.contains(settings.defaultEndpoint) { warnings.append("[preview] endpoint '\(settings.defaultEndpoint)' is not an endpoint profile") }
        for name in settings.compare where !known.contains(name) { warnings.append("[preview] compare names '\(name)', which is not an endpoint profile") }
        if let name = judge.endpoint, !known.contains(name) { warnings.append("[judge] endpoint '\(name)' is not an endpoint profile") }
        let configuration = ConfigurationReport(
            directory: folder, file: finder.path(forDirectory: folder), error: problem,
            defaultEndpoint: settings.defaultEndpoint, compare: settings.compare,
            judge: JudgeReport(endpoint: judge.endpoint, repeats: judge.repeats, rubrics: judge.rubricsFromJudge ? "judge" : "templates",
                               low: judge.low, gap: judge.gap, tie: judge.tie, drift: judge.drift, concurrency: judge.concurrency),
            warnings: warnings)
        // The default endpoint first, then the others by name.
        let profiles = settings.endpoints.values.sorted {
            ($0.name == settings.defaultEndpoint ? 0 : 1, $0.name) < ($1.name == settings.defaultEndpoint ? 0 : 1, $1.name)
        }
        return Report(
            version: FacetVersion.string, binary: binary, configuration: configuration,
            endpoints: endpoints(profiles, defaultName: settings.defaultEndpoint, contact: contact, environment: environment),
            index: indexReport(environment), previewCache: previewCacheReport(environment),
            editors: editorReport(binary: binary, environment: environment))
    }

    static func endpoints(_ profiles: [EndpointProfile], defaultName: String, contact: Contact, environment: [String: String]) -> [EndpointReport] {
        var reports: [EndpointReport] = []
        var checked: [(index: Int, profile: EndpointProfile, key: String?)] = []
        for profile in profiles {
            let key = profile.apiKeyEnv.flatMap { environment[$0] }.flatMap { $0.isEmpty ? nil : $0 }
            let local = EndpointCheck.isLocal(profile.baseURL)
            reports.append(EndpointReport(
                name: profile.name, isDefault: profile.name == defaultName, baseURL: profile.baseURL, model: profile.model,
                apiKeyEnv: profile.apiKeyEnv, apiKeySet: key != nil, local: local, status: "not-contacted",
                detail: contact == .none ? "not contacted (--no-endpoints)" : "not contacted: remote; --all-endpoints contacts it"))
            // Headers named in header-env go with the check when their variables are set, as with a preview.
            let sent = (try? profile.readingHeaderEnv(from: environment).get()) ?? profile
            if contact == .all || (contact == .local && local) { checked.append((reports.count - 1, sent, key)) }
        }
        let results = EndpointCheck.run(checked.map { ($0.profile, $0.key) }, timeout: probeTimeout)
        for (entry, result) in zip(checked, results) {
            reports[entry.index].status = result.status
            reports[entry.index].detail = result.detail
            reports[entry.index].httpStatus = result.httpStatus
            reports[entry.index].models = result.models
        }
        return reports
    }

    static func indexReport(_ environment: [String: String]) -> CacheReport {
        let path = IndexLocation.resolve(environment: environment)
        let from = (environment["FACET_INDEX"] ?? "").isEmpty ? "user cache" : "$FACET_INDEX"
        var report = CacheReport(path: path, from: from,
                                 exists: FileManager.default.fileExists(atPath: path), bytes: size(path))
        // Opened only when it exists: a doctor should not create the index.
        if report.exists {
            do {
                let stats = try PreferenceIndex.open(path: path).stats()
                report.preferences = stats.preferences
                report.systemMessages = stats.systemMessages
                report.bytes = stats.bytesOnDisk
            } catch {
                report.error = String(describing: error)
            }
        }
        return report
    }

    static func previewCacheReport(_ environment: [String: String]) -> CacheReport {
        let path = PreviewCache.location(environment: environment)
        let from = (environment["FACET_PREVIEW_CACHE"] ?? "").isEmpty ? "user cache" : "$FACET_PREVIEW_CACHE"
        return CacheReport(path: path, from: from, exists: FileManager.default.fileExists(atPath: path), bytes: size(path))
    }

    /// Bytes of an SQLite file with its write-ahead log.
    static func size(_ path: String) -> Int {
        ["", "-wal"].reduce(0) { $0 + ((try? FileManager.default.attributesOfItem(atPath: path + $1)[.size] as? Int) ?? 0) }
    }

    static func editorReport(binary: String, environment: [String: String]) -> EditorReport {
        let onPath = (environment["PATH"] ?? "").split(separator: ":").lazy
            .map { String($0) + "/facet" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
        let same = onPath.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path == binary } ?? false
        // A binary built in a clone sits a few folders below it (.build/<triple>/debug/facet).
        var folder: String?
        var candidate = URL(fileURLWithPath: binary).deletingLastPathComponent()
        for _ in 0..<5 {
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("editors/README.md").path) {
                folder = candidate.appendingPathComponent("editors").path
                break
            }
            candidate.deleteLastPathComponent()
        }
        let editors = folder ?? "/path/to/facet/editors"
        let setups = [
            EditorSetup(editor: "VS Code", setup: "code --install-extension facet-VERSION.vsix, built in \(editors)/vscode (its README.md)"),
            EditorSetup(editor: "Neovim", setup: "vim.opt.runtimepath:append('\(editors)/neovim'); require('facet').setup({})"),
            EditorSetup(editor: "Emacs", setup: "(add-to-list 'load-path \"\(editors)/emacs\") (require 'facet) (add-hook 'facet-mode-hook #'eglot-ensure)"),
            EditorSetup(editor: "Helix", setup: "append \(editors)/helix/languages.toml to ~/.config/helix/languages.toml"),
            EditorSetup(editor: "Kakoune", setup: "source \(editors)/kakoune/facet.kak (and facet-lsp.kak with kakoune-lsp)"),
            EditorSetup(editor: "Sublime Text", setup: "copy \(editors)/sublime/Facet.sublime-syntax to Packages/User and merge LSP.sublime-settings"),
            EditorSetup(editor: "Zed", setup: "needs an extension first: \(editors)/zed/README.md"),
        ]
        return EditorReport(facetOnPath: onPath, facetOnPathIsThisBinary: same, folder: folder, setups: setups)
    }
}

// MARK: - Text

extension DoctorCommand {
    static func text(_ report: Report) -> String {
        var out = "facet \(report.version)\nbinary: \(report.binary)\n"
        let c = report.configuration
        out += "\nconfiguration (searched from \(c.directory))\n"
        if let error = c.error {
            out += "  file: \(error.file) (cannot be used)\n  error: \(error.file):\(error.line.map { "\($0):" } ?? "") \(error.message)\n"
            out += "  (what follows uses the built-in defaults)\n"
        } else {
            out += "  file: " + (c.file.map { "\($0) (read without errors)" } ?? "none found (built-in defaults)") + "\n"
        }
        out += "  default endpoint: \(c.defaultEndpoint)\n"
        out += "  [preview] compare: " + (c.compare.isEmpty ? "not set" : c.compare.joined(separator: ", ")) + "\n"
        let j = c.judge
        out += "  [judge] endpoint \(j.endpoint ?? "not set"), repeats \(j.repeats), rubrics \(j.rubrics), "
        out += "low \(number(j.low)), gap \(number(j.gap)), tie \(number(j.tie)), drift \(number(j.drift)), concurrency \(j.concurrency)\n"
        for warning in c.warnings { out += "  warning: \(warning)\n" }

        out += "\nendpoints (GET BASE/models; remote ones only with --all-endpoints)\n"
        for e in report.endpoints {
            let key: String
            if let variable = e.apiKeyEnv { key = "key from $\(variable) (\(e.apiKeySet ? "set" : "not set"))" } else { key = "no key" }
            out += "  \(e.name)\(e.isDefault ? " (default)" : ""): \(e.baseURL.isEmpty ? "(no base-url)" : e.baseURL), model \(e.model.isEmpty ? "(none)" : e.model), \(key)\n"
            out += "      \(e.detail)\n"
        }

        out += "\ncaches\n"
        out += "  preference index: \(report.index.path) (from \(report.index.from)): \(describe(report.index))\n"
        out += "  preview cache: \(report.previewCache.path) (from \(report.previewCache.from)): \(describe(report.previewCache))\n"

        let editors = report.editors
        out += "\neditors (set-up: editors/README.md)\n"
        if let path = editors.facetOnPath {
            out += "  facet on PATH: \(path)\(editors.facetOnPathIsThisBinary ? " (this binary)" : " (not this binary; editors start that one)")\n"
        } else {
            out += "  facet on PATH: not found; editors need an absolute path, or install it (scripts/install.sh) and add its bin folder to PATH\n"
        }
        if let folder = editors.folder { out += "  configurations: \(folder)\n" }
        for setup in editors.setups { out += "  \(setup.editor): \(setup.setup)\n" }
        return out
    }

    static func describe(_ cache: CacheReport) -> String {
        guard cache.exists else { return "not created yet (made on first use)" }
        var text = ByteCountFormatter.string(fromByteCount: Int64(cache.bytes), countStyle: .file)
        if let preferences = cache.preferences { text += ", \(preferences) preferences, \(cache.systemMessages ?? 0) system messages" }
        if let error = cache.error { text += "; cannot open: \(error)" }
        return text
    }

    static func number(_ x: Double) -> String { String(format: "%g", x) }
}
