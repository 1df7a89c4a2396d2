import ArgumentParser
import FacetCore
import FacetFiles
import FacetIndex
import Foundation

/// `facet tag` and `facet untag`: SysGen-style phrase tags (`«Role»…«/Role»`)
/// in the system message of every row of a JSON Lines dataset.
struct TagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag",
        abstract: "Write a JSON Lines dataset back with each system message's phrases tagged by facet.",
        discussion: """
        Each unit of a row's system message gets its strongest facet as a tag: \
        «Role»You are a tutor.«/Role» «Format»Reply in JSON.«/Format». Tags are inserted \
        into the JSON string as it is written, so the rest of every row, blank lines and \
        line endings stay byte for byte, and `facet untag` gives back the original file. \
        Rows without a system message, whose message already holds facet tags or has no unit with a facet, are \
        written unchanged and counted on standard error. Runs on all cores.
        """
    )

    @Argument(help: "A JSON Lines dataset (OpenAI messages, ShareGPT conversations, or Multifaceted Collection rows).")
    var file: String
    @Option(name: .shortAndLong, help: "Write here instead of standard output (never over the input).")
    var output: String?
    @Option(name: .long, help: "Use this configuration file instead of searching for .facet.toml.")
    var config: String?

    func run() throws {
        let configuration: FacetConfiguration
        do {
            switch try ConfigurationFinder(explicitPath: config).configuration(besides: file) {
            case .success(let found): configuration = found
            case .failure(let error): throw ValidationError(error.description)
            }
        } catch let error as ConfigurationError { throw ValidationError("--config \(error.description)") }
        let code = DatasetRewrite.run(file: file, output: output, verb: "tagged", transform: Self.tagger(configuration))
        if code != 0 { throw ExitCode(code) }
    }

    /// What `tag` does to one row.
    static func tagger(_ configuration: FacetConfiguration) -> @Sendable ([UInt8]) -> DatasetRewrite.Outcome {
        { row in
            guard case .success(let located) = SystemMessageLocator.locate(row, decode: false) else { return .skipped("no system message") }
            if FacetTags.containsTags(row[located.literal]) { return .skipped("already tagged") }
            let decoded = JSONString.bytes(row[located.literal])
            let analysis = Analyzer.analyze(SourceText(bytes: decoded), configuration: configuration)
            let tagged = FacetTags.tag(row: row, literal: located.literal, analysis: analysis)
            // An empty message, or one in which no unit has a facet, gets no tag.
            return tagged == row ? .skipped("no facet to tag") : .changed(tagged)
        }
    }
}

struct UntagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "untag",
        abstract: "Remove the facet tags `facet tag` wrote, giving back the original dataset.",
        discussion: "Removes «Role», «/Role» and the other facet tags from each row's system message, nothing else."
    )

    @Argument(help: "A JSON Lines dataset written by facet tag.")
    var file: String
    @Option(name: .shortAndLong, help: "Write here instead of standard output (never over the input).")
    var output: String?

    func run() throws {
        let code = DatasetRewrite.run(file: file, output: output, verb: "untagged") { row in
            guard case .success(let located) = SystemMessageLocator.locate(row, decode: false) else { return .skipped("no system message") }
            guard FacetTags.containsTags(row[located.literal]) else { return .skipped("no tags") }
            return .changed(FacetTags.untag(row: row, literal: located.literal))
        }
        if code != 0 { throw ExitCode(code) }
    }
}

/// Rewrites a JSON Lines file line by line, in parallel waves, in order, in
/// constant memory. Lines the transform does not change are copied as read.
enum DatasetRewrite {
    enum Outcome: Sendable {
        case changed([UInt8])
        case skipped(String)
    }

    static let batchSize = 256

