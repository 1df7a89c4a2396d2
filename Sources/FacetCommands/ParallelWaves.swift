import Foundation

/// Work on a stream of items on all cores, in input order and bounded memory:
/// items are read into a wave of batches (`batchSize` items, four batches per
/// core), the wave is transformed with `concurrentPerform`, and the results are
/// handed over batch by batch before the next wave is read.
enum ParallelWaves {
    /// `transform` gets each item and its 0-based position; `consume` gets each
    /// batch with its results, in order, and returns false to stop early.
    static func run<Item: Sendable, Output: Sendable>(
        batchSize: Int = 256, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
        next: () -> Item?, transform: @escaping @Sendable (Item, Int) -> Output, consume: ([Item], [Output]) -> Bool
    ) {
        let wave = max(1, threads) * 4
        var position = 0
        while true {
            var batches: [[Item]] = []
            var starts: [Int] = []
            while batches.count < wave {
                var batch: [Item] = []
                batch.reserveCapacity(batchSize)
                while batch.count < batchSize, let item = next() { batch.append(item) }
                if batch.isEmpty { break }
                starts.append(position)
                position += batch.count
                batches.append(batch)
            }
            if batches.isEmpty { return }
            let slots = ResultSlots<[Output]>(count: batches.count)
            let (work, first) = (batches, starts)
            DispatchQueue.concurrentPerform(iterations: work.count) { index in
                slots.set(index, work[index].enumerated().map { offset, item in transform(item, first[index] + offset) })
            }
            let results = slots.values
            for index in batches.indices where !consume(batches[index], results[index]) { return }
        }
    }
}
