import FacetCore
import FacetIndex
import Foundation
import JSONRPC
import LSPTypes

/// `workspace/executeCommand`. `facet.showCoverage [uri]` shows how many units
/// state each facet (the code lens runs it).
enum ExecuteCommandFeature {
    static let showCoverage = "facet.showCoverage"
    static let similarMessages = "facet.similarMessages"
    static let commands = [showCoverage, similarMessages, PreviewFeature.command, EvaluateFeature.command]

    /// Imported system messages most like this one, as (text excerpt, source).
    static func similar(_ snapshot: DocumentSnapshot) -> [SimilarMessage] {
        guard let index = snapshot.preferences.index else { return [] }
        return (try? index.similarMessages(SuggestionQuery(snapshot.analysis, maxTerms: 16).terms, limit: 5)) ?? []
    }

    static func coverageSummary(_ snapshot: DocumentSnapshot) -> String {
        let profile = snapshot.analysis.profile
        let parts = Facet.allCases.map { "\($0.rawValue): \(profile.facetUnits[$0]?.count ?? 0)" }
        return "Facet coverage (units per facet): " + parts.joined(separator: ", ")
    }
}

/// The options object after a command's URI, read field by field. A field of the
/// wrong type, or one the command does not know, is refused, naming it: ignored,
/// `{"endpoint": 5}` ran against the default endpoint, and `{"case": "2"}` or the
/// misspelt `{"cases": 2}` sent every case.
struct CommandOptions {
    private let command: String
    private let fields: [String: JSONValue]
    private var problems: [String] = []
    private var known: [String] = []

    /// `arguments[1]`, absent or null for no options.
    init(_ command: String, _ arguments: [JSONValue]?) {
        self.command = command
        let options = arguments.flatMap { $0.count > 1 ? $0[1] : nil } ?? .null
        fields = options.objectValue ?? [:]
        if options != .null && options.objectValue == nil { problems.append("the options after the URI should be an object") }
    }

    mutating func string(_ key: String) -> String? { read(key, "a string") { $0.stringValue } }
    mutating func bool(_ key: String) -> Bool? { read(key, "true or false") { $0.boolValue } }
    mutating func wholeNumber(_ key: String) -> Int? { read(key, "a whole number") { $0.intValue } }
    mutating func strings(_ key: String) -> [String]? {
        read(key, "an array of strings") { value in
            value.arrayValue.flatMap { items in items.allSatisfy { $0.stringValue != nil } ? items.compactMap(\.stringValue) : nil }
        }
    }

    /// Throws InvalidParams naming every field that was of the wrong type or not read.
    func check() throws(ResponseError) {
        var problems = problems
        let unknown = fields.keys.filter { !known.contains($0) }.sorted()
        if !unknown.isEmpty {
            let names = unknown.map { "'\($0)'" }.joined(separator: ", ")
            problems.append("unknown option\(unknown.count == 1 ? "" : "s") \(names) (it takes \(known.joined(separator: ", ")))")
        }
        guard !problems.isEmpty else { return }
        throw ResponseError(.invalidParams, "\(command): " + problems.joined(separator: "; "))
    }

    /// A null field counts as absent.
    private mutating func read<T>(_ key: String, _ expected: String, _ convert: (JSONValue) -> T?) -> T? {
        known.append(key)
        guard let value = fields[key], value != .null else { return nil }
        if let converted = convert(value) { return converted }
        let shown = (try? JSONEncoder().encode(value)).map { String(decoding: $0.prefix(40), as: UTF8.self) } ?? "?"
        problems.append("\(key) should be \(expected), not \(shown)")
        return nil
    }
}

extension LanguageServer {
    func executeCommand(_ id: RequestID, _ body: Data) {
        let params: ExecuteCommandParams
        do { params = try IncomingMessage.decodeParams(ExecuteCommandParams.self, from: body) } catch { return fail(id, error) }
        switch params.command {
        case ExecuteCommandFeature.showCoverage:
            guard let uri = params.arguments?.first?.stringValue, let snapshot = snapshot(uri) else {
                return fail(id, ResponseError(.invalidParams, "\(params.command) takes the URI of an open document"))
            }
            workers.async {
                let summary = ExecuteCommandFeature.coverageSummary(snapshot)
                self.notify("window/showMessage", ShowMessageParams(type: 3, message: summary))
                self.reply(id, JSONValue.string(summary))
            }
        case ExecuteCommandFeature.similarMessages:
            guard let uri = params.arguments?.first?.stringValue, let snapshot = snapshot(uri) else {
                return fail(id, ResponseError(.invalidParams, "\(params.command) takes the URI of an open document"))
            }
            workers.async {
                let similar = ExecuteCommandFeature.similar(snapshot)
                let summary = similar.isEmpty ? "No similar system messages: import a collection with `facet index import`."
                    : "Similar system messages:\n" + similar.map { "- " + $0.text.prefix(160).replacingOccurrences(of: "\n", with: " ") + "… (\($0.source))" }.joined(separator: "\n")
                self.notify("window/showMessage", ShowMessageParams(type: 3, message: summary))
                self.reply(id, JSONValue.array(similar.map { .object(["text": .string($0.text), "source": .string($0.source), "score": .number($0.relevance)]) }))
            }
        case PreviewFeature.command:
            preview(id, params)
        case EvaluateFeature.command:
            evaluate(id, params)
        default:
            fail(id, ResponseError(.invalidParams, "unknown command \(params.command); known: \(ExecuteCommandFeature.commands.joined(separator: ", "))"))
        }
    }
}
