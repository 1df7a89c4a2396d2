import Foundation

/// Standard output with errors a person can read. Foundation's
/// `FileHandle.write(_:)` stops the process with a fatal error when the stream
/// is closed or full; this exits with 2, the code for an IO error. (Standard
/// input is read by `InputFiles.read`, within the same bound as a file.)
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
}
