import Foundation
import XCTest

/// Runs the built `facet` binary as a user would: `arguments`, extra
/// `environment` variables, and optionally other standard streams than pipes,
/// or through a `launcher` command (such as setpriv) given the binary's path.
/// Returns (status, stdout, stderr); stdout is empty when `standardOutput` is given.
func runFacet(_ arguments: [String], environment: [String: String] = [:], standardInput: FileHandle? = nil,
              standardOutput: FileHandle? = nil, launcher: [String] = []) throws -> (Int32, String, String) {
    let binary = ServerProcess.binary
    guard FileManager.default.isExecutableFile(atPath: binary.path) else {
        XCTFail("no facet binary at \(binary.path); run `swift build` first or set FACET_BIN")
        throw CancellationError()
    }
    let process = Process()
    process.executableURL = launcher.first.map { URL(fileURLWithPath: $0) } ?? binary
    process.arguments = launcher.isEmpty ? arguments : launcher.dropFirst() + [binary.path] + arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let out = Pipe(), err = Pipe()
    process.standardOutput = standardOutput ?? out
    process.standardError = err
    if let standardInput { process.standardInput = standardInput }
    try process.run()
    if standardOutput != nil { try? out.fileHandleForWriting.close() }
    let stdout = standardOutput == nil ? out.fileHandleForReading.readDataToEndOfFile() : Data()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
}
