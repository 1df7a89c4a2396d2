import Foundation

/// Blanks the values of secret-looking JSON keys (`apiKey`, `api-key`,
/// `api_key`, `authorization`, `accessToken`, `password`, `secret`) in raw message text before
/// it reaches a trace file or a log, so editor settings carrying a key stay secret.
enum SecretScrubber {
    private static let pattern = try! NSRegularExpression(
        pattern: #"("(?:api[-_]?key|authorization|access[-_]?token|password|secret)"\s*:\s*)"(?:[^"\\]|\\.)*""#,
        options: [.caseInsensitive])

    static func scrub(_ text: String) -> String {
        let range = NSRange(text.startIndex..., in: text)
        guard pattern.firstMatch(in: text, range: range) != nil else { return text }
        return pattern.stringByReplacingMatches(in: text, range: range, withTemplate: #"$1"[redacted]""#)
    }

    static func scrub(_ bytes: Data) -> Data {
        Data(scrub(String(decoding: bytes, as: UTF8.self)).utf8)
    }
}
