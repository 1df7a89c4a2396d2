import FacetCore
import FacetFiles
import Foundation

/// The outcome of checking one input: its analysis, or why it could not be read.
struct FileReport: Sendable {
    var path: String
    var analysis: Analysis?
    var error: String?

    /// True when the file was not checked because the settings that apply to it are invalid.
    var settingsInvalid = false

    /// Reads, analyses and renders every input on all cores, handing the parts to
    /// `write` in input order, a wave at a time: only a wave's parts are held, never
    /// every file's analysis. Returns what the footer and the exit status need.
    static func check(_ inputs: [InputFiles.Input], configurations: ConfigurationFinder, reporter: some CheckReporter,
                      write: (String) -> Void) -> CheckTotals {
        var totals = CheckTotals()
        var remaining = inputs.makeIterator()
        var wroteAPart = false
        var written = Set<String>()
        // Small batches: files differ in size by thousands of times, and a wave waits for its slowest batch.
        ParallelWaves.run(batchSize: 2, next: { remaining.next() }, transform: { input, _ in
            let report = analyze(input, configurations: configurations)
            return (reporter.render(report), FileTally(report), reporter.onceKey(report))
        }, consume: { _, results in
            var text = ""
            for (part, tally, key) in results {
                totals.add(tally)
                guard !part.isEmpty, key.map({ written.insert($0).inserted }) ?? true else { continue }
                if wroteAPart { text += reporter.separator }
                text += part
                wroteAPart = true
            }
            if !text.isEmpty { write(text) }
            return true
        })
        return totals
    }

    /// Reads and analyses one input under the settings for its folder.
    static func analyze(_ input: InputFiles.Input, configurations: ConfigurationFinder) -> FileReport {
        if let problem = input.problem { return FileReport(path: input.path, analysis: nil, error: problem) }
        let directory = input.isStandardInput ? FileManager.default.currentDirectoryPath
            : URL(fileURLWithPath: input.path).deletingLastPathComponent().path
        switch configurations.configuration(inDirectory: directory) {
        case .failure(let error):
            return FileReport(path: input.path, analysis: nil, error: error.description, settingsInvalid: true)
        case .success(let configuration):
            do {
                let bytes = try InputFiles.read(input)
                return FileReport(path: input.path, analysis: Analyzer.analyze(SourceText(bytes: bytes), configuration: configuration))
            } catch {
                return FileReport(path: input.path, analysis: nil, error: "cannot read: \(Self.describe(error))")
            }
        }
    }

    static func describe(_ error: Error) -> String {
        if let error = error as? InputFiles.UsageError { return error.description }
        if let reason = FileErrorReason.posix(error) { return reason }
        let nsError = error as NSError
        if nsError.domain == NSCocoaErrorDomain && nsError.code == NSFileReadNoSuchFileError { return "no such file" }
        return nsError.localizedDescription
    }
}

/// Fixed slots filled from many threads.
final class ResultSlots<T: Sendable>: @unchecked Sendable {
    private var slots: [T?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: T) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }
    var values: [T] { slots.map { $0! } }
}
