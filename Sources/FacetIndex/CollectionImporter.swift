import FacetCore
import FacetFiles
import Foundation
import Yams

/// A row that could not be imported: file, line and why.
public struct RowProblem: Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String
    public var description: String { "\(file):\(line): \(message)" }
}

public struct ImportProgress: Sendable {
    public var rows: Int
    public var bytesRead: Int
    public var totalBytes: Int
    public var elapsed: TimeInterval
}

public struct ImportReport: Sendable {
    public var rows = 0
    public var preferencesAdded = 0
    public var messagesAdded = 0
    public var problems: [RowProblem] = []
    /// Stopped by the user (Ctrl-C) or by the first bad row under `strict`.
    public var stoppedEarly = false

    /// "2 rows, 1 new preference, 0 new system messages, 1 skipped".
    public var summary: String {
        func counted(_ n: Int, _ noun: String) -> String { n == 1 ? "1 \(noun)" : "\(n) \(noun)s" }
        return "\(counted(rows, "row")), \(counted(preferencesAdded, "new preference")), "
            + "\(counted(messagesAdded, "new system message")), \(problems.count) skipped"
    }
}

/// Imports collection files into the index: Multifaceted Collection rows,
/// Multifaceted Bench rows, and Facet's own preference-list format
/// (docs/preferences.md). Rows stream in; every `batchSize` rows are one
/// transaction, so an interrupted import leaves whole batches and nothing torn.
public struct CollectionImporter {
    public let index: PreferenceIndex
    /// (Each transaction rewrites the pages of the key indexes it touched, which
    /// are spread all over: fewer, larger ones write less.)
    public var batchSize = 10000
    /// Files larger than this are imported in bulk mode: full-text indexes are
    /// rebuilt once at the end instead of row by row.
    public var bulkThreshold = 8 << 20
    public var strict = false
    /// Overrides where the rows say they come from (workspace collections use the file's path,
    /// so the file can be indexed again when it changes).
    public var source: String?

    /// Ids of preferences already in the index, by key, so repeated ones skip a lookup.
    let known = KnownPreferences()

    public init(index: PreferenceIndex) { self.index = index }

    /// One row as written in any of the three formats (unknown fields are ignored).
    struct Row: Decodable, Equatable {
        struct Item: Decodable, Equatable {
            var dimension: String?
            var subdimension: String?
            var preference: String?
            var description: String?
        }
        var preference_set: [Item]?
        var system: String?
        var main_source: String?
        var original_source: String?
        var source: String?
        var dimension: String?
        var subdimension: String?
        var preference: String?
        var description: String?
    }

    /// What a row becomes: preferences (with their index keys), and the system
    /// message that states them, if any.
    struct Parsed: Sendable {
        var preferences: [Preference]
        var message: String?
        var keys: [Int64] = []
        var messageKey: Int64?

        /// Applies a forced source and computes the keys (done on the parsing thread).
        func prepared(source: String?) -> Parsed {
            var copy = self
            if let source { copy.preferences = preferences.map { var p = $0; p.source = source; return p } }
            copy.keys = copy.preferences.map(IndexWriter.key)
            copy.messageKey = message.map(IndexWriter.hash)
            return copy
        }
    }

