import ArgumentParser
import FacetCore
import Foundation

/// `facet score-facets`: precision, recall and F1 of the facet classifier on
/// labelled system messages (docs/devset.md).
struct ScoreFacetsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score-facets",
        abstract: "Measure the facet classifier against labelled system messages.",
        discussion: """
        Reads files with inline labels («role»You are ...«/») or directories of *.tagged.md files; \
        or, with --labels, a JSONL file of labelled byte ranges ({"source", "start", "end", "facets"}) \
        into files under --root. Prints per-facet precision, recall and F1 over (unit, facet) pairs.
        """
    )

    @Argument(help: "Tagged files or directories of *.tagged.md files.")
    var paths: [String] = []

    @Option(help: "JSONL of labelled ranges into files under --root.")
    var labels: String?

    @Option(help: "Directory the --labels sources are relative to.")
    var root: String = "."

    @Flag(help: "List the units the classifier got wrong.")
    var mistakes = false

    @Option(help: "Write each unit's features and gold facets to this JSONL file (for bench/train-facets.py).")
    var features: String?

    @Flag(help: "Score the rules alone, without the learned layer.")
    var ruleBased = false

    /// A file that cannot be read or a label that cannot be used, said with the file (and
    /// the line, for a label): exit 2, as for every IO error.
    struct InputError: Error, CustomStringConvertible {
        var description: String
    }

    func run() throws {
        let status = try execute(output: { StandardStreams.write($0) })
        if status != 0 { throw ExitCode(status) }
    }

    /// Scores the labelled files, writing the table to `output`; returns the exit status.
    func execute(output: (String) -> Void) throws -> Int32 {
        do {
            return try score(output: output)
        } catch let error as InputError {
            FileHandle.standardError.write(Data("facet: \(error.description)\n".utf8))
            return 2
        }
    }

    private func score(output: (String) -> Void) throws -> Int32 {
        // Every argument is checked before --features is written: it was emptied first.
        let files = try taggedFiles()
        try refuseAsFeatures(files + [labels].compactMap { $0 })
        var documents: [FacetScores] = []
        var featureLines: [String] = []
        for path in files {
            let bytes = try Self.read(path)
            let tagged: TaggedText
            do { tagged = try TaggedText.parse(bytes) } catch {
                throw InputError(description: "\(path): \(error)")
            }
            let name = (path as NSString).lastPathComponent
            documents.append(score(SourceText(bytes: tagged.plain), gold: tagged.spans, name: name, lines: &featureLines))
        }
        if let labels { documents += try scoreLabels(labels, lines: &featureLines) }
        guard !documents.isEmpty else { throw ValidationError("no labelled files given") }
        if let features {
            // In place, so a link stays a link (an atomic write put a file where it was).
            let text = featureLines.joined(separator: "\n") + (featureLines.isEmpty ? "" : "\n")
            guard OutputFile.write(text, to: features) else { return 2 }
        }
        var total = FacetScores()
        for document in documents { total.add(document) }
        output(Self.table(total) + "\n")
        let interval = BootstrapInterval(documents: documents)
        output(String(format: "micro-F1 95%% interval %.3f-%.3f (documents resampled %d times)\n", interval.lower, interval.upper, interval.samples))
        if mistakes { for line in total.mistakes { output(line + "\n") } }
        return 0
    }

    /// Scores one document; with --features, adds its units' feature lines to `lines`.
    func score(_ source: SourceText, gold: [TaggedText.Span], name: String, lines: inout [String]) -> FacetScores {
        let document = Segmenter.segment(source)
        if features != nil { lines += FacetEvaluation.featureLines(document: document, gold: gold, name: name) }
        let classifier = ruleBased ? FacetClassifier.ruleBased : FacetClassifier()
        return FacetEvaluation.score(document: document, facets: classifier.classify(document), gold: gold, name: name)
    }

    /// Refuses a --features file that is one of `inputs`: writing it would destroy what is read.
    func refuseAsFeatures(_ inputs: [String]) throws {
        guard let features else { return }
        for input in inputs where OutputFile.isSame(features, input) {
            throw InputError(description: "\(features) is one of the files read (\(input)); write the features to another file")
        }
    }

    /// A file's bytes, as `facet check` reads them (up to 256 MB, a pipe too).
    static func read(_ path: String) throws -> [UInt8] {
        do { return try InputFiles.read(InputFiles.Input(path: path)) } catch {
            throw InputError(description: "\(path): cannot read: \(FileReport.describe(error))")
        }
    }

    func taggedFiles() throws -> [String] {
        var files: [String] = []
        for path in paths {
            guard InputFiles.isDirectory(path) else {
                files.append(path)  // one that is not there says so when it is read
                continue
            }
            let names: [String]
            do { names = try FileManager.default.contentsOfDirectory(atPath: path) } catch {
                throw InputError(description: "\(path): cannot read the folder: \(FileReport.describe(error))")
            }
            files += names.filter { $0.hasSuffix(".tagged.md") }.sorted().map { (path as NSString).appendingPathComponent($0) }
        }
        return files
    }

    /// Scores each labelled source file, in the order the labels name them.
    func scoreLabels(_ path: String, lines: inout [String]) throws -> [FacetScores] {
        struct Label: Decodable { var source: String; var start: Int?; var end: Int?; var facets: [String]?; var prefix_bytes: Int? }
        /// A source's labels, with the line of each span for errors found once the file is read.
        struct LabelledSource {
            var prefix: Int?
            var spans: [TaggedText.Span] = []
            var spanLines: [Int] = []
            var line: Int
        }
        // Keyed on the name's bytes: String keys compare by canonical equivalence, and
        // "café" in NFC and in NFD are two files.
        var bySource: [[UInt8]: LabelledSource] = [:]
        var order: [String] = []
        guard let text = String(validating: try Self.read(path), as: UTF8.self) else {
            throw InputError(description: "\(path): cannot read the file as UTF-8 text")
        }
        // Numbered as the file is, blank lines too, so an error names the line to fix.
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            let here = "\(path):\(index + 1)"
            let label: Label
            do { label = try JSONDecoder().decode(Label.self, from: Data(line.utf8)) } catch {
                throw InputError(description: "\(here): \(Self.describe(error))")
            }
            let key = Array(label.source.utf8)
            if bySource[key] == nil { order.append(label.source); bySource[key] = LabelledSource(line: index + 1) }
            if let prefix = label.prefix_bytes {
                guard prefix >= 0 else { throw InputError(description: "\(here): \"prefix_bytes\" is \(prefix); a count of bytes is 0 or more") }
                bySource[key]!.prefix = prefix
            }
            if let start = label.start, let end = label.end, let facets = label.facets {
                // Checked here: a range that ends before it starts stopped the process.
                guard start >= 0, start <= end else {
                    throw InputError(description: "\(here): \"start\" \(start) and \"end\" \(end) are no range of bytes; 0 ≤ start ≤ end")
                }
                bySource[key]!.spans.append(TaggedText.Span(range: start..<end, facets: Set(facets.compactMap(Facet.init(rawValue:)))))
                bySource[key]!.spanLines.append(index + 1)
            }
        }
        try refuseAsFeatures(order.map { (root as NSString).appendingPathComponent($0) })
        var documents: [FacetScores] = []
        for source in order {
            let entry = bySource[Array(source.utf8)]!
            let file = (root as NSString).appendingPathComponent(source)
            var bytes: [UInt8]
            do { bytes = try Self.read(file) } catch let error as InputError {
                throw InputError(description: "\(error.description) (the source of \(path):\(entry.line))")
            }
            // Past the end, a label could only be matched by accident: the labels are for another version of the file.
            for (span, line) in zip(entry.spans, entry.spanLines) where span.range.upperBound > bytes.count {
                throw InputError(description: "\(path):\(line): \"end\" \(span.range.upperBound) is past the end of \(file) (\(bytes.count) bytes)")
            }
            if let prefix = entry.prefix, prefix < bytes.count { bytes = Array(bytes[..<prefix]) }
            documents.append(score(SourceText(bytes: bytes), gold: entry.spans, name: source, lines: &lines))
        }
        return documents
    }

    /// Why a line is not a label, in a few words rather than a decoder's dump.
    static func describe(_ error: Error) -> String {
        let shape = #"a label is one JSON object: {"source": "file", "start": 0, "end": 10, "facets": ["role"]}"#
        guard let error = error as? DecodingError else { return "not a label: \(error)" }
        func field(_ context: DecodingError.Context) -> String { context.codingPath.map(\.stringValue).joined(separator: ".") }
        switch error {
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON; \(shape)" : "\"\(field(context))\": \(context.debugDescription)"
        case .keyNotFound(let key, _):
            return "no \"\(key.stringValue)\"; \(shape)"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return context.codingPath.isEmpty ? "not a JSON object; \(shape)" : "\"\(field(context))\" has the wrong type; \(shape)"
        @unknown default:
            return "not a label; \(shape)"
        }
    }

    static func table(_ s: FacetScores) -> String {
        var out = "facet        precision  recall  f1     support\n"
        for facet in Facet.allCases {
            out += row(facet.rawValue, s.precision(facet), s.recall(facet), s.f1(facet), s.support(facet))
        }
        out += row("micro", s.precision(nil), s.recall(nil), s.f1(nil), s.support(nil))
        out += "\(s.documents) documents, \(s.units) units"
        return out
    }

    static func row(_ name: String, _ p: Double, _ r: Double, _ f: Double, _ n: Int) -> String {
        name.padding(toLength: 13, withPad: " ", startingAt: 0) + String(format: "%.3f      %.3f   %.3f  %d\n", p, r, f, n)
    }
}
