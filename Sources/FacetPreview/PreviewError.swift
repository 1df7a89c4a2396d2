import Foundation

/// Why a preview request failed, with a message that says what to check.
/// Messages never contain the API key (see `Redaction`).
public struct PreviewError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case configuration, invalidURL, missingKey
        case connectionRefused, hostNotFound, tls, connectTimeout, chunkTimeout, transport
        case unauthorized, forbidden, modelNotFound, notFound, rateLimited, unavailable, serverError, httpError
        case malformedEvent, invalidResponse, cancelled
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    /// Text from the network, shortened and on one line, for error messages.
    static func excerpt(_ text: String, limit: Int = 200) -> String {
        let flat = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\t" }).joined(separator: " ")
        return flat.count > limit ? String(flat.prefix(limit)) + "…" : flat
    }
}

/// Keeps a secret out of every text Facet writes: logs, errors, previews, caches.
public struct Redaction: Sendable {
    private let secrets: [String]

    public init(_ secrets: [String?]) {
        // Very short values would blank out ordinary words; keys are long.
        self.secrets = secrets.compactMap { $0 }.filter { $0.count >= 6 }
    }

    /// Blanks each secret, and any start of one at least 8 characters long:
    /// a message shortened to fit ("you sent Bearer sk-abc…") holds only the key's start.
    public func apply(_ text: String) -> String {
        secrets.reduce(text) { text, secret in
            let lead = String(secret.prefix(8))
            var result = ""
            var rest = text[...]
            while let found = rest.range(of: lead) {
                result += rest[..<found.lowerBound]
                var end = found.upperBound
                var next = secret.index(secret.startIndex, offsetBy: lead.count)
                while end < rest.endIndex, next < secret.endIndex, rest[end] == secret[next] {
                    end = rest.index(after: end)
                    next = secret.index(after: next)
                }
                result += "[redacted]"
                rest = rest[end...]
            }
            return result + rest
        }
    }
}
