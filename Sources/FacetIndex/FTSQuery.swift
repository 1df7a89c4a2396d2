import FacetCore
import Foundation

/// Turns words from a user or a message into an FTS5 query that matches any of
/// them. Each word is quoted, so quotes, `*`, `NEAR`, `AND`, parentheses and any
/// script search as plain text and can never make an SQL error.
enum FTSQuery {
    /// The distinct words of `words`, in order, at most 32.
    static func distinctTokens(_ words: [String]) -> [String] {
        var seen = Set<String>()
        return Array(words.flatMap(tokens).filter { seen.insert($0).inserted }.prefix(32))
    }

    /// nil when there is nothing to search for.
    static func matchingAny(_ words: [String]) -> String? {
        let tokens = distinctTokens(words)
        guard !tokens.isEmpty else { return nil }
        return tokens.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: " OR ")
    }

    /// Splits free text the way the index's tokenizer would: runs of letters and digits.
    static func tokens(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        // Folded like the index's tokenizer (unicode61, remove_diacritics 2) folds text.
        for scalar in text.lowercased().folding(options: .diacriticInsensitive, locale: nil).unicodeScalars {
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                current.unicodeScalars.append(scalar)
            } else if !current.isEmpty {
                result.append(current)
                current = ""
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }
}
