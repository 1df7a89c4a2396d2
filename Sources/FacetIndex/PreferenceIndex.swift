import FacetCore
import Foundation
import GRDB
import GRDBSQLite

/// Why the index could not be used, for people: which file and what to do.
public struct IndexError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var message: String
    public var description: String { "preference index \(path): \(message)" }
}

/// Counts for `facet index stats`.
public struct IndexStats: Sendable, Codable {
    public var path: String
    public var bytesOnDisk: Int
    public var preferences: Int
    public var preferencesByDimension: [String: Int]
    public var subdimensions: Int
    public var systemMessages: Int
    public var links: Int
    public var sources: [String: Int]
}

/// A system message from an imported collection that resembles the current one.
public struct SimilarMessage: Sendable, Codable, Hashable {
    public var text: String
    public var source: String
    public var relevance: Double
}

/// The preference collection index: SQLite through GRDB, in WAL mode, FTS5
/// with bm25 ranking. Derived state: deleting the file loses nothing that
/// cannot be rebuilt. On first use it holds the embedded default collection.
public final class PreferenceIndex: Sendable {
    public let path: String
    let database: DatabasePool
    /// Held (shared) for as long as an import or a language server uses the index, so `reset` does not delete it meanwhile.
    private let resetGuard: IndexLock?

    private init(path: String, database: DatabasePool, resetGuard: IndexLock? = nil) {
        self.path = path
        self.database = database
        self.resetGuard = resetGuard
    }

