import FacetCore
import Foundation

/// The cases file beside a system message: `NAME.cases.yaml` (or `.yml`) for
/// `NAME.md`, `NAME.txt` or `NAME`.
public enum CaseFiles {
    public static func path(besides file: String) -> String? {
        let directory = (file as NSString).deletingLastPathComponent
        let base = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        for ext in ["cases.yaml", "cases.yml"] {
            let candidate = (directory as NSString).appendingPathComponent("\(base).\(ext)")
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
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
