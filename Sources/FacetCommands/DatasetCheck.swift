import FacetCore
import FacetIndex
import Foundation

/// `facet check DATA.jsonl`: every row's system message analysed on all
/// cores, in constant memory (rows are read in waves of batches; a wave is
/// analysed in parallel, then reported in row order and dropped).
enum DatasetCheck {
    static let batchSize = 256

    struct Progress {
        var rows: Int
        var bytesRead: Int
        var totalBytes: Int
        var elapsed: Double
    }

    /// Reads `path`, calls `onRows` with each batch's results in row order, and returns the aggregates.
    static func run(path: String, configuration: FacetConfiguration, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                    onRows: ([DatasetRowResult]) -> Void, progress: (Progress) -> Void) throws -> DatasetSummary {
        var reader = try RowReader(path: path)
        let totalBytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        let wave = max(1, threads) * 4
        let started = DispatchTime.now().uptimeNanoseconds
        var summary = DatasetSummary()
        var row = 0
        while true {
            var batches: [[RowReader.RawRow]] = []
            var firstRows: [Int] = []
            while batches.count < wave {
                var batch: [RowReader.RawRow] = []
                batch.reserveCapacity(batchSize)
                while batch.count < batchSize, let next = reader.next() { batch.append(next) }
                if batch.isEmpty { break }
                firstRows.append(row + 1)
                row += batch.count
                batches.append(batch)
            }
            if batches.isEmpty { break }
            let results = Slots<[DatasetRowResult]>(count: batches.count, empty: [])
            let (work, starts) = (batches, firstRows)
            DispatchQueue.concurrentPerform(iterations: work.count) { index in
                let first = starts[index]
                results[index] = work[index].enumerated().map { offset, raw in
                    DatasetRowResult.analyze(raw.bytes, row: first + offset, line: raw.line, configuration: configuration)
                }
            }
            for index in batches.indices {
                let batch = results[index]
                for result in batch { summary.add(result) }
                onRows(batch)
            }
            progress(Progress(rows: row, bytesRead: reader.bytesRead, totalBytes: totalBytes,
                              elapsed: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9))
        }
        return summary
    }

    /// Whether `path` names a dataset rather than a system message: a `.jsonl` or `.json` file.
    static func isDataset(_ path: String) -> Bool {
        let lower = path.lowercased()
        return lower.hasSuffix(".jsonl") || lower.hasSuffix(".json")
    }
}
