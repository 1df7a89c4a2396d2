import FacetIndex
import Foundation
import LSPTypes

/// Preference files under `.facet/collection/` in the open workspace folders:
/// indexed when the server starts, indexed again when the client reports a change.
extension LanguageServer {
    static let collectionFolder = ".facet/collection"
    static let collectionSuffixes = [".json", ".jsonl", ".yaml", ".yml"]

    func indexWorkspaceCollections() {
        let folders = workspaceFolders
        indexing.async {
            for folder in folders {
                let directory = (folder as NSString).appendingPathComponent(Self.collectionFolder)
                guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { continue }
                for name in names.sorted() where Self.collectionSuffixes.contains(where: name.hasSuffix) {
                    self.reindexCollection((directory as NSString).appendingPathComponent(name))
                }
            }
        }
    }

    /// Called for watched-file events under `.facet/collection/`.
    func collectionFilesChanged(_ paths: [String]) {
        indexing.async {
            for path in paths { self.reindexCollection(path) }
        }
    }

    /// On the indexing queue: one file, with problems shown in the editor's log.
    private func reindexCollection(_ path: String) {
        guard let index = preferences.index else { return }
        do {
            let report = try CollectionImporter(index: index).reindex(path)
            preferences.contentChanged()
            log.info("indexed \(path): \(report.summary)")
            if !report.problems.isEmpty {
                let first = report.problems.prefix(3).map(\.description).joined(separator: "; ")
                queue.async { self.reportProblem("\(report.problems.count) rows of \(path) were skipped: \(first)", type: .warning, once: false) }
            }
        } catch {
            // The file's old preferences were dropped, and the rows read before a read error imported.
            preferences.contentChanged()
            queue.async { self.reportProblem("cannot index \(path): \(error)", type: .warning, once: false) }
        }
    }
}