    /// Opens (creating if needed) the index at `path`, upgrades its tables and
    /// loads the embedded collection if the index lacks this version of it.
    /// `guardedFromReset` keeps the index's lock (shared) until the index is released:
    /// `facet index reset` refuses to delete it while an import, or a language
    /// server that imports workspace collections, may write to it.
    public static func open(path: String, guardedFromReset: Bool = false) throws(IndexError) -> PreferenceIndex {
        // A folder ("." or "dir/") is not a file name; NSString's path functions trap on ".".
        var isFolder: ObjCBool = false
        if path.isEmpty || path.hasSuffix("/") || FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue {
            throw IndexError(path: path, message: "is a folder, not an index file; give a file path such as \(path.isEmpty ? "." : path.hasSuffix("/") ? String(path.dropLast()) : path)/index.sqlite")
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw IndexError(path: path, message: "cannot create the folder \(directory): \(error.localizedDescription)")
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(writeWait)  // another process writing: wait a little, then report
        configuration.label = "facet-index"
        configuration.prepareDatabase { db in
            // WAL with NORMAL sync stays consistent on a crash (only the last commits may be lost);
            // the index is derived data, so that is the right trade for import speed.
            try db.execute(sql: "PRAGMA page_size = 16384; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -8000; PRAGMA wal_autocheckpoint = 5000")
        }
        // One process at a time creates, upgrades and fills the index: an editor's
        // server and a command started together both created its tables (and the
        // check below would see one half made).
        let lockPath = path + "-lock"
        let lockExisted = FileManager.default.fileExists(atPath: lockPath)
        let lock = IndexLock(lockPath)
        let alone = lock.waitToOpen()
        var keepLock = false
        defer { if !keepLock { lock.release() } }
        // Another program's database is recognised before it is opened for writing,
        // which would switch it to WAL: "left untouched" must be true. One that
        // cannot be read now (busy) is not opened for writing either.
        if isSQLiteFile(path) {
            var refusal: String?
            switch readOnlyKind(path) {
            case .success(.foreign):
                refusal = "is an SQLite database that is not a Facet index; it was left untouched; choose another file with --index or FACET_INDEX"
            case .failure(let error) where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED:
                refusal = explain(error)
            default:
                break
            }
            if let refusal {
                if !lockExisted { try? FileManager.default.removeItem(atPath: lockPath) }  // nothing of ours stays beside it
                throw IndexError(path: path, message: refusal)
            }
        }
        do {
            var database = try DatabasePool(path: path, configuration: configuration)
            switch try database.read(IndexSchema.kind) {
            case .empty, .current:
                break
            case .otherVersion:
                // Written by another version of Facet: the index is derived data, so start it again.
                try database.close()
                try removeFiles(path, keepingLock: true)  // held: another opener must wait on this lock file, not make a new one
                database = try DatabasePool(path: path, configuration: configuration)
            case .foreign:
                throw IndexError(path: path, message: "is an SQLite database that is not a Facet index; it was left untouched; choose another file with --index or FACET_INDEX")
            }
            try IndexSchema.migrator.migrate(database)
            let index = PreferenceIndex(path: path, database: database, resetGuard: guardedFromReset ? lock : nil)
            // A bulk import cut short by a crash: bring the text search up to date. Only
            // alone: beside another process the import may still be running, and finishing
            // it there ended its bulk mode and held the write lock for seconds, so its
            // next batch failed as locked.
            if alone { try index.finishBulkImport() }
            try index.loadEmbeddedCollectionIfNeeded()
            if guardedFromReset {
                // Made and filled: others may open it beside the import, but reset may not delete it.
                lock.share()
                keepLock = true
            }
            return index
        } catch let error as IndexError {
            throw error
        } catch let error as DatabaseError {
            throw IndexError(path: path, message: Self.explain(error))
        } catch {
            throw IndexError(path: path, message: String(describing: error))
        }
    }

    /// What went wrong with the index, for a person: SQLite's codes explained.
    public static func describe(_ error: Error) -> String {
        if let error = error as? DatabaseError { return explain(error) }
        if let error = error as? IndexError { return error.message }
        if error is RowDecodingError {
            return "the index is damaged (a value of the wrong kind where text or a number belongs); `facet index reset` deletes it and Facet rebuilds it"
        }
        return String(describing: error)
    }

    static func explain(_ error: DatabaseError) -> String {
        switch error.resultCode {
        case .SQLITE_CORRUPT:
            return "the index is damaged; `facet index reset` deletes it and Facet rebuilds it"
        case .SQLITE_NOTADB:
            return "the file is not an SQLite database, so not an index (another kind of file, or one damaged past reading); choose another file with --index or FACET_INDEX, or delete it yourself and Facet rebuilds it"
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return "the index is locked by another process; try again when it is done"
        case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM:
            return "cannot write the index file or its folder (\(error.message ?? "permission denied")); choose another place with --index or FACET_INDEX"
        default:
            return error.message ?? String(describing: error)
        }
    }

    /// Removes the index files (the database and its WAL companions), only when
    /// the path holds a Facet index (or a file too damaged to tell): `--index`
    /// or FACET_INDEX pointing at a folder or another file must not delete it.
    /// Nothing is deleted while another process opens the index or imports into it.
    public static func reset(path: String) throws(IndexError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return try removeFilesUnlessInUse(path) }
        if isDirectory.boolValue { throw IndexError(path: path, message: "is a folder, not an index file; nothing was deleted") }
        guard (try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeRegular else {
            throw IndexError(path: path, message: "is not a regular file, so not an index; nothing was deleted")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw IndexError(path: path, message: "cannot be read; nothing was deleted") }
        let header = (try? handle.read(upToCount: sqliteHeader.count)) ?? Data()
        try? handle.close()
        let isSQLite = header.elementsEqual(sqliteHeader)
        if !header.isEmpty && !isSQLite {
            throw IndexError(path: path, message: "is not an SQLite database, so not a Facet index; nothing was deleted (delete it yourself if you mean to)")
        }
        if isSQLite {
            switch readOnlyKind(path) {
            case .success(.foreign):
                throw IndexError(path: path, message: "is an SQLite database that is not a Facet index; nothing was deleted")
            case .failure(let error) where error.resultCode != .SQLITE_CORRUPT && error.resultCode != .SQLITE_NOTADB:
                // Busy or locked: another program may own it. Only a Facet index, or one
                // SQLite calls damaged, is deleted.
                throw IndexError(path: path, message: "\(explain(error)); nothing was deleted")
            default:
                break
            }
        }
        try removeFilesUnlessInUse(path)  // a Facet index, or one too corrupt to read its tables
    }

    /// Deletes the index files under the index's lock, taken without waiting: a
    /// process holding it is creating, upgrading or importing into the index.
    private static func removeFilesUnlessInUse(_ path: String) throws(IndexError) {
        let lock = IndexLock(path + "-lock")
        defer { lock.release() }
        guard lock.take(LOCK_EX) else {
            throw IndexError(path: path, message: "another process is opening the index, importing into it or serving an editor from it; nothing was deleted; try again when the import is done or the editor is closed")
        }
        try removeFiles(path)  // the lock file last, so a process that comes meanwhile waits on it
    }

    /// What the database at `path` holds, read without writing anything.
    static func readOnlyKind(_ path: String) -> Result<IndexSchema.FileKind, DatabaseError> {
        do { return .success(try DatabaseQueue(path: path, configuration: readOnly).read(IndexSchema.kind)) } catch let error as DatabaseError {
            return .failure(error)
        } catch {
            return .failure(DatabaseError(resultCode: .SQLITE_ERROR, message: "\(error)"))
        }
    }

    /// Whether the path is a regular file that starts with SQLite's header
    /// (a FIFO is never opened: reading it would wait forever).
    static func isSQLiteFile(_ path: String) -> Bool {
        guard (try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeRegular,
              let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        return ((try? handle.read(upToCount: sqliteHeader.count)) ?? Data()).elementsEqual(sqliteHeader)
    }

    /// The first bytes of every SQLite database file.
    static let sqliteHeader = Array("SQLite format 3\0".utf8)

    /// Opening another program's database must not change it (not even its journal mode).
    private static var readOnly: Configuration {
        var configuration = Configuration()
        configuration.readonly = true
        // As long as a writer is waited for: without it, a Facet process reading the
        // index at that moment made the next one refuse it as locked.
        configuration.busyMode = .timeout(2)
        return configuration
    }

    private static func removeFiles(_ path: String, keepingLock: Bool = false) throws(IndexError) {
        for suffix in ["", "-wal", "-shm"] + (keepingLock ? [] : ["-lock"]) where FileManager.default.fileExists(atPath: path + suffix) {
            do { try FileManager.default.removeItem(atPath: path + suffix) } catch {
                throw IndexError(path: path, message: "cannot delete \(path + suffix): \(error.localizedDescription)")
            }
        }
    }

    // MARK: - The embedded collection

    func loadEmbeddedCollectionIfNeeded() throws {
        let version = DefaultCollection.version
        // Read first: a write would wait behind another process's import batch, and
        // once the index holds this version there is nothing to write.
        guard try database.read({ try String.fetchOne($0, sql: "SELECT value FROM meta WHERE key = 'default-collection'") }) != version else { return }
        try database.write { db in
            let stored = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'default-collection'")
            guard stored != version else { return }
            // Rows of an older embedded collection that no message states go; the new ones come in.
            try db.execute(sql: "DELETE FROM preference WHERE source = ? AND id NOT IN (SELECT preference_id FROM message_preference)",
                           arguments: [DefaultCollection.source])
            let writer = IndexWriter(db)
            for preference in DefaultCollection.preferences { _ = try writer.insertPreference(preference) }
            try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES ('default-collection', ?)", arguments: [version])
        }
    }

    // MARK: - Bulk imports

    /// What a bulk import sets aside: the triggers that index each new row for
    /// full-text search, and the secondary indexes no import query reads.
    static let setAsideInBulk = ["__preference_fts_ai", "__system_message_fts_ai",
                                 "preference_by_dimension_count", "message_preference_on_preference_id",
                                 "__preference_fts_ad", "__preference_fts_au"]

    /// While a bulk import runs, its new rows are not in the text index yet: a row
    /// deleted or edited meanwhile (another process re-indexing a workspace file)
    /// must not be taken out of it, or the text index no longer matches its table.
    /// These stand in for the delete and update triggers set aside above, and act on
    /// the rows indexed before the import only.
    static let bulkGuards = [
        """
        CREATE TRIGGER IF NOT EXISTS "bulk_preference_fts_ad" AFTER DELETE ON "preference"
        WHEN old."id" <= (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'bulk-after') BEGIN
            INSERT INTO "preference_fts"("preference_fts", "rowid", "name", "subdimension", "description") VALUES('delete', old."id", old."name", old."subdimension", old."description");
        END
        """,
        """
        CREATE TRIGGER IF NOT EXISTS "bulk_preference_fts_au" AFTER UPDATE OF "name", "subdimension", "description" ON "preference"
        WHEN old."id" <= (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'bulk-after') BEGIN
            INSERT INTO "preference_fts"("preference_fts", "rowid", "name", "subdimension", "description") VALUES('delete', old."id", old."name", old."subdimension", old."description");
            INSERT INTO "preference_fts"("rowid", "name", "subdimension", "description") VALUES (new."id", new."name", new."subdimension", new."description");
        END
        """,
    ]

    /// For a large import: new rows are not indexed one by one (most of the
    /// import time); `finishBulkImport` adds them to the full-text index in one
    /// statement and rebuilds the secondary indexes, which is several times faster. What was dropped is kept
    /// in `meta`, so an import that dies half-way is finished the next time a
    /// process opens the index alone, or by the next bulk import.
    /// Returns the index's lock held shared, to release after `finishBulkImport`:
    /// while anyone holds it, an opener leaves what it finds in `meta` alone.
    func beginBulkImport() throws -> IndexLock {
        let running = IndexLock(path + "-lock")
        running.waitToShare()
        // A larger page cache for the writer while it inserts keys in random order;
        // no foreign-key lookups (the importer links only ids it just got); no
        // fsync (a process that dies leaves a consistent file; only a machine crash
        // mid-import could damage it, and the index is rebuildable data).
        try database.writeWithoutTransaction { try $0.execute(sql: "PRAGMA cache_size = -65536; PRAGMA foreign_keys = OFF; PRAGMA synchronous = OFF") }
        try importWrite { db in
            // Rows after this id are the import's: only they need adding to the text index.
            let last = try Int64.fetchOne(db, sql: "SELECT max(id) FROM preference") ?? 0
            try db.execute(sql: "INSERT OR IGNORE INTO meta(key, value) VALUES ('bulk-after', ?)", arguments: [String(last)])
            for name in Self.setAsideInBulk {
                guard let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = ? AND sql IS NOT NULL", arguments: [name]) else { continue }
                try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", arguments: ["bulk-trigger:" + name, sql])
                let kind = try String.fetchOne(db, sql: "SELECT type FROM sqlite_master WHERE name = ?", arguments: [name]) == "index" ? "INDEX" : "TRIGGER"
                try db.execute(sql: "DROP \(kind) \"\(name)\"")
            }
            for guardSQL in Self.bulkGuards { try db.execute(sql: guardSQL) }
        }
        return running
    }

    /// How many bytes of new terms the full-text index holds in memory while a
    /// bulk import adds its rows (see `finishBulkImport`). At 24 MB the
    /// Multifaceted Collection's preferences make three segments. (At 64 MB they
    /// made two, but the build left 43 MB of free pages in the file.)
    static let bulkHashSize = 24 << 20

    /// Rebuilds the full-text indexes and restores the triggers and indexes, if a bulk import set them aside.
    func finishBulkImport() throws {
        defer { try? database.writeWithoutTransaction { try $0.execute(sql: "PRAGMA cache_size = -8000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL") } }
        // Read first: most opens find nothing to finish, and need not wait for the write lock.
        guard try database.read({ try String.fetchOne($0, sql: "SELECT key FROM meta WHERE key LIKE 'bulk-trigger:%'") }) != nil else { return }
        try importWrite { db in
            let saved = try Row.fetchAll(db, sql: "SELECT key, value FROM meta WHERE key LIKE 'bulk-trigger:%'")
            guard !saved.isEmpty else { return }
            let after = Int64(try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'bulk-after'") ?? "0") ?? 0
            // FTS5 collects new terms in memory and writes a segment each time they pass
            // `hashsize` (1 MB by default), merging segments as it goes. With a larger
            // hashsize and no automatic merges, the 562,000 preferences of the
            // Multifaceted Collection go in as three segments in about three quarters
            // of the time, and the 'optimize' pass that merged a dozen segments
            // into one (a fifth of this step) is not needed: searches are as fast.
            try db.execute(sql: "INSERT INTO preference_fts(preference_fts, rank) VALUES('automerge', 0)")
            try db.execute(sql: "INSERT INTO preference_fts(preference_fts, rank) VALUES('hashsize', \(Self.bulkHashSize))")
            try db.execute(sql: """
                INSERT INTO preference_fts(rowid, name, subdimension, description)
                SELECT id, name, subdimension, description FROM preference WHERE id > ?
                """, arguments: [after])
            // Both settings are stored in the index: later small writes go back to the defaults.
            try db.execute(sql: "INSERT INTO preference_fts(preference_fts, rank) VALUES('hashsize', 1048576)")
            try db.execute(sql: "INSERT INTO preference_fts(preference_fts, rank) VALUES('automerge', 4)")
            try db.execute(sql: "DROP TRIGGER IF EXISTS bulk_preference_fts_ad; DROP TRIGGER IF EXISTS bulk_preference_fts_au")
            try db.execute(sql: "DELETE FROM meta WHERE key = 'bulk-after'")
            // Only "similar messages" searches the messages: their index is rebuilt when first needed.
            try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES ('messages-fts-stale', '1')")
            for row in saved {
                let sql: String = row["value"]
                try db.execute(sql: sql)
            }
            try db.execute(sql: "DELETE FROM meta WHERE key LIKE 'bulk-trigger:%'")
        }
    }

    // MARK: - Reading

    /// Preferences matching any of the words, best first.
    ///
    /// The cost of a full-text search grows with the rows it matches, so on a
    /// large collection the words are chosen first: each word's postings are
    /// counted up to `commonWord`; words no preference contains go, common words
    /// go (they say little), and the six rarest are kept. When those match at
    /// most `rankedBudget` rows, the rows are ranked by bm25; else each word
    /// brings its first 100 rows, scored by the rarity (idf) of the words they
    /// contain. So a search never scores more than a few hundred rows.
    public func search(_ words: [String], dimension: String? = nil, limit: Int = 20) throws -> [ScoredPreference] {
        let tokens = FTSQuery.distinctTokens(words)
        guard !tokens.isEmpty else { return [] }
        return try reading { db in
            let total = Double(max(try Int.fetchOne(db, sql: "SELECT max(id) FROM preference") ?? 1, 1))
            let frequency = try Self.documentFrequencies(db, tokens)
            // Common words are dropped only from a large collection, where they say little.
            let common = max(total / 10, 50) < Double(Self.commonWord) ? max(total / 10, 50) : Double(Self.commonWord)
            var chosen = tokens.filter { (frequency[$0] ?? 0) > 0 && Double(frequency[$0]!) <= common }
                .sorted { frequency[$0]! < frequency[$1]! }.prefix(6)
            if chosen.isEmpty {
                // Only common words: still answer, with the first rows of three of them.
                chosen = tokens.filter { frequency[$0] != nil }.prefix(3)
            }
            guard !chosen.isEmpty else { return [] }
            let matched = chosen.reduce(0) { $0 + frequency[$1]! }
            if matched <= Self.rankedBudget {
                return try Self.ranked(db, FTSQuery.matchingAny(Array(chosen))!, dimension: dimension, limit: limit)
            }
            var scores: [Int64: (row: Row, score: Double)] = [:]
            for term in chosen {
                let idf = log(total / Double(frequency[term]!))
                var sql = "SELECT preference.* FROM preference_fts JOIN preference ON preference.id = preference_fts.rowid WHERE preference_fts MATCH ?"
                var arguments: StatementArguments = [FTSQuery.matchingAny([term])!]
                if let dimension {
                    sql += " AND preference.dimension = ?"
                    arguments += [dimension]
                }
                sql += " LIMIT 100"
                for row in try Row.fetchAll(db, sql: sql, arguments: arguments) {
                    let id: Int64 = row["id"]
                    scores[id] = (row, (scores[id]?.score ?? 0) + idf)
                }
            }
            return try scores.values.sorted { $0.score != $1.score ? $0.score > $1.score : ($0.row["id"] as Int64) < ($1.row["id"] as Int64) }
                .prefix(limit).map { ScoredPreference(preference: try Self.preference($0.row), relevance: $0.score) }
        }
    }

    /// Above this many matching rows, searches skip bm25 ranking (see `search`).
    static let rankedBudget = 800

    static func ranked(_ db: Database, _ pattern: String, dimension: String?, limit: Int) throws -> [ScoredPreference] {
        var sql = """
            SELECT preference.*, bm25(preference_fts, 4.0, 2.0, 1.0) AS rank
            FROM preference_fts JOIN preference ON preference.id = preference_fts.rowid
            WHERE preference_fts MATCH ?
            """
        var arguments: StatementArguments = [pattern]
        if let dimension {
            sql += " AND preference.dimension = ?"
            arguments += [dimension]
        }
        sql += " ORDER BY rank LIMIT ?"
        arguments += [limit]
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
            ScoredPreference(preference: try Self.preference(row), relevance: -(row["rank"] as Double? ?? 0))
        }
    }

    /// How many preferences contain each word, counted up to `commonWord`
    /// (a word in more is simply common). Counting reads the word's postings,
    /// so the count stops there; `fts5vocab` would read them all, which for a
    /// common word in a large collection takes milliseconds.
    static func documentFrequencies(_ db: Database, _ tokens: [String]) throws -> [String: Int] {
        let statement = try db.cachedStatement(sql: "SELECT count(*) FROM (SELECT rowid FROM preference_fts WHERE preference_fts MATCH ? LIMIT \(commonWord + 1))")
        var result: [String: Int] = [:]
        for token in tokens {
            guard let pattern = FTSQuery.matchingAny([token]), let count = try Int.fetchOne(statement, arguments: [pattern]), count > 0 else { continue }
            result[token] = count
        }
        return result
    }

    /// Words in more preferences than this are "common" (see `search`).
    static let commonWord = 2000

    /// The most stated preferences of a dimension.
    public func top(dimension: String, limit: Int) throws -> [ScoredPreference] {
        try reading { db in
            try Row.fetchAll(db, sql: "SELECT * FROM preference WHERE dimension = ? ORDER BY count DESC, id LIMIT ?",
                             arguments: [dimension, limit]).map { ScoredPreference(preference: try Self.preference($0), relevance: 0) }
        }
    }

    /// Imported system messages sharing the most words with `words`.
    public func similarMessages(_ words: [String], limit: Int = 5) throws -> [SimilarMessage] {
        guard let pattern = FTSQuery.matchingAny(words) else { return [] }
        // Read first: a write would wait behind another process's import batch, and
        // the message index needs rebuilding only when first searched after a bulk import.
        if try database.read({ try String.fetchOne($0, sql: "SELECT value FROM meta WHERE key = 'messages-fts-stale'") }) != nil {
            try database.write { db in
                guard try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'messages-fts-stale'") != nil else { return }
                try db.execute(sql: "INSERT INTO system_message_fts(system_message_fts) VALUES('rebuild'); DELETE FROM meta WHERE key = 'messages-fts-stale'")
            }
        }
        return try reading { db in
            try Row.fetchAll(db, sql: """
                SELECT system_message.text, system_message.source, bm25(system_message_fts) AS rank
                FROM system_message_fts JOIN system_message ON system_message.id = system_message_fts.rowid
                WHERE system_message_fts MATCH ? ORDER BY rank LIMIT ?
                """, arguments: [pattern, limit]).map {
                SimilarMessage(text: try $0.decode(forColumn: "text"), source: try $0.decode(forColumn: "source"), relevance: -($0["rank"] as Double? ?? 0))
            }
        }
    }

    public func stats() throws -> IndexStats {
        let bytes = ["", "-wal"].reduce(0) { total, suffix in
            total + ((try? FileManager.default.attributesOfItem(atPath: path + suffix)[.size] as? Int) ?? 0)
        }
        return try reading { db in
            var byDimension: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT dimension, COUNT(*) AS n FROM preference GROUP BY dimension") {
                byDimension[try row.decode(String.self, forColumn: "dimension")] = row["n"]
            }
            var sources: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT source, COUNT(*) AS n FROM preference GROUP BY source ORDER BY n DESC LIMIT 20") {
                sources[try row.decode(String.self, forColumn: "source")] = row["n"]
            }
            return IndexStats(
                path: path, bytesOnDisk: bytes,
                preferences: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM preference") ?? 0,
                preferencesByDimension: byDimension,
                subdimensions: try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT dimension || '/' || subdimension) FROM preference") ?? 0,
                systemMessages: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM system_message") ?? 0,
                links: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM message_preference") ?? 0,
                sources: sources)
        }
    }

    /// Decoded with `decode`, which throws where the subscript traps: damage to the
    /// file's bytes can leave NULL or a number where text belongs.
    static func preference(_ row: Row) throws -> Preference {
        try Preference(dimension: row.decode(forColumn: "dimension"), subdimension: row.decode(forColumn: "subdimension"),
                       name: row.decode(forColumn: "name"), description: row.decode(forColumn: "description"),
                       source: row.decode(forColumn: "source"), count: row.decode(forColumn: "count"))
    }

    /// Runs a read; an error names the index and says what to do, as one opening it does.
    func reading<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try database.read(body)
        } catch let error as IndexError {
            throw error
        } catch {
            throw IndexError(path: path, message: Self.describe(error))
        }
    }

    /// Runs `body` in one write transaction of an import (see `importWrite`).
    func write<T: Sendable>(_ body: @Sendable (IndexWriter) throws -> T) throws -> T {
        try importWrite { db in try body(IndexWriter(db)) }
    }

    /// How long a write waits for another process's before the index is reported locked.
    static let writeWait: TimeInterval = 2
    /// How long an import's writes wait: another import's batch, or the text index
    /// it builds at its end (seconds on a large collection), is waited for rather
    /// than the import stopped half-way as locked.
    static let importWriteWait: TimeInterval = 120

    /// Runs `body` in one write transaction that waits up to `importWriteWait` for other processes' writes.
    func importWrite<T>(_ body: (Database) throws -> T) throws -> T {
        try database.writeWithoutTransaction { db in
            sqlite3_busy_timeout(db.sqliteConnection, Int32(Self.importWriteWait * 1000))
            defer { sqlite3_busy_timeout(db.sqliteConnection, Int32(Self.writeWait * 1000)) }
            var result: T?
            try db.inTransaction(.immediate) {
                result = try body(db)
                return .commit
            }
            return result!
        }
    }
}

