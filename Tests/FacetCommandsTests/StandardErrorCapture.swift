import Foundation

/// Runs `body` with standard error sent to a temporary file, and returns what was
/// written there: the commands say what is wrong on standard error.
func capturingStandardError<T>(_ body: () throws -> T) rethrows -> (result: T, standardError: String) {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("facet-stderr-\(UUID().uuidString)")
    FileManager.default.createFile(atPath: url.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: url) }
    let file = open(url.path, O_WRONLY)
    let saved = dup(STDERR_FILENO)
    dup2(file, STDERR_FILENO)
    close(file)
    defer {
        dup2(saved, STDERR_FILENO)
        close(saved)
    }
    let result = try body()
    let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    return (result, text)
}
