import FacetCore
import Foundation

/// The cases file beside a system message: `NAME.cases.yaml` (or `.yml`) for
/// `NAME.system.md`, `NAME.prompt.md`, `NAME.system.txt`, `NAME.sysmsg`,
/// `NAME.md`, `NAME.txt` or `NAME`.
public enum CaseFiles {
    /// The file names Facet treats as system messages, longest first.
    public static let systemMessageSuffixes = [".system.md", ".prompt.md", ".system.txt", ".sysmsg"]

    public static func path(besides file: String) -> String? {
        let directory = (file as NSString).deletingLastPathComponent
        let name = (file as NSString).lastPathComponent
        var bases: [String] = []
        if let suffix = systemMessageSuffixes.first(where: { name.hasSuffix($0) && name.count > $0.count }) {
            bases.append(String(name.dropLast(suffix.count)))
        }
        bases.append((name as NSString).deletingPathExtension)
        for base in bases {
            for ext in ["cases.yaml", "cases.yml"] {
                let candidate = (directory as NSString).appendingPathComponent("\(base).\(ext)")
                if FileManager.default.fileExists(atPath: candidate) { return candidate }
            }
        }
        return nil
    }

    /// The parsed cases file beside `file`, nil when there is none.
    public static func load(besides file: String) -> PreviewCases? {
        guard let path = path(besides: file) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            return PreviewCases(problems: ["cannot read \(path)"])
        }
        var cases = PreviewCases.parse(yaml: String(decoding: data, as: UTF8.self))
        cases.problems = cases.problems.map { "\((path as NSString).lastPathComponent): \($0)" }
        return cases
    }
}
