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

    /// Reads `path` through `reader` (opened on it), calls `onRows` with each
    /// batch's results in row order, and returns the aggregates.
    static func run(path: String, reader: RowReader, configuration: FacetConfiguration, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                    onRows: ([DatasetRowResult]) -> Void, progress: (Progress) -> Void) throws -> DatasetSummary {
        var reader = reader
        let totalBytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        let started = DispatchTime.now().uptimeNanoseconds
        var summary = DatasetSummary()
        ParallelWaves.run(batchSize: batchSize, threads: threads, next: { reader.next() }, transform: { raw, index in
            if let problem = raw.problem {
                var result = DatasetRowResult(row: index + 1, line: raw.line)
                result.problem = problem
                return result
            }
            return DatasetRowResult.analyze(raw.bytes, row: index + 1, line: raw.line, configuration: configuration)
        }, consume: { _, results in
            for result in results { summary.add(result) }
            onRows(results)
            progress(Progress(rows: summary.rows, bytesRead: reader.bytesRead, totalBytes: totalBytes,
                              elapsed: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9))
            return true
        })
        // Stopped by a read error, not the end: the figures would be a part taken for the whole.
        if let error = reader.readError { throw error }
        return summary
    }

    /// Whether `path` names a dataset rather than a system message: a `.jsonl` or `.json` file.
    static func isDataset(_ path: String) -> Bool {
        let lower = path.lowercased()
        return lower.hasSuffix(".jsonl") || lower.hasSuffix(".json")
    }
}
