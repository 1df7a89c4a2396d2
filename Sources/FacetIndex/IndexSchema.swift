import GRDB

/// The index's tables, created and upgraded by a GRDB migrator.
///
/// - `preference`: one row per distinct preference (key = its normalised text),
///   with how many imported system messages state it.
/// - `preference_fts`: FTS5 over name, subdimension and description, kept in sync by triggers.
/// - `system_message` (+ `system_message_fts`): whole system messages from imported collections.
/// - `message_preference`: which preferences each message states.
/// - `meta`: facts about the index (the embedded collection's version).
enum IndexSchema {
    /// The one migration of this schema. An index with any other set of
    /// migrations was written by another version of Facet and is rebuilt.
    static let identifier = "preferences-2026-11e"

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration(identifier) { db in
            try db.create(table: "preference") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("key", .integer).notNull().unique()  // 64-bit hash of the normalised text
                t.column("dimension", .text).notNull()  // indexed with count below
                t.column("subdimension", .text).notNull()
                t.column("name", .text).notNull()
                t.column("description", .text).notNull()
                t.column("source", .text).notNull()
                t.column("count", .integer).notNull().defaults(to: 1)
            }
            try db.create(virtualTable: "preference_fts", using: FTS5()) { t in
                t.synchronize(withTable: "preference")
                t.tokenizer = .unicode61(diacritics: .remove)
                t.detail = "column"  // no word positions: smaller and faster; searches need no phrases
                t.column("name")
                t.column("subdimension")
                t.column("description")
            }
            // The synchronising trigger fires on any update; counting a repeated
            // preference must not re-index its text, so it fires on text changes only.
            try db.execute(sql: """
                DROP TRIGGER "__preference_fts_au";
                CREATE TRIGGER "__preference_fts_au" AFTER UPDATE OF "name", "subdimension", "description" ON "preference" BEGIN
                    INSERT INTO "preference_fts"("preference_fts", "rowid", "name", "subdimension", "description") VALUES('delete', old."id", old."name", old."subdimension", old."description");
                    INSERT INTO "preference_fts"("rowid", "name", "subdimension", "description") VALUES (new."id", new."name", new."subdimension", new."description");
                END;
                """)
            try db.create(table: "system_message") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("key", .integer).notNull().unique()  // 64-bit hash of the text
                t.column("text", .text).notNull()
                t.column("source", .text).notNull()
            }
            try db.create(virtualTable: "system_message_fts", using: FTS5()) { t in
                t.synchronize(withTable: "system_message")
                t.tokenizer = .unicode61(diacritics: .remove)
                t.detail = "column"
                t.column("text")
            }
            try db.create(table: "message_preference", options: .withoutRowID) { t in
                t.column("message_id", .integer).notNull().references("system_message", onDelete: .cascade)
                t.column("preference_id", .integer).notNull().references("preference", onDelete: .cascade).indexed()
                t.primaryKey(["message_id", "preference_id"])
            }
            try db.create(table: "meta") { t in
                t.primaryKey("key", .text)
                t.column("value", .text).notNull()
            }
            // "Most stated preferences of a dimension" without sorting the table.
            // (Its order matches the query's, "count DESC, id", so no sort at all.)
            try db.execute(sql: "CREATE INDEX preference_by_dimension_count ON preference(dimension, count DESC, id)")
        }
        return migrator
    }

    enum FileKind { case empty, current, otherVersion, foreign }

    /// What an existing file holds: nothing yet, this index, a Facet index of
    /// another version (rebuilt), or someone else's database (never touched).
    static func kind(_ db: Database) throws -> FileKind {
        let tables = try String.fetchSet(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
        if tables.isEmpty { return .empty }
        guard tables.contains("preference") && tables.contains("meta") else { return .foreign }
        let applied = try String.fetchSet(db, sql: "SELECT identifier FROM grdb_migrations")
        return applied == [identifier] ? .current : .otherVersion
    }
}
