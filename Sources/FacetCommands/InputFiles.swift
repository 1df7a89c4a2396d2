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
            return Array(FileHandle.standardInput.readDataToEndOfFile())
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: input.path))
        return Array(data)
    }
}

/// Finds and caches `.facet.toml` files, searching upward from each input.
final class ConfigurationFinder: @unchecked Sendable {
    private var cache: [String: Result<FacetConfiguration, ConfigurationError>] = [:]
    private let lock = NSLock()
    private let explicit: Result<FacetConfiguration, ConfigurationError>?

    init(explicitPath: String?) throws {
        if let explicitPath {
            guard let text = try? String(contentsOfFile: explicitPath, encoding: .utf8) else {
                throw InputFiles.UsageError(description: "\(explicitPath): cannot read configuration file")
            }
            do {
                explicit = .success(try FacetConfiguration.parse(toml: text, file: explicitPath))
            } catch {
                explicit = .failure(error)
            }
        } else {
            explicit = nil
        }
    }

    func configuration(for input: InputFiles.Input) -> Result<FacetConfiguration, ConfigurationError> {
        if let explicit { return explicit }
        let start = input.isStandardInput ? FileManager.default.currentDirectoryPath
            : URL(fileURLWithPath: input.path).deletingLastPathComponent().path
        return configuration(inDirectory: start)
    }

    private func configuration(inDirectory directory: String) -> Result<FacetConfiguration, ConfigurationError> {
        lock.lock()
        if let cached = cache[directory] { lock.unlock(); return cached }
        lock.unlock()
        let candidate = (directory as NSString).appendingPathComponent(".facet.toml")
        let result: Result<FacetConfiguration, ConfigurationError>
        if FileManager.default.fileExists(atPath: candidate) {
            if let text = try? String(contentsOfFile: candidate, encoding: .utf8) {
                do { result = .success(try FacetConfiguration.parse(toml: text, file: candidate)) } catch { result = .failure(error) }
            } else {
                result = .failure(ConfigurationError(file: candidate, line: 1, message: "cannot read the file as UTF-8 text"))
            }
        } else {
            let parent = (directory as NSString).deletingLastPathComponent
            result = parent == directory || parent.isEmpty ? .success(.default) : configuration(inDirectory: parent)
        }
        lock.lock()
        cache[directory] = result
        lock.unlock()
        return result
    }
}
