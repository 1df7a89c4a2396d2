import FacetCore
import Foundation

/// Which files `facet check` reads: named files, directories searched for
/// system-message file names, or "-" for standard input.
enum InputFiles {
    /// File names Facet treats as system messages when it searches a directory.
    static let suffixes = [".system.md", ".sysmsg", ".prompt.md", ".system.txt"]

    struct Input: Sendable {
        var path: String
        var isStandardInput: Bool { path == "-" }
    }

    struct UsageError: Error, CustomStringConvertible {
        var description: String
    }

    static func expand(_ paths: [String]) throws -> [Input] {
        var inputs: [Input] = []
        let manager = FileManager.default
        for path in paths {
            if path == "-" { inputs.append(Input(path: "-")); continue }
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw UsageError(description: "\(path): no such file or directory")
            }
            if isDirectory.boolValue {
                guard let enumerator = manager.enumerator(atPath: path) else {
                    throw UsageError(description: "\(path): cannot read directory")
                }
                var found: [String] = []
                while let relative = enumerator.nextObject() as? String {
                    if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") && $0 != "." && $0 != ".." }) { continue }
                    if suffixes.contains(where: { relative.hasSuffix($0) }) {
                        found.append(path.hasSuffix("/") ? path + relative : path + "/" + relative)
                    }
                }
                inputs += found.sorted().map { Input(path: $0) }
            } else {
                inputs.append(Input(path: path))
            }
        }
        return inputs
    }

    /// Reads a file's bytes, or standard input.
    static func read(_ input: Input) throws -> [UInt8] {
        if input.isStandardInput {
            return try StandardStreams.readInput()
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: input.path))
        return Array(data)
    }
}
