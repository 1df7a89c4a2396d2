import FacetCore
import Foundation

/// Reads a JSON or JSON Lines file on one thread and decodes its rows on two
/// more (`RowFastPath`, else `JSONDecoder`), a chunk at a time, while the
/// importer writes earlier chunks: JSON decoding was the slower half of an
/// import. Chunks come out in file order.
/// At most `window` chunks are in flight, so memory stays bounded whatever the
/// file's size.
final class ParsePipeline: @unchecked Sendable {
    typealias Parse = @Sendable (CollectionImporter.Row) -> Result<CollectionImporter.Parsed, RowError>

    struct Chunk {
        var rows: [(line: Int, parsed: Result<CollectionImporter.Parsed, RowError>)]
        var bytesRead: Int
    }

    private struct RawChunk {
        var sequence: Int
        var rows: [RowReader.RawRow]
        var bytesRead: Int
    }

    private let condition = NSCondition()
    private var raw: [RawChunk] = []          // read, waiting for a decoder
    private var decoded: [Int: Chunk] = [:]   // decoded, waiting for their turn
    private var issued = 0                    // chunks read so far
    private var taken = 0                     // chunks handed to the importer
    private var readingDone = false
    /// Why reading stopped before the end of the file, and the line it stopped on; set before `readingDone`.
    private var readStop: (error: Error, line: Int)?
    private var stopped = false
    // More rows than one write batch (5,000), so decoding goes on while a batch is written.
    private let window = 48
    private let chunkRows = 256
    /// Touched only by the reading thread once it starts.
    private var reader: RowReader

    init(path: String, decoders: Int = 2, parse: @escaping Parse) throws {
        reader = try RowReader(path: path)
        let readThread = Thread { [self] in readAll() }
        readThread.stackSize = 4 << 20
        readThread.start()
        for _ in 0..<max(decoders, 1) {
            let thread = Thread { [self] in decodeAll(parse) }
            thread.stackSize = 4 << 20
            thread.start()
        }
    }

    private func readAll() {
        var rows: [RowReader.RawRow] = []
        func send(_ rows: [RowReader.RawRow]) -> Bool {
            condition.lock()
            defer { condition.unlock() }
            while issued - taken >= window && !stopped { condition.wait() }
            guard !stopped else { return false }
            raw.append(RawChunk(sequence: issued, rows: rows, bytesRead: reader.bytesRead))
            issued += 1
            condition.broadcast()
            return true
        }
        while let row = reader.next() {
            rows.append(row)
            if rows.count == chunkRows {
                guard send(rows) else { return }
                rows.removeAll(keepingCapacity: true)
            }
        }
        if !rows.isEmpty { _ = send(rows) }
        condition.lock()
        if let error = reader.readError { readStop = (error, reader.line) }
        readingDone = true
        condition.broadcast()
        condition.unlock()
    }

    private func decodeAll(_ parse: Parse) {
        let decoder = JSONDecoder()
        while true {
            condition.lock()
            while raw.isEmpty && !readingDone && !stopped { condition.wait() }
            if stopped || raw.isEmpty { condition.unlock(); return }
            let chunk = raw.removeFirst()
            condition.unlock()
            let rows = chunk.rows.map { row -> (Int, Result<CollectionImporter.Parsed, RowError>) in
                if let problem = row.problem { return (row.line, .failure(RowError(problem))) }
                do {
                    let decoded = try RowFastPath.decode(row.bytes) ?? decoder.decode(CollectionImporter.Row.self, from: Data(row.bytes))
                    return (row.line, parse(decoded))
                } catch {
                    return (row.line, .failure(RowError(CollectionImporter.describe(error, row: row.bytes))))
                }
            }
            condition.lock()
            decoded[chunk.sequence] = Chunk(rows: rows, bytesRead: chunk.bytesRead)
            condition.broadcast()
            condition.unlock()
        }
    }

    /// The next chunk in file order; nil at the end of the file. Throws `ImportReadError`
    /// once the chunks read are all taken, when reading stopped on an error (a row past
    /// `RowReader.maximumRowBytes`, a failed read) rather than at the end of the file.
    func next() throws -> Chunk? {
        condition.lock()
        defer { condition.unlock() }
        while decoded[taken] == nil && !(readingDone && taken == issued) { condition.wait() }
        guard let chunk = decoded.removeValue(forKey: taken) else {
            if let readStop { throw ImportReadError(line: readStop.line, underlying: readStop.error) }
            return nil
        }
        taken += 1
        condition.broadcast()
        return chunk
    }

    /// The importer is done early: let the threads end.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }
}
