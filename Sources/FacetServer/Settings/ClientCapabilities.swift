import FacetCore
import JSONRPC

/// The few client capabilities Facet acts on, read from the raw capability tree.
struct ClientCapabilities: Sendable {
    let raw: JSONValue?

    init(_ raw: JSONValue?) { self.raw = raw }

    /// UTF-8 when the client offers it (no conversion needed), else LSP's default UTF-16.
    var positionEncoding: ColumnEncoding {
        let offered = raw?[path: "general.positionEncodings"]?.arrayValue?.compactMap(\.stringValue) ?? []
        return offered.contains("utf-8") ? .utf8 : .utf16
    }

    var supportsConfigurationRequest: Bool { raw?[path: "workspace.configuration"]?.boolValue == true }

    /// Clients that pull diagnostics (`textDocument/diagnostic`) are not also pushed to, to avoid duplicates.
    var supportsPullDiagnostics: Bool { raw?[path: "textDocument.diagnostic"] != nil }

    /// Hovers are Markdown unless the client lists only other formats.
    var acceptsMarkdownHover: Bool { acceptsMarkdown("textDocument.hover.contentFormat") }

    /// So is the documentation of completion items.
    var acceptsMarkdownCompletionDocumentation: Bool { acceptsMarkdown("textDocument.completion.completionItem.documentationFormat") }

    private func acceptsMarkdown(_ formatsPath: String) -> Bool {
        let formats = raw?[path: formatsPath]?.arrayValue?.compactMap(\.stringValue) ?? []
        return formats.isEmpty || formats.contains("markdown")
    }

    var canRefreshDiagnostics: Bool { raw?[path: "workspace.diagnostics.refreshSupport"]?.boolValue == true }
    var canRefreshInlayHints: Bool { raw?[path: "workspace.inlayHint.refreshSupport"]?.boolValue == true }
    var canRefreshCodeLenses: Bool { raw?[path: "workspace.codeLens.refreshSupport"]?.boolValue == true }

    var canRegisterFileWatchers: Bool {
        raw?[path: "workspace.didChangeWatchedFiles.dynamicRegistration"]?.boolValue == true
    }

    var supportsWorkDoneProgress: Bool { raw?[path: "window.workDoneProgress"]?.boolValue == true }

    var canShowDocument: Bool { raw?[path: "window.showDocument.support"]?.boolValue == true }
}
