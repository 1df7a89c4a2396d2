import FacetCore
import Foundation

/// Blanks secrets in raw message text before it reaches a trace file or a
/// log, so editor settings carrying a key stay secret: the string value of any
/// JSON member whose name looks secret (`SecretName`), and every string value
/// inside a `headers` object, since a custom header is often how a gateway
/// takes its credential.
enum SecretScrubber {
    /// A member with a string value: the name (group 1), then the value (group 2).
    private static let stringMember = try! NSRegularExpression(
        pattern: #""((?:[^"\\]|\\.)*)"\s*:\s*("(?:[^"\\]|\\.)*")"#)
    /// A `"headers": { ... }` object; header values are strings, so it holds no braces of its own.
    private static let headersObject = try! NSRegularExpression(
        pattern: #""headers"\s*:\s*\{(?:[^{}"]|"(?:[^"\\]|\\.)*")*\}"#, options: [.caseInsensitive])

    static func scrub(_ text: String) -> String {
        let nsText = text as NSString
        let whole = NSRange(location: 0, length: nsText.length)
        let headers = headersObject.matches(in: text, range: whole).map(\.range)
        var result = ""
        var copied = 0
        for match in stringMember.matches(in: text, range: whole) {
            let inHeaders = headers.contains { NSLocationInRange(match.range.location, $0) }
            guard inHeaders || SecretName.looksSecret(nsText.substring(with: match.range(at: 1))) else { continue }
            let value = match.range(at: 2)
            result += nsText.substring(with: NSRange(location: copied, length: value.location - copied))
            result += #""[redacted]""#
            copied = value.location + value.length
        }
        guard copied > 0 else { return text }
        return result + nsText.substring(from: copied)
    }

    static func scrub(_ bytes: Data) -> Data {
        Data(scrub(String(decoding: bytes, as: UTF8.self)).utf8)
    }
}
