/// Splits a byte stream into JSON-RPC message bodies using LSP's base protocol:
/// `Content-Length: N\r\n` (plus optional other headers), a blank line, then N
/// bytes. Pure and incremental: feed it bytes in any chunks with `append`, take
/// bodies and framing errors with `next()`. After an error it resynchronises on
/// the next `Content-Length` header, so one bad message never stops the stream.
/// Header lines that end in a bare LF (outside the specification, but what a
/// hand-written client sends) are read too, with one warning.
public struct MessageFramer: Sendable {
    public enum Event: Sendable, Equatable {
        case message([UInt8])
        case error(String)
        /// Read all the same; said once per stream.
        case warning(String)
    }

    /// Bodies longer than this are skipped (and reported), never buffered.
    public let maxContentLength: Int
    /// A header block longer than this is garbage.
    public let maxHeaderBytes: Int

    private var buffer: [UInt8] = []
    private var start = 0
    private enum State: Sendable { case header, body(Int), skipping(Int) }
    private var state = State.header
    /// How far a pending body has been searched for a following header.
    private var bodyScanned = 0
    /// Whether the LF-only header warning was given.
    private var warnedOfBareLF = false

    public init(maxContentLength: Int = 64 << 20, maxHeaderBytes: Int = 8192) {
        self.maxContentLength = maxContentLength
        self.maxHeaderBytes = maxHeaderBytes
    }

    /// Bytes received and not yet consumed.
    public var pendingByteCount: Int { buffer.count - start }

