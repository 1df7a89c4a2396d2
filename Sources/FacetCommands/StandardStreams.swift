import Foundation

/// Standard input and output with errors a person can read. Foundation's
/// `FileHandle.write(_:)` and `readDataToEndOfFile()` stop the process with a
/// fatal error when the stream is closed, full or a directory; these throw or
/// exit with 2, the code for an IO error.
enum StandardStreams {
    /// Writes to standard output. When it cannot be written (a closed stream, a
    /// full disk, a reader gone with SIGPIPE ignored), says why on standard
    /// error and exits with 2: the rest of the output has nowhere to go.
    static func write(_ data: Data) {
        do {
            try FileHandle.standardOutput.write(contentsOf: data)
        } catch {
            FileHandle.standardError.write(Data("facet: cannot write the output: \(FileReport.describe(error))\n".utf8))
            exit(2)
        }
    }

    static func write(_ text: String) { write(Data(text.utf8)) }

    /// All of standard input; throws when it cannot be read (closed, a directory).
    static func readInput() throws -> [UInt8] {
        try FileHandle.standardInput.readToEnd().map { Array($0) } ?? []
    }
}