/// Inserts rows inside a write transaction, merging identical preferences.
struct IndexWriter {
    let db: Database

    init(_ db: Database) { self.db = db }

    /// The id of the preference, inserted if new; `inserted` tells which.
    func insertPreference(_ preference: Preference, key: Int64? = nil) throws -> (id: Int64, inserted: Bool) {
        let key = key ?? Self.key(preference)
        let inserted = try run("""
            INSERT OR IGNORE INTO preference(key, dimension, subdimension, name, description, source, count)
            VALUES (?, ?, ?, ?, ?, ?, 1)
            """) { s in
            sqlite3_bind_int64(s, 1, key)
            Self.bind(s, 2, preference.dimension)
            Self.bind(s, 3, preference.subdimension)
            Self.bind(s, 4, preference.name)
            Self.bind(s, 5, preference.description)
            Self.bind(s, 6, preference.source)
        }
        if inserted { return (db.lastInsertedRowID, true) }
        let id = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM preference WHERE key = ?"), arguments: [key])!
        return (id, false)
    }

    /// Inserts a system message; nil when the same text is already indexed (re-imports add nothing).
    func insertMessage(text: String, source: String, key: Int64? = nil) throws -> Int64? {
        let key = key ?? Self.hash(text)
        let inserted = try run("INSERT OR IGNORE INTO system_message(key, text, source) VALUES (?, ?, ?)") { s in
            sqlite3_bind_int64(s, 1, key)
            Self.bind(s, 2, text)
            Self.bind(s, 3, source)
        }
        return inserted ? db.lastInsertedRowID : nil
    }

