import GRDB

/// Plain SQLite access for setting up test files (other versions, other databases).
struct DatabaseQueueForTests {
    let queue: DatabaseQueue
    init(path: String) throws { queue = try DatabaseQueue(path: path) }
    func execute(_ sql: String) throws { try queue.write { try $0.execute(sql: sql) } }
    func fetchStrings(_ sql: String) throws -> [String] { try queue.read { try String.fetchAll($0, sql: sql) } }
}
