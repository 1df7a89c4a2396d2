import ArgumentParser
import FacetCore
import Foundation

/// `facet facets`: a readable per-unit facet breakdown.
struct FacetsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "facets",
        abstract: "Show each unit of a system message with its facets, confidence and evidence."
    )

    @Argument(help: "A system message file, or - for standard input.")
    var path: String

    func run() throws {
        let bytes: [UInt8]
        do {
            bytes = try InputFiles.read(InputFiles.Input(path: path))
        } catch {
            FileHandle.standardError.write(Data("facet: \(path): cannot read: \(FileReport.describe(error))\n".utf8))
            throw ExitCode(2)
        }
        let colors = Colors.forStandardOutput()
        StandardStreams.write(Self.render(Analyzer.analyze(SourceText(bytes: bytes)), colors: colors))
    }

    static func render(_ analysis: Analysis, colors: Colors) -> String {
        var out = ""
        for (index, unit) in analysis.document.units.enumerated() {
            let line = analysis.source.lines.line(containing: unit.range.lowerBound) + 1
            var text = TerminalText.safe(TerminalText.oneLine(analysis.document.text(of: unit)))
            if text.count > 90 { text = String(text.prefix(87)) + "..." }
            let facets = analysis.facets[index]
            let label: String
            if unit.isExample {
                label = colors.dim("(example)")
            } else if facets.assignments.isEmpty {
                label = colors.dim("-")
            } else {
                label = facets.assignments.map { a in
                    colors.bold(a.facet.rawValue) + " " + String(format: "%.2f", a.confidence) + colors.dim(" (" + TerminalText.safe(a.evidence.prefix(3).joined(separator: ", ")) + ")")
                }.joined(separator: "; ")
            }
            out += "\(String(format: "%4d", line))  \(unit.kind.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0))  \(text)\n"
            out += "      \(label)\n"
        }
        let covered = Facet.allCases.map { analysis.profile.covers($0) ? "\($0.rawValue) ✓" : "\($0.rawValue) ✗" }
        out += "\ncoverage: " + covered.joined(separator: "  ") + "\n"
        let dimensions = PreferenceDimension.allCases.map { analysis.profile.covers($0) ? "\($0.rawValue) ✓" : "\($0.rawValue) ✗" }
        out += "preference dimensions: " + dimensions.joined(separator: "  ") + "\n"
        return out
    }
}
