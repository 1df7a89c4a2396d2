import FacetCore
import FacetFiles
import Foundation
import GRDB

/// Finished previews in SQLite, keyed by what determines an answer: the system
/// message sent, the conversation, the endpoint URL, the model and the sampling
/// parameters. Header values and keys are never part of the key or the data.
public final class PreviewCache: Sendable {
    private let database: DatabaseQueue
    public let path: String

    public static func open(path: String) throws(PreviewError) -> PreviewCache {
        do {
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
            var configuration = Configuration()
            configuration.busyMode = .timeout(5)
            // A cache may lose its last entries in a crash, never its consistency: WAL with NORMAL sync
            // saves an fsync per stored answer or judgement (an evaluation stores hundreds).
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL")
            }
            let database = try DatabaseQueue(path: path, configuration: configuration)
            var migrator = DatabaseMigrator()
            migrator.registerMigration("previews-1") { db in
                try db.create(table: "preview") { table in
                    table.primaryKey("key", .text)
                    table.column("created", .double).notNull()
                    table.column("endpoint", .text).notNull()
                    table.column("model", .text).notNull()
                    table.column("caseName", .text).notNull()
                    table.column("result", .text).notNull()
                }
            }
            migrator.registerMigration("judgements-1") { db in
                // Judge replies (scores, written rubrics): keyed by the whole judge request, so any change re-judges.
                try db.create(table: "judgement") { table in
                    table.primaryKey("key", .text)
                    table.column("created", .double).notNull()
                    table.column("model", .text).notNull()
                    table.column("reply", .text).notNull()
                }
            }
            try migrator.migrate(database)
            return PreviewCache(database: database, path: path)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB || error.resultCode == .SQLITE_CORRUPT {
            throw PreviewError(.configuration, "the preview cache \(path) is not a valid cache file; delete it to start a new one")
        } catch {
            throw PreviewError(.configuration, "cannot open the preview cache \(path): \(error)")
        }
    }

    private init(database: DatabaseQueue, path: String) {
        self.database = database
        self.path = path
    }

    /// Where the cache lives: `explicit`, else `$FACET_PREVIEW_CACHE`, else the
    /// per-user cache (`$XDG_CACHE_HOME/facet/previews.sqlite` or `~/.cache/facet/previews.sqlite`).
    public static func location(explicit: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let fromEnvironment = environment["FACET_PREVIEW_CACHE"], !fromEnvironment.isEmpty { return fromEnvironment }
        return UserCache.directory(environment: environment) + "/previews.sqlite"
    }

    /// The cache key of one case sent to one endpoint.
    public static func key(systemMessage: String, previewCase: PreviewCase, profile: EndpointProfile) -> String {
        var parts: [String] = ["facet-preview-1", systemMessage, profile.baseURL, profile.model,
                               profile.temperature.map { String($0) } ?? "-", profile.maxTokens.map { String($0) } ?? "-",
                               profile.headers.keys.sorted().joined(separator: ",")]
        for turn in previewCase.turns {
            switch turn {
            case .user(let text): parts.append("user:" + text)
            case .assistant(let text): parts.append("assistant:" + text)
            }
        }
        // Length-prefixed, so no choice of texts can make two keys collide by concatenation.
        return SHA256.hex(parts.map { "\($0.utf8.count):\($0)" }.joined())
    }

    public func result(for key: String) -> CaseResult? {
        guard let text = try? database.read({ db in try String.fetchOne(db, sql: "SELECT result FROM preview WHERE key = ?", arguments: [key]) }) else { return nil }
        return try? JSONDecoder().decode(CaseResult.self, from: Data(text.utf8))
    }

    public func store(_ result: CaseResult, key: String, profile: EndpointProfile) throws {
        let text = String(decoding: try JSONEncoder().encode(result), as: UTF8.self)
        try database.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO preview (key, created, endpoint, model, caseName, result) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [key, Date().timeIntervalSince1970, profile.baseURL, profile.model, result.name, text])
        }
    }

    /// A judge reply stored under `key`, if any.
    public func judgement(for key: String) -> String? {
        try? database.read { db in try String.fetchOne(db, sql: "SELECT reply FROM judgement WHERE key = ?", arguments: [key]) }
    }

    public func storeJudgement(_ reply: String, key: String, model: String) throws {
        try database.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO judgement (key, created, model, reply) VALUES (?, ?, ?, ?)",
                           arguments: [key, Date().timeIntervalSince1970, model, reply])
        }
    }

    /// The cache key of one judge request: what is sent, where, and which sample it is.
    public static func judgementKey(kind: String, messages: [String], profile: EndpointProfile, sample: Int) -> String {
        let parts = ["facet-\(kind)-1", profile.baseURL, profile.model, profile.temperature.map { String($0) } ?? "-",
                     profile.maxTokens.map { String($0) } ?? "-", String(sample)] + messages
        return SHA256.hex(parts.map { "\($0.utf8.count):\($0)" }.joined())
    }

    public func count() -> Int {
        (try? database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM preview") }) ?? 0
    }
}