    /// Links a message to a preference; false when the link was there already.
    func addLink(message: Int64, preference: Int64) throws -> Bool {
        try run("INSERT OR IGNORE INTO message_preference(message_id, preference_id) VALUES (?, ?)") { s in
            sqlite3_bind_int64(s, 1, message)
            sqlite3_bind_int64(s, 2, preference)
        }
    }

    /// A preference stated again counts `n` more.
    func addToCount(_ preference: Int64, _ n: Int) throws {
        _ = try run("UPDATE preference SET count = count + ? WHERE id = ?") { s in
            sqlite3_bind_int64(s, 1, Int64(n))
            sqlite3_bind_int64(s, 2, preference)
        }
    }

    /// Runs one cached write statement with its values bound through the C API,
    /// and tells whether it changed a row. (GRDB's `StatementArguments` box every
    /// value; in the import's inner loop that was about a sixth of the writer's time.)
    private func run(_ sql: String, bind: (OpaquePointer) -> Void) throws -> Bool {
        let statement = try db.cachedStatement(sql: sql)
        let s = statement.sqliteStatement
        sqlite3_reset(s)
        bind(s)
        let code = sqlite3_step(s)
        sqlite3_reset(s)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql)
        }
        return sqlite3_changes(db.sqliteConnection) > 0
    }

    private static func bind(_ s: OpaquePointer, _ index: Int32, _ text: String) {
        var text = text
        text.withUTF8 { bytes in
            // An empty buffer may have no address, which would bind NULL: "" is still text.
            guard let base = bytes.baseAddress else { _ = sqlite3_bind_text(s, index, "", 0, nil); return }
            // SQLITE_TRANSIENT: SQLite copies the bytes.
            _ = sqlite3_bind_text(s, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(bytes.count),
                                  unsafeBitCast(-1, to: sqlite3_destructor_type.self))
        }
    }

    /// Removes the preferences a file brought (before it is indexed again), unless messages state them.
    func removePreferences(source: String) throws {
        try db.execute(sql: "DELETE FROM preference WHERE source = ? AND id NOT IN (SELECT preference_id FROM message_preference)",
                       arguments: [source])
    }

    /// Identical preferences share a key: the fields compared without regard to
    /// ASCII case or runs of whitespace.
    static func key(_ p: Preference) -> Int64 {
        var hasher = TextHash()
        for (n, field) in [p.dimension, p.subdimension, p.name, p.description].enumerated() {
            if n > 0 { hasher.add(UInt8(ascii: "|")) }
            var pendingSpace = false
            for byte in field.utf8 {
                if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                    pendingSpace = true
                    continue
                }
                if pendingSpace { hasher.add(0x20); pendingSpace = false }
                hasher.add(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte)
            }
        }
        return hasher.value
    }

    static func hash(_ text: String) -> Int64 {
        var hasher = TextHash()
        for byte in text.utf8 { hasher.add(byte) }
        return hasher.value
    }
}