    static func parse(_ row: Row, defaultSource: String) -> Result<Parsed, RowError> {
        func preference(_ item: Row.Item, source: String) -> Result<Preference, RowError> {
            guard let dimension = item.dimension?.trimmed, !dimension.isEmpty else { return .failure("a preference has no dimension") }
            // Suggestions and coverage know only the four: another name ("styles") would sit in the
            // index unused. "Background Knowledge" and "background-knowledge" are the same one.
            guard let known = PreferenceDimension(named: dimension)?.rawValue else {
                return .failure("'\(dimension)' is not a dimension; use \(PreferenceDimension.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard let name = item.preference?.trimmed, !name.isEmpty else { return .failure("a preference has no preference (name)") }
            guard let description = item.description?.trimmed, !description.isEmpty else { return .failure("preference \"\(name)\" has no description") }
            let subdimension = item.subdimension?.trimmed ?? ""
            return .success(Preference(dimension: known, subdimension: subdimension.isEmpty ? "general" : subdimension.lowercased(),
                                       name: name, description: description, source: source))
        }
        // A row's own source, cleaned as its text is (`trimmed`); an empty one is the file's.
        func rowSource(_ given: String?, default file: String) -> String {
            guard let given = given?.trimmed, !given.isEmpty else { return file }
            return given
        }
        if let set = row.preference_set {
            let source = rowSource(row.original_source ?? row.main_source ?? row.source, default: defaultSource)
            var preferences: [Preference] = []
            for item in set {
                switch preference(item, source: source) {
                case .success(let p): preferences.append(p)
                case .failure(let message): return .failure(message)
                }
            }
            guard !preferences.isEmpty else { return .failure("preference_set is empty") }
            let text = row.system?.trimmed
            return .success(Parsed(preferences: preferences, message: text.flatMap { $0.isEmpty ? nil : $0 }))
        }
        if row.preference != nil || row.dimension != nil || row.description != nil {
            let item = Row.Item(dimension: row.dimension, subdimension: row.subdimension, preference: row.preference, description: row.description)
            return preference(item, source: rowSource(row.source, default: defaultSource)).map { Parsed(preferences: [$0], message: nil) }
        }
        return .failure("not a collection row: expected preference_set (Multifaceted Collection or Bench) or dimension/preference/description")
    }

    /// Imports one file. `progress` is called about five times a second;
    /// `shouldStop` is checked between rows (Ctrl-C).
    public func importFile(_ path: String, progress: (ImportProgress) -> Void = { _ in },
                           shouldStop: () -> Bool = { false }) throws -> ImportReport {
        let name = (path as NSString).lastPathComponent
        let total = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        let started = Date()
        var report = ImportReport()
        var pending: [(line: Int, parsed: Parsed)] = []
        var lastProgress = Date.distantPast
        var bytesRead = 0

        func flush() throws {
            guard !pending.isEmpty else { return }
            let batch = pending
            pending.removeAll(keepingCapacity: true)
            let known = self.known
            let (added, messages) = try index.write { writer -> (Int, Int) in
                var added = 0, messages = 0
                var counts: [Int64: Int] = [:]  // repeated preferences' new mentions, written once per batch
                for (_, parsed) in batch {
                    let ids = try zip(parsed.preferences, parsed.keys).map { preference, key -> (id: Int64, inserted: Bool) in
                        if let id = known.id(key) { return (id, false) }
                        let result = try writer.insertPreference(preference, key: key)
                        known.remember(key, result.id)
                        return result
                    }
                    added += ids.filter(\.inserted).count
                    guard let message = parsed.message else { continue }
                    guard let id = try writer.insertMessage(text: message, source: parsed.preferences[0].source, key: parsed.messageKey) else { continue }
                    messages += 1
                    for preference in ids where try writer.addLink(message: id, preference: preference.id) && !preference.inserted {
                        counts[preference.id, default: 0] += 1
                    }
                }
                for (id, n) in counts { try writer.addToCount(id, n) }
                return (added, messages)
            }
            report.preferencesAdded += added
            report.messagesAdded += messages
        }

        func take(_ line: Int, _ row: Result<Parsed, RowError>) throws -> Bool {
            report.rows += 1
            switch row {
            case .success(let parsed):
                pending.append((line, parsed))
            case .failure(let message):
                report.problems.append(RowProblem(file: path, line: line, message: message.message))
                if strict { report.stoppedEarly = true; return false }
            }
            if pending.count >= batchSize { try flush() }
            if report.rows % 128 == 0, Date().timeIntervalSince(lastProgress) > 0.2 {
                lastProgress = Date()
                progress(ImportProgress(rows: report.rows, bytesRead: bytesRead, totalBytes: total, elapsed: Date().timeIntervalSince(started)))
            }
            if shouldStop() { report.stoppedEarly = true; return false }
            return true
        }

        // In bulk mode the index's lock is held (shared) to the end, so that a process
        // opening the index meanwhile does not take this import for one a crash left.
        let running = total > bulkThreshold ? try index.beginBulkImport() : nil
        defer {
            if let running {
                try? index.finishBulkImport()
                running.release()
            }
        }
        let forced = source
        let parse: @Sendable (Row) -> Result<Parsed, RowError> = { row in
            Self.parse(row, defaultSource: name).map { $0.prepared(source: forced) }
        }
        // In any case, as `.jsonl` is: TEAM.YAML was read as JSON Lines, each line skipped as not JSON.
        if path.lowercased().hasSuffix(".yaml") || path.lowercased().hasSuffix(".yml") {
            for (line, row) in try Self.yamlRows(path) {
                guard try take(line, row.flatMap(parse)) else { break }
            }
        } else {
            let pipeline = try ParsePipeline(path: path, parse: parse)
            defer { pipeline.stop() }
            do {
                reading: while let chunk = try pipeline.next() {
                    bytesRead = chunk.bytesRead
                    for (line, row) in chunk.rows {
                        guard try take(line, row) else { break reading }
                    }
                }
            } catch var stopped as ImportReadError {
                // The rows before it are kept, as after Ctrl-C; what they were and why the rest
                // was not read go with the error, so the import does not look complete.
                try flush()
                stopped.report = report
                throw stopped
            }
        }
        try flush()
        progress(ImportProgress(rows: report.rows, bytesRead: total, totalBytes: total, elapsed: Date().timeIntervalSince(started)))
        return report
    }

    /// Indexes a file again: drops the preferences it brought before, then imports it
    /// (a deleted file only drops them). Used for workspace collections.
    public func reindex(_ path: String) throws -> ImportReport {
        var importer = self
        importer.source = path
        importer.known.forget()  // the removal below may delete preferences it remembers
        try index.write { try $0.removePreferences(source: path) }
        guard FileManager.default.fileExists(atPath: path) else { return ImportReport() }
        return try importer.importFile(path)
    }

    /// A team's YAML list (small files): a list of preferences, or `preferences:` holding one.
    static func yamlRows(_ path: String) throws -> [(Int, Result<Row, RowError>)] {
        // Read as bytes: String(contentsOfFile:) refused a file with a Latin-1 byte with
        // Foundation's "The file isn't in the correct format", naming neither the byte nor the line.
        let source = SourceText(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        if let bad = source.firstInvalidUTF8Offset {
            let hex = String(source.bytes[bad], radix: 16, uppercase: true)
            return [(source.lines.line(containing: bad) + 1, .failure("not UTF-8 text (byte 0x\(hex) at byte offset \(bad)): save the file as UTF-8"))]
        }
        let text = String(decoding: source.bytes[source.textStart...], as: UTF8.self)
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch {
            let (line, detail) = YAMLErrors.describe(error)
            return [(line ?? 1, .failure(RowError("not valid YAML: " + detail)))]
        }
        var items: [Node] = []
        if let sequence = node?.sequence {
            items = Array(sequence)
        } else if let list = node?.mapping?["preferences"]?.sequence {
            items = Array(list)
        } else {
            return [(1, .failure("expected a list of preferences, or a `preferences:` list"))]
        }
        return items.map { item in
            let line = item.mark.map { $0.line } ?? 1
            guard let mapping = item.mapping else { return (line, .failure("a preference must be a mapping with dimension, preference, description")) }
            func field(_ key: String) -> String? { mapping[key]?.string }
            return (line, .success(Row(preference_set: nil, system: nil, main_source: nil, original_source: nil,
                                       source: field("source"), dimension: field("dimension"), subdimension: field("subdimension"),
                                       preference: field("preference"), description: field("description"))))
        }
    }

    static func describe(_ error: Error, row: [UInt8]) -> String {
        switch error as? DecodingError {
        case .dataCorrupted?:
            // A Latin-1 byte in valid JSON was "not valid JSON", which sent people looking for a syntax error.
            if let bad = SourceText(bytes: row).firstInvalidUTF8Offset {
                return "not UTF-8 text (byte 0x\(String(row[bad], radix: 16, uppercase: true)) at byte \(bad) of the row): save the file as UTF-8"
            }
            return "not valid JSON"
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
            // No field named: the row itself is an array, a string or a number.
            if context.codingPath.isEmpty { return "not a JSON object" }
            return "\(context.codingPath.map(\.stringValue).joined(separator: ".")) has the wrong type"
        default: return "not a JSON object"
        }
    }
}

/// Reading a collection file stopped before its end, on a row longer than
/// `RowReader.maximumRowBytes` or a read that failed. The rows before it are
/// imported (`report`); the rest of the file is not read.
public struct ImportReadError: Error, CustomStringConvertible, LocalizedError {
    /// The line reading stopped on.
    public var line: Int
    public var underlying: Error
    /// The rows read before it.
    public var report = ImportReport()

    init(line: Int, underlying: Error) {
        self.line = line
        self.underlying = underlying
    }

    /// Why reading stopped, without the file's name (those who show it name the file).
    public var reason: String {
        if let reason = FileErrorReason.posix(underlying) { return reason }
        let error = underlying as NSError
        if error.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(error.code))) }
        return error.localizedDescription
    }

