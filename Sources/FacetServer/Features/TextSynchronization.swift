import Foundation
import JSONRPC
import LSPTypes

/// `textDocument/didOpen`, `didChange`, `didClose`, `didSave`.
extension LanguageServer {
    func didOpen(_ body: Data) throws(ResponseError) {
        let params = try IncomingMessage.decodeParams(DidOpenTextDocumentParams.self, from: body)
        let item = params.textDocument
        documents[item.uri] = OpenDocument(uri: item.uri, revision: nextRevision, version: item.version, text: item.text)
        nextRevision += 1
        if item.text.utf8.count > options.maxAnalysedBytes {
            reportProblem("\(item.uri) is \(item.text.utf8.count / 1024) KB, over the \(options.maxAnalysedBytes / 1024) KB analysis limit; it is not analysed", type: .warning, once: true)
        }
        scheduleDiagnostics(item.uri, delay: 0)
    }

    func didChange(_ body: Data) throws(ResponseError) {
        let params = try IncomingMessage.decodeParams(DidChangeTextDocumentParams.self, from: body)
        let uri = params.textDocument.uri
        guard var document = documents[uri] else {
            log.warning("ignored didChange for \(uri), which is not open")
            return
        }
        document.apply(params.contentChanges, version: params.textDocument.version, revision: nextRevision, encoding: client.positionEncoding)
        nextRevision += 1
        documents[uri] = document
        scheduleDiagnostics(uri, delay: settings.diagnosticsDelay ?? options.diagnosticsDelay)
    }

    func didClose(_ body: Data) throws(ResponseError) {
        let params = try IncomingMessage.decodeParams(DidCloseTextDocumentParams.self, from: body)
        let uri = params.textDocument.uri
        guard documents.removeValue(forKey: uri) != nil else {
            log.warning("ignored didClose for \(uri), which is not open")
            return
        }
        pendingDiagnostics.removeValue(forKey: uri)?.cancel()
        if shouldPushDiagnostics { notify("textDocument/publishDiagnostics", PublishDiagnosticsParams(uri: uri, version: nil, diagnostics: [])) }
    }

    func didSave(_ body: Data) throws(ResponseError) {
        let params = try IncomingMessage.decodeParams(DidSaveTextDocumentParams.self, from: body)
        guard documents[params.textDocument.uri] != nil else {
            log.warning("ignored didSave for \(params.textDocument.uri), which is not open")
            return
        }
    }
}
