import FacetCore
import Foundation
import LSPTypes

/// A document the client has open: its text and version. Changed only on the
/// server's queue; requests work on an immutable `DocumentSnapshot` of it.
struct OpenDocument: Sendable {
    let uri: DocumentURI
    /// Tells this opening of the document from an earlier one with the same version numbers.
    let openID: Int
    private(set) var version: Int
    private(set) var source: SourceText
    /// Shared by every snapshot of the document, so one analysis per version serves all requests.
    let analyses = AnalysisCache()
    /// Rubrics the last evaluation found not followed, shown as diagnostics until the next one.
    var evalFindings: [EvalFinding] = []

    init(uri: DocumentURI, openID: Int, version: Int, text: String) {
        self.uri = uri
        self.openID = openID
        self.version = version
        self.source = SourceText(text)
        analyses.latestVersion = version
    }

    /// Applies a `didChange` notification's edits in order. (A malformed one, such
    /// as a negative position, fails the notification's decoding, so none applies.)
    /// As LSP says, a character past the end of its line stands for
    /// the line's end, and (as editors' own text models do) a line past the last
    /// for the end of the document; a range given end first is read start first;
    /// a position inside a surrogate pair splits it (`splitPair`).
    mutating func apply(_ changes: [TextDocumentContentChangeEvent], version newVersion: Int, encoding: ColumnEncoding) {
        var bytes = source.bytes
        var current = source
        for change in changes {
            guard let range = change.range else {
                bytes = Array(change.text.utf8)
                current = SourceText(bytes: bytes)
                continue
            }
            if encoding == .utf16 {
                for position in [range.start, range.end] where Self.splitPair(at: position, in: &bytes, current) {
                    current = SourceText(bytes: bytes)
                }
            }
            let mapping = PositionMapping(source: current, encoding: encoding)
            let (a, b) = (mapping.offset(range.start), mapping.offset(range.end))
            bytes.replaceSubrange(min(a, b)..<max(a, b), with: change.text.utf8)
            current = SourceText(bytes: bytes)
        }
        source = current
        version = newVersion
        analyses.latestVersion = newVersion
    }

    /// A position between the two UTF-16 halves of an emoji (a client that
    /// diffs its text by UTF-16 units sends one to change 😀 into 😁) has no
    /// byte offset. The emoji becomes two U+FFFD, one unit each, as a lone
    /// surrogate in JSON does, so the position exists and every column after
    /// it stays the client's. Returns whether `bytes` changed.
    static func splitPair(at position: Position, in bytes: inout [UInt8], _ source: SourceText) -> Bool {
        let mapping = PositionMapping(source: source, encoding: .utf16)
        let offset = mapping.offset(position)
        let landed = mapping.position(offset)
        guard landed.line == position.line, landed.character == position.character - 1,
              offset + 4 <= bytes.count, bytes[offset] & 0xF8 == 0xF0 else { return false }
        bytes.replaceSubrange(offset..<offset + 4, with: [0xEF, 0xBF, 0xBD, 0xEF, 0xBF, 0xBD])
        return true
    }

    /// The file system path of a `file:` URI.
    var path: String? { URL(string: uri).flatMap { $0.isFileURL ? $0.path : nil } }
}

/// The latest analysis of a document, keyed by version and configuration.
final class AnalysisCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entry: (version: Int, configuration: FacetConfiguration, analysis: Analysis)?
    private var _latestVersion = 0
    private var memos: [String: (key: String, value: any Sendable)] = [:]

    /// A value derived from one version of the document (suggestion candidates),
    /// computed once: completion, code actions and hovers on that version share it.
    /// One value is kept per name; `key` says what it was computed from.
    func memo<T: Sendable>(_ name: String, key: String, _ compute: () -> T) -> T {
        lock.lock()
        if let entry = memos[name], entry.key == key, let value = entry.value as? T {
            lock.unlock()
            return value
        }
        lock.unlock()
        let value = compute()
        lock.lock()
        memos[name] = (key, value)
        lock.unlock()
        return value
    }

    /// The document's current version, readable from workers without the server queue.
    var latestVersion: Int {
        get { lock.lock(); defer { lock.unlock() }; return _latestVersion }
        set { lock.lock(); _latestVersion = newValue; lock.unlock() }
    }

    func analysis(version: Int, configuration: FacetConfiguration, compute: () -> Analysis) -> Analysis {
        lock.lock()
        if let entry, entry.version == version, entry.configuration == configuration {
            lock.unlock()
            return entry.analysis
        }
        lock.unlock()
        let analysis = compute()
        lock.lock()
        if entry == nil || entry!.version <= version { entry = (version, configuration, analysis) }
        lock.unlock()
        return analysis
    }
}
