import FacetCore
import FacetFiles
import Foundation

/// The outcome of checking one input: its analysis, or why it could not be read.
struct FileReport: Sendable {
    var path: String
    var analysis: Analysis?
    var error: String?

    /// Reads and analyses every input, in parallel on all cores, keeping input order.
    static func analyze(_ inputs: [InputFiles.Input], configurations: ConfigurationFinder) -> [FileReport] {
        let results = ResultSlots<FileReport>(count: inputs.count)
        DispatchQueue.concurrentPerform(iterations: inputs.count) { index in
            let input = inputs[index]
            let report: FileReport
            if let problem = input.problem {
                results.set(index, FileReport(path: input.path, analysis: nil, error: problem))
                return
            }
            let directory = input.isStandardInput ? FileManager.default.currentDirectoryPath
                : URL(fileURLWithPath: input.path).deletingLastPathComponent().path
            switch configurations.configuration(inDirectory: directory) {
            case .failure(let error):
                report = FileReport(path: input.path, analysis: nil, error: error.description)
            case .success(let configuration):
                do {
                    let bytes = try InputFiles.read(input)
                    report = FileReport(path: input.path, analysis: Analyzer.analyze(SourceText(bytes: bytes), configuration: configuration))
                } catch {
                    report = FileReport(path: input.path, analysis: nil, error: "cannot read: \(Self.describe(error))")
                }
            }
            results.set(index, report)
        }
        return results.values
    }

    static func describe(_ error: Error) -> String {
        if let error = error as? InputFiles.UsageError { return error.description }
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError {
            return String(cString: strerror(Int32(underlying.code)))
        }
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