    /// `report` gets the summary line ("facet: 3 rows tagged, ..."), for standard error.
    static func run(file: String, output: String?, verb: String, report: (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) },
                    transform: @escaping @Sendable ([UInt8]) -> Outcome) -> Int32 {
        func fail(_ message: String) -> Int32 {
            FileHandle.standardError.write(Data("facet: \(message)\n".utf8))
            return 2
        }
        if InputFiles.isDirectory(file) { return fail("\(file) is a folder, not a dataset file") }
        let descriptor = open(file, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return fail("\(file): cannot read the file: \(String(cString: strerror(errno)))") }
        let input = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        if RowReader.isDevice(descriptor) {
            return fail("\(file) is a device, not a dataset file")
        }
        if let output, OutputFile.isSame(output, file) {
            return fail("write to another file than the input (-o)")
        }
        // Opened at the first write, once the input is known to be JSON Lines:
        // opening it truncates, and a refused input must leave it as it was.
        var sink: FileHandle? = output == nil ? FileHandle.standardOutput : nil
        var openFailure = ""
        func openSink() -> FileHandle? {
            if sink == nil, let output { sink = OutputFile.openForWriting(output, reason: &openFailure) }
            return sink
        }
        var lines = LineReader(input)
        var changed = 0
        var skipped: [String: Int] = [:]
        var failure: Int32?
        var firstBatch = true
        let mark = SourceText.byteOrderMark
        ParallelWaves.run(batchSize: batchSize, next: { lines.next() }, transform: { (line: LineReader.Line, _: Int) -> Outcome? in
            // Blank lines are not rows: copied as they are.
            guard line.bytes.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return nil }
            // A byte order mark before the first row stays in the output, and the row after it is read.
            guard line.bytes.starts(with: mark) else { return transform(line.bytes) }
            switch transform(Array(line.bytes.dropFirst(mark.count))) {
            case .changed(let bytes): return .changed(mark + bytes)
            case let other: return other
            }
        }, consume: { batch, outcomes in
            defer { firstBatch = false }
            let command = verb == "tagged" ? "tag" : "untag"
            if firstBatch, let first = batch.first {
                let start = first.bytes.drop(while: { $0 == 0x20 || $0 == 0x09 || mark.contains($0) })
                if start.first == UInt8(ascii: "[") {
                    failure = fail("\(file) is a JSON array; \(command) works on JSON Lines (one row per line)")
                    return false
                }
                // A lone brace opens an object written over several lines (`jq .` output): read line
                // by line, no row was found, and the file came out unchanged as "0 rows tagged".
                if start.first == UInt8(ascii: "{") && start.dropFirst().allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
                    failure = fail("\(file) holds objects written over several lines; \(command) works on JSON Lines (one row per line, as `jq -c .` writes)")
                    return false
                }
            }
            var pending = Data()
            for (line, outcome) in zip(batch, outcomes) {
                switch outcome {
                case .changed(let bytes)?:
                    changed += 1
                    pending.append(contentsOf: bytes)
                case .skipped(let reason)?:
                    skipped[reason, default: 0] += 1
                    pending.append(contentsOf: line.bytes)
                case nil:
                    pending.append(contentsOf: line.bytes)
                }
                if line.hasNewline { pending.append(0x0A) }
            }
            guard let sink = openSink() else {
                failure = fail("\(output ?? "standard output"): cannot write the file: \(openFailure)")
                return false
            }
            do {
                try sink.write(contentsOf: pending)
            } catch {
                failure = fail("\(output ?? "standard output"): cannot write: \(FileReport.describe(error))")
                return false
            }
            return true
        })
        if let failure { return failure }
        if let error = lines.readError { return fail("\(file): reading stopped part way: \(FileReport.describe(error)); the output is incomplete") }
        if let output {
            // An empty dataset gives an empty file.
            guard let sink = openSink() else { return fail("\(output): cannot write the file: \(openFailure)") }
            try? sink.close()
        }
        var summary = "facet: \(changed) row\(changed == 1 ? "" : "s") \(verb)"
        for (reason, count) in skipped.sorted(by: { $0.key < $1.key }) { summary += ", \(count) unchanged (\(reason))" }
        report(summary)
        return 0
    }
}

/// Lines of a file with whether each ended in a newline, read in 1 MiB chunks.
struct LineReader {
    struct Line: Sendable {
        var bytes: [UInt8]
        var hasNewline: Bool
    }

    private let handle: FileHandle
    /// Set when reading stopped on an error rather than at the end of the file.
    private(set) var readError: Error?
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false

    init(_ handle: FileHandle) { self.handle = handle }

    mutating func next() -> Line? {
        // Bytes after `position` known to hold no line break: each read searches only what it added.
        var searched = 0
        while true {
            if let newline = RowReader.firstNewline(in: buffer, from: position + searched) {
                let line = Line(bytes: Array(buffer[position..<newline]), hasNewline: true)
                position = newline + 1
                return line
            }
            searched = buffer.count - position
            // A file without line breaks would be read as one line until memory runs out.
            if !atEnd && searched > RowReader.maximumRowBytes {
                readError = CocoaError(.fileReadTooLarge, userInfo: [
                    NSLocalizedDescriptionKey: "a line longer than \(RowReader.maximumRowBytes >> 20) MB: not a dataset row",
                ])
                atEnd = true
                return nil
            }
            if atEnd {
                guard position < buffer.count else { return nil }
                let line = Line(bytes: Array(buffer[position...]), hasNewline: false)
                position = buffer.count
                return line
            }
            // The throwing read: `readData(ofLength:)` stops the process on a read error.
            let chunk: Data
            do { chunk = try handle.read(upToCount: 1 << 20) ?? Data() } catch {
                readError = error
                atEnd = true
                continue
            }
            if chunk.isEmpty { atEnd = true; continue }
            buffer.removeSubrange(0..<position)
            position = 0
            buffer.append(contentsOf: chunk)
        }
    }
}
