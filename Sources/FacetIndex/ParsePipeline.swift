import FacetCore
import Foundation

/// Reads and parses a JSON or JSON Lines file on a thread of its own, a chunk
/// of rows at a time, while the importer writes the previous chunks: decoding
/// JSON and writing SQLite then use both cores. At most `depth` chunks wait,
/// so memory stays bounded whatever the file's size.
final class ParsePipeline: @unchecked Sendable {
    struct Chunk {
        var rows: [(line: Int, parsed: Result<CollectionImporter.Parsed, RowError>)]
        var bytesRead: Int
    }

    private let condition = NSCondition()
    private var chunks: [Chunk] = []
    private var finished = false
    private var stopped = false
    private var failure: Error?
    private let depth = 4
    /// Touched only by the reading thread once it starts.
    private var reader: RowReader

    init(path: String, parse: @escaping @Sendable (CollectionImporter.Row) -> Result<CollectionImporter.Parsed, RowError>) throws {
        reader = try RowReader(path: path)
        let thread = Thread { [self] in
            let decoder = JSONDecoder()
            var rows: Chunk = Chunk(rows: [], bytesRead: 0)
            rows.rows.reserveCapacity(512)
            while let raw = reader.next() {
                let parsed: Result<CollectionImporter.Parsed, RowError>
                do {
                    parsed = parse(try decoder.decode(CollectionImporter.Row.self, from: Data(raw.bytes)))
                } catch {
                    parsed = .failure(RowError(CollectionImporter.describe(error)))
                }
                rows.rows.append((raw.line, parsed))
                if rows.rows.count == 512 {
                    rows.bytesRead = reader.bytesRead
                    guard put(rows) else { return }
                    rows.rows.removeAll(keepingCapacity: true)
                }
            }
            rows.bytesRead = reader.bytesRead
            _ = put(rows)
            condition.lock()
            finished = true
            condition.broadcast()
            condition.unlock()
        }
        thread.stackSize = 4 << 20
        thread.start()
    }

    /// Waits for room; false when the consumer stopped.
    private func put(_ chunk: Chunk) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while chunks.count >= depth && !stopped { condition.wait() }
        guard !stopped else { return false }
        chunks.append(chunk)
        condition.broadcast()
        return true
    }

    /// The next chunk; nil at the end of the file.
    func next() -> Chunk? {
        condition.lock()
        defer { condition.unlock() }
        while chunks.isEmpty && !finished { condition.wait() }
        guard !chunks.isEmpty else { return nil }
        let chunk = chunks.removeFirst()
        condition.broadcast()
        return chunk
    }

    /// The importer is done early: let the reading thread end.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }
}
