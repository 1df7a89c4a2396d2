import FacetCore

/// How one output format writes `facet check`: a header, a part per file and a
/// footer. Each file's part is rendered on the worker that analysed it, so the
/// analysis is dropped as soon as its part exists and a large folder is written
/// as it is checked, in bounded memory, not held whole until the end.
protocol CheckReporter: Sendable {
    func header() -> String
    /// One file's part, on any thread. An empty part adds nothing to the output.
    func render(_ report: FileReport) -> String
    /// Written between two non-empty parts (JSON's comma).
    var separator: String { get }
    func footer(_ totals: CheckTotals) -> String
    /// Parts with the same key are written once, the first time (nil: always written).
    func onceKey(_ report: FileReport) -> String?
}

extension CheckReporter {
    func onceKey(_ report: FileReport) -> String? { nil }
}

/// What the footer and the exit status need of one file once its analysis is gone.
struct FileTally: Sendable {
    var path: String
    var error: String?
    var settingsInvalid: Bool
    var findings: [Severity: Int] = [:]

    init(_ report: FileReport) {
        path = report.path
        error = report.error
        settingsInvalid = report.settingsInvalid
        for finding in report.analysis?.findings ?? [] { findings[finding.severity, default: 0] += 1 }
    }
}

/// The whole run, added up file by file.
struct CheckTotals {
    var files = 0
    var findings: [Severity: Int] = [:]
    /// Files not checked, with why, in input order.
    var failures: [(path: String, error: String, settingsInvalid: Bool)] = []
    /// Of those, the files under invalid settings, and the others, which could not be read.
    var settingsInvalid: Int { failures.count { $0.settingsInvalid } }
    var unreadable: Int { failures.count - settingsInvalid }

    mutating func add(_ tally: FileTally) {
        files += 1
        findings.merge(tally.findings, uniquingKeysWith: +)
        if let error = tally.error { failures.append((tally.path, error, tally.settingsInvalid)) }
    }

    /// 2 when a file could not be checked, 1 when a finding is an error, else 0.
    var exitStatus: Int32 {
        if !failures.isEmpty { return 2 }
        return (findings[.error] ?? 0) > 0 ? 1 : 0
    }
}