    public var description: String {
        "reading stopped at line \(line): \(reason); the rows before it are imported, the rest of the file is not"
    }

    public var errorDescription: String? { description }
}

/// Why a row was skipped.
struct RowError: Error, ExpressibleByStringInterpolation {
    var message: String
    init(_ message: String) { self.message = message }
    init(stringLiteral value: String) { message = value }
    init(stringInterpolation: DefaultStringInterpolation) { message = String(stringInterpolation: stringInterpolation) }
}

extension String {
    /// Without leading and trailing ASCII whitespace, and without NUL characters:
    /// SQLite's text, read back, ends at the first NUL, so "has \u0000 nul" came back
    /// as "has ". (Works on UTF-8 bytes: Foundation's `trimmingCharacters` and
    /// Character-wise trimming were most of the import time.)
    var trimmed: String {
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        let bytes = utf8
        if bytes.contains(0) { return String(decoding: bytes.filter { $0 != 0 }, as: UTF8.self).trimmed }
        guard let start = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) }) else { return "" }
        let end = bytes.index(after: last)
        if start == bytes.startIndex && end == bytes.endIndex { return self }
        return String(self[start..<end])
    }
}

/// Preference ids by key, remembered during an import (bounded: forgotten
/// wholesale past `limit`, so memory stays constant on any file).
final class KnownPreferences: @unchecked Sendable {
    private var ids: [Int64: Int64] = [:]
    private let limit = 200_000

    func id(_ key: Int64) -> Int64? { ids[key] }

    func forget() { ids.removeAll() }

    func remember(_ key: Int64, _ id: Int64) {
        if ids.count >= limit { ids.removeAll(keepingCapacity: true) }
        ids[key] = id
    }
}
