import FacetCore
import Foundation
import LSPTypes

/// A document the client has open: its text and version. Changed only on the
/// server's queue; requests work on an immutable `DocumentSnapshot` of it.
struct OpenDocument: Sendable {
    let uri: DocumentURI
    /// The client's version number, sent back with published diagnostics.
    private(set) var version: Int
    /// Tells this text from every other the server has held: it grows with each
    /// didOpen and didChange, of any document. Caches, result ids and staleness
    /// checks go by it, not by `version`, which a client may repeat or lower.
    private(set) var revision: Int
    private(set) var source: SourceText
    /// Shared by every snapshot of the document, so one analysis per revision serves all requests.
    let analyses = AnalysisCache()
    /// Rubrics the last evaluation found not followed, shown as diagnostics until the next one.
    var evalFindings: [EvalFinding] = []

    init(uri: DocumentURI, revision: Int, version: Int, text: String) {
        self.uri = uri
        self.revision = revision
        self.version = version
        self.source = SourceText(text)
        analyses.latestRevision = revision
    }

    /// Applies a `didChange` notification's edits in order. (A malformed one, such
    /// as a negative position, fails the notification's decoding, so none applies.)
    /// As LSP says, a character past the end of its line stands for
    /// the line's end, and (as editors' own text models do) a line past the last
    /// for the end of the document; a range given end first is read start first;
    /// a position inside a surrogate pair splits it (`splitPair`).
    mutating func apply(_ changes: [TextDocumentContentChangeEvent], version newVersion: Int, revision newRevision: Int, encoding: ColumnEncoding) {
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
        revision = newRevision
        analyses.latestRevision = newRevision
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

/// The latest analysis of a document, keyed by revision and configuration.
final class AnalysisCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entry: (revision: Int, configuration: FacetConfiguration, analysis: Analysis)?
    private var _latestRevision = 0
    private var memos: [String: (key: String, value: any Sendable)] = [:]

    /// A value derived from one revision of the document (suggestion candidates),
    /// computed once: completion, code actions and hovers on that revision share it.
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

    /// The document's current revision, readable from workers without the server queue.
    var latestRevision: Int {
        get { lock.lock(); defer { lock.unlock() }; return _latestRevision }
        set { lock.lock(); _latestRevision = newValue; lock.unlock() }
    }

    func analysis(revision: Int, configuration: FacetConfiguration, compute: () -> Analysis) -> Analysis {
        lock.lock()
        if let entry, entry.revision == revision, entry.configuration == configuration {
            lock.unlock()
            return entry.analysis
        }
        lock.unlock()
        let analysis = compute()
        lock.lock()
        if entry == nil || entry!.revision <= revision { entry = (revision, configuration, analysis) }
        lock.unlock()
        return analysis
    }
}
