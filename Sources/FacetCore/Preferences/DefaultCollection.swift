import Foundation

/// The collection Facet ships, so suggestions work with nothing imported.
/// Its rows are in DefaultCollectionData.swift.
public enum DefaultCollection {
    public static let source = "facet-default"

    /// Every preference of the embedded collection, parsed once.
    public static let preferences: [Preference] = {
        struct Row: Decodable {
            var dimension: String
            var subdimension: String
            var preference: String
            var description: String
        }
        let decoder = JSONDecoder()
        return jsonLines.split(separator: "\n").compactMap { line in
            guard let row = try? decoder.decode(Row.self, from: Data(line.utf8)) else { return nil }
            return Preference(dimension: row.dimension, subdimension: row.subdimension, name: row.preference,
                              description: row.description, source: source)
        }
    }()

    /// Changes whenever the embedded rows change, so an index can tell it holds an old copy.
    public static var version: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in jsonLines.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return String(hash, radix: 16)
    }
}
