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

    func run() throws {
        var documents: [FacetScores] = []
        var featureLines: [String] = []
        for path in try taggedFiles() {
            let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
            let tagged: TaggedText
            do { tagged = try TaggedText.parse(bytes) } catch {
                throw ValidationError("\(path): \(error)")
            }
            let name = (path as NSString).lastPathComponent
            documents.append(score(SourceText(bytes: tagged.plain), gold: tagged.spans, name: name, lines: &featureLines))
        }
        if let labels { documents += try scoreLabels(labels, lines: &featureLines) }
        if let features {
            let text = featureLines.joined(separator: "\n") + (featureLines.isEmpty ? "" : "\n")
            try text.write(toFile: features, atomically: true, encoding: .utf8)
        }
        guard !documents.isEmpty else { throw ValidationError("no labelled files given") }
        var total = FacetScores()
        for document in documents { total.add(document) }
        print(Self.table(total))
        let interval = BootstrapInterval(documents: documents)
        print(String(format: "micro-F1 95%% interval %.3f-%.3f (documents resampled %d times)", interval.lower, interval.upper, interval.samples))
        if mistakes { for line in total.mistakes { print(line) } }
    }

    /// Scores one document; with --features, adds its units' feature lines to `lines`.
    func score(_ source: SourceText, gold: [TaggedText.Span], name: String, lines: inout [String]) -> FacetScores {
        let document = Segmenter.segment(source)
        if features != nil { lines += FacetEvaluation.featureLines(document: document, gold: gold, name: name) }
        let classifier = ruleBased ? FacetClassifier.ruleBased : FacetClassifier()
        return FacetEvaluation.score(document: document, facets: classifier.classify(document), gold: gold, name: name)
    }

    func taggedFiles() throws -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw ValidationError("\(path): no such file") }
            if isDirectory.boolValue {
                let names = try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".tagged.md") }.sorted()
                files += names.map { (path as NSString).appendingPathComponent($0) }
            } else {
                files.append(path)
            }
        }
        return files
    }

    /// Scores each labelled source file, in the order the labels name them.
    func scoreLabels(_ path: String, lines: inout [String]) throws -> [FacetScores] {
        struct Label: Decodable { var source: String; var start: Int?; var end: Int?; var facets: [String]?; var prefix_bytes: Int? }
        var bySource: [String: (prefix: Int?, spans: [TaggedText.Span])] = [:]
        var order: [String] = []
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for line in text.split(separator: "\n") where !line.isEmpty {
            let label = try JSONDecoder().decode(Label.self, from: Data(line.utf8))
            if bySource[label.source] == nil { order.append(label.source); bySource[label.source] = (nil, []) }
            if let prefix = label.prefix_bytes { bySource[label.source]!.prefix = prefix }
            if let start = label.start, let end = label.end, let facets = label.facets {
                bySource[label.source]!.spans.append(TaggedText.Span(range: start..<end, facets: Set(facets.compactMap(Facet.init(rawValue:)))))
            }
        }
        var documents: [FacetScores] = []
        for source in order {
            let entry = bySource[source]!
            var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: (root as NSString).appendingPathComponent(source))))
            if let prefix = entry.prefix, prefix < bytes.count { bytes = Array(bytes[..<prefix]) }
            documents.append(score(SourceText(bytes: bytes), gold: entry.spans, name: source, lines: &lines))
        }
        return documents
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
