// `initialize` request and `initialized` notification.

public struct InitializeParams: Codable, Sendable {
    public var processId: Int?
    public var rootUri: DocumentURI?
    /// Kept as raw JSON: clients send large, varied capability trees and the
    /// server reads only a few paths from them.
    public var capabilities: JSONValue?
    public var initializationOptions: JSONValue?
    public var trace: String?
    public var workspaceFolders: [WorkspaceFolder]?
    public var clientInfo: ClientInfo?

    public struct ClientInfo: Codable, Sendable {
        public var name: String
        public var version: String?
    }
}

public struct WorkspaceFolder: Codable, Sendable, Hashable {
    public var uri: DocumentURI
    public var name: String
}

public struct InitializeResult: Codable, Sendable {
    public var capabilities: ServerCapabilities
    public var serverInfo: ServerInfo
    public init(capabilities: ServerCapabilities, serverInfo: ServerInfo) {
        self.capabilities = capabilities
        self.serverInfo = serverInfo
    }

    public struct ServerInfo: Codable, Sendable {
        public var name: String
        public var version: String
        public init(name: String, version: String) {
            self.name = name
            self.version = version
        }
    }
}

/// What the server does. Only capabilities Facet really implements are set.
public struct ServerCapabilities: Codable, Sendable {
    public var positionEncoding: String?
    public var textDocumentSync: TextDocumentSyncOptions?
    public var hoverProvider: Bool?
    public var completionProvider: CompletionOptions?
    public var codeActionProvider: CodeActionOptions?
    public var codeLensProvider: CodeLensOptions?
    public var documentSymbolProvider: Bool?
    public var foldingRangeProvider: Bool?
    public var semanticTokensProvider: SemanticTokensOptions?
    public var inlayHintProvider: Bool?
    public var diagnosticProvider: DiagnosticOptions?
    public var executeCommandProvider: ExecuteCommandOptions?
    public init() {}

    public struct TextDocumentSyncOptions: Codable, Sendable {
        public var openClose: Bool
        /// 1 = full text, 2 = incremental.
        public var change: Int
        public var save: SaveOptions?
        public init(openClose: Bool, change: Int, save: SaveOptions?) {
            self.openClose = openClose
            self.change = change
            self.save = save
        }
    }

    public struct SaveOptions: Codable, Sendable {
        public var includeText: Bool
        public init(includeText: Bool) { self.includeText = includeText }
    }

    public struct CompletionOptions: Codable, Sendable {
        public var resolveProvider: Bool
        public var triggerCharacters: [String]?
        public init(resolveProvider: Bool, triggerCharacters: [String]?) {
            self.resolveProvider = resolveProvider
            self.triggerCharacters = triggerCharacters
        }
    }

    public struct CodeActionOptions: Codable, Sendable {
        public var codeActionKinds: [String]
        public init(codeActionKinds: [String]) { self.codeActionKinds = codeActionKinds }
    }

    public struct CodeLensOptions: Codable, Sendable {
        public var resolveProvider: Bool
        public init(resolveProvider: Bool) { self.resolveProvider = resolveProvider }
    }

    public struct SemanticTokensOptions: Codable, Sendable {
        public var legend: SemanticTokensLegend
        public var range: Bool
        public var full: Bool
        public init(legend: SemanticTokensLegend, range: Bool, full: Bool) {
            self.legend = legend
            self.range = range
            self.full = full
        }
    }

    public struct DiagnosticOptions: Codable, Sendable {
        public var identifier: String?
        public var interFileDependencies: Bool
        public var workspaceDiagnostics: Bool
        public init(identifier: String?, interFileDependencies: Bool, workspaceDiagnostics: Bool) {
            self.identifier = identifier
            self.interFileDependencies = interFileDependencies
            self.workspaceDiagnostics = workspaceDiagnostics
        }
    }

    public struct ExecuteCommandOptions: Codable, Sendable {
        public var commands: [String]
        public init(commands: [String]) { self.commands = commands }
    }
}