/// A 64-bit hash of a byte stream (FNV-1a, then mixed). Collisions: about one
/// chance in ten million for a million distinct rows, which would merge two rows.
struct TextHash {
    var state: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ byte: UInt8) {
        state = (state ^ UInt64(byte)) &* 0x100_0000_01b3
    }

    var value: Int64 {
        var x = state
        x = (x ^ (x >> 33)) &* 0xff51_afd7_ed55_8ccd
        x = (x ^ (x >> 33)) &* 0xc4ce_b9fe_1a85_ec53
        return Int64(bitPattern: x ^ (x >> 33))
    }
}

/// An flock(2) on a file of its own beside the index ("-lock"): exclusive while
/// a process creates, upgrades and fills the index on opening (and finishes a
/// bulk import a crash left, which it may do only then), shared while an
/// import writes to it or a language server uses it, and taken without waiting
/// by `reset`, which deletes nothing while anyone holds it. Not on the database
/// file itself, as closing any descriptor of that file would drop the POSIX
/// locks SQLite holds on it.
/// When the lock file cannot be made (a read-only folder) there is no lock, and
/// opening reports the problem as before; a holder that never lets go is
/// waited for 10 s at most.
final class IndexLock: @unchecked Sendable {
    private let path: String
    private var descriptor: Int32 = -1