    public mutating func append<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeSubrange(0..<start)
            bodyScanned = max(0, bodyScanned - start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete body or framing error; nil when more bytes are needed.
    public mutating func next() -> Event? {
        while true {
            switch state {
            case .skipping(let remaining):
                let available = min(buffer.count - start, remaining)
                // As for a body: a header inside means the announced length was a lie,
                // and skipping on would swallow every later message.
                if let next = completeHeader(in: start..<start + available) {
                    let skipped = next - start
                    start = next
                    state = .header
                    return .error("a skipped message ended after \(skipped) more bytes, where a new message began")
                }
                // The last bytes stay, in case a header is split between two reads.
                let keep = available < remaining ? min(available, Self.contentLength.count + 24) : 0
                start += available - keep
                if available - keep < remaining {
                    state = .skipping(remaining - (available - keep))
                    return nil
                }
                state = .header
            case .body(let length):
                if let next = headerInsideBody(length) {
                    let received = next - start
                    start = next
                    bodyScanned = next
                    state = .header
                    return .error("a message ended after \(received) of its announced \(length) bytes, where a new message began; skipped it")
                }
                guard buffer.count - start >= length else { return nil }
                let body = Array(buffer[start..<start + length])
                start += length
                state = .header
                return .message(body)
            case .header:
                guard start < buffer.count else { return nil }
                guard let (end, terminatorLength) = headerEnd(), end >= 0 else {
                    if buffer.count - start > maxHeaderBytes {
                        let dropped = resynchronise(after: start)
                        return .error("no message header in \(dropped) bytes; skipped them")
                    }
                    return nil
                }
                // Two Content-Length headers in one block: the first header was cut
                // short and the second begins the real message.
                var headers: [Int] = []
                while let next = Self.find(Self.contentLength, in: buffer, from: (headers.last ?? start - 1) + 1), next < end { headers.append(next) }
                if headers.count > 1, let last = headers.last {
                    let dropped = last - start
                    start = last
                    return .error("a message header was cut short; skipped \(dropped) bytes")
                }
                switch parseHeader(start..<end) {
                case .success(let length):
                    start = end + terminatorLength
                    bodyScanned = start
                    if length > maxContentLength {
                        state = .skipping(length)
                        return .error("message of \(length) bytes is over the limit of \(maxContentLength) bytes; skipped it")
                    }
                    state = .body(length)
                    if terminatorLength == Self.bareLFTerminator.count && !warnedOfBareLF {
                        warnedOfBareLF = true
                        return .warning("message header lines end in LF only; the protocol asks for CRLF (read anyway)")
                    }
                case .failure(let message):
                    let dropped = resynchronise(after: start)
                    return .error("\(message); skipped \(dropped) bytes")
                }
            }
        }
    }

    /// At end of input: what was left unfinished, if anything.
    public func unfinished() -> String? {
        switch state {
        case .header:
            return buffer.count > start ? "input ended inside a message header (\(buffer.count - start) bytes)" : nil
        case .body(let length):
            return "input ended \(length - (buffer.count - start)) bytes short of a \(length)-byte message"
        case .skipping:
            return "input ended inside a skipped message"
        }
    }

    // MARK: - Header parsing

    private static let terminator: [UInt8] = Array("\r\n\r\n".utf8)
    private static let bareLFTerminator: [UInt8] = Array("\n\n".utf8)
    private static let contentLength: [UInt8] = Array("Content-Length:".utf8)

    /// Where the header block ends and how long its blank-line terminator is
    /// (CRLF CRLF, or LF LF from a client that writes bare LFs); -1 when too long.
    private func headerEnd() -> (Int, Int)? {
        let crlf = Self.find(Self.terminator, in: buffer, from: start)
        let lf = Self.find(Self.bareLFTerminator, in: buffer, from: start, before: crlf)
        guard let (end, length) = lf.map({ ($0, 2) }) ?? crlf.map({ ($0, 4) }) else { return nil }
        return (end - start > maxHeaderBytes ? -1 : end, length)
    }

    /// A complete `Content-Length: ...\r\n\r\n` header inside a body that is
    /// still arriving means the body was shorter than announced: JSON cannot
    /// hold raw line breaks inside strings, nor that text outside them.
    private mutating func headerInsideBody(_ length: Int) -> Int? {
        let limit = min(buffer.count, start + length)
        guard limit > bodyScanned else { return nil }
        defer { bodyScanned = max(start, limit - (Self.contentLength.count + 24)) }
        return completeHeader(in: max(start, bodyScanned - Self.contentLength.count)..<limit)
    }

    /// Where a whole `Content-Length: N\r\n\r\n` starts in `range`, if one does.
    private func completeHeader(in range: Range<Int>) -> Int? {
        var from = range.lowerBound
        while let header = Self.find(Self.contentLength, in: buffer, from: from), header < range.upperBound {
            var i = header + Self.contentLength.count
            while i < buffer.count && i < header + Self.contentLength.count + 24 && (buffer[i] == 0x20 || (0x30...0x39).contains(buffer[i])) { i += 1 }
            if i + 3 < buffer.count && buffer[i] == 0x0D && buffer[i + 1] == 0x0A && buffer[i + 2] == 0x0D && buffer[i + 3] == 0x0A {
                return header
            }
            from = header + 1
        }
        return nil
    }

    private enum HeaderResult { case success(Int), failure(String) }

    private func parseHeader(_ range: Range<Int>) -> HeaderResult {
        var length: Int?
        var lineStart = range.lowerBound
        while lineStart < range.upperBound {
            // A line ends at LF; the CR before it, which the protocol asks for, is not part of it.
            let newline = buffer[lineStart..<range.upperBound].firstIndex(of: 0x0A) ?? range.upperBound
            let lineEnd = newline > lineStart && buffer[newline - 1] == 0x0D ? newline - 1 : newline
            let line = buffer[lineStart..<lineEnd]
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                return .failure("malformed header line \(Self.preview(line))")
            }
            let name = String(decoding: line[lineStart..<colon], as: UTF8.self)
            let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingSpaces
            if name.lowercased() == "content-length" {
                guard let n = Int(value), n >= 0 else { return .failure("Content-Length \(Self.preview(Array(value.utf8)[...])) is not a byte count") }
                length = n
            }
            lineStart = newline + 1
        }
        guard let length else { return .failure("message header has no Content-Length") }
        return .success(length)
    }

    /// Drops bytes up to the next `Content-Length:` after `offset`; returns how many were dropped.
    private mutating func resynchronise(after offset: Int) -> Int {
        state = .header
        if let next = Self.find(Self.contentLength, in: buffer, from: offset + 1) {
            let dropped = next - start
            start = next
            return dropped
        }
        // Keep only a tail that could be the start of a `Content-Length:` split
        // across reads. It is a proper prefix of that header, so it holds no
        // blank line and the next call cannot fail on the same bytes again.
        var keep = min(Self.contentLength.count - 1, buffer.count - start)
        while keep > 0 && !buffer[(buffer.count - keep)...].elementsEqual(Self.contentLength.prefix(keep)) { keep -= 1 }
        let dropped = buffer.count - start - keep
        start = buffer.count - keep
        return dropped
    }

    /// Where `needle` first starts in `haystack` at or after `from` (and before `before`).
    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int, before: Int? = nil) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        var i = max(from, 0)
        let last = min(haystack.count - needle.count, (before ?? haystack.count) - 1)
        while i <= last {
            if haystack[i] == needle[0] {
                var j = 1
                while j < needle.count && haystack[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }

    public static func preview(_ bytes: ArraySlice<UInt8>) -> String {
        let text = String(decoding: bytes.prefix(40), as: UTF8.self)
        let escaped = text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined()
        return "'" + escaped + (bytes.count > 40 ? "…" : "") + "'"
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return String(s)
    }
}