    init(_ path: String) { self.path = path }

    deinit { release() }

    /// For opening: exclusive, or shared when others hold the lock shared (the
    /// index is made already, and an import may take minutes). True when
    /// exclusive: no other process has the index open, so none is importing.
    func waitToOpen() -> Bool {
        waitFor { take(LOCK_EX) ? true : take(LOCK_SH) ? false : nil } ?? false
    }

    /// Shared, for a bulk import, once no opener holds the lock exclusively.
    func waitToShare() {
        _ = waitFor { take(LOCK_SH) ? true : nil }
    }

    /// Tries `attempt` every 50 ms until it gives an answer, 10 s at most (nil then).
    private func waitFor(_ attempt: () -> Bool?) -> Bool? {
        for _ in 0..<200 {
            if let answer = attempt() { return answer }
            usleep(50_000)
        }
        return nil
    }

    /// Takes the lock (`LOCK_EX` or `LOCK_SH`) if no other holder is in the way;
    /// true too when no lock file can be made.
    func take(_ operation: Int32) -> Bool {
        while true {
            if descriptor < 0 {
                descriptor = Glibc.open(path, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
                guard descriptor >= 0 else { return true }
            }
            guard flock(descriptor, operation | LOCK_NB) == 0 else { return false }
            // A reset may have deleted the file while we waited: two processes must
            // never lock two different files, so lock the one now at the path.
            var held = stat(), named = stat()
            if fstat(descriptor, &held) == 0, stat(path, &named) == 0, held.st_dev == named.st_dev, held.st_ino == named.st_ino { return true }
            close(descriptor)
            descriptor = -1
        }
    }

    /// Shared from now on: at once from exclusive (nothing else can hold it then).
    func share() {
        guard descriptor >= 0 else { return }
        flock(descriptor, LOCK_SH | LOCK_NB)
    }

    func release() {
        guard descriptor >= 0 else { return }
        flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }
}
