@testable import FacetPreview
import XCTest

final class SSEParserTests: XCTestCase {
    /// Events as OpenAI-compatible servers send them, plus the format's corners:
    /// CRLF and lone CR line ends, comments, multi-line data, an event name, no space after the colon.
    static let stream = Array(("\u{FEFF}: keep-alive\r\n\r\n" +
        "data: {\"choices\":[{\"delta\":{\"content\":\"héllo 👋\"}}]}\n\n" +
        "event: note\r\ndata:first\r\ndata: second\r\n\r\n" +
        "id: 7\rretry: 10\rdata: cr only\r\r" +
        "data: [DONE]\n\n").utf8)

    static let expected = [
        SSEEvent(data: "{\"choices\":[{\"delta\":{\"content\":\"héllo 👋\"}}]}"),
        SSEEvent(event: "note", data: "first\nsecond"),
        SSEEvent(data: "cr only"),
        SSEEvent(data: "[DONE]"),
    ]

    func feedAll(_ pieces: [ArraySlice<UInt8>]) throws -> [SSEEvent] {
        var parser = SSEParser()
        var events: [SSEEvent] = []
        for piece in pieces { events += try parser.feed(piece) }
        if let last = parser.finish() { events.append(last) }
        return events
    }

    func testWholeStream() throws {
        XCTAssertEqual(try feedAll([Self.stream[...]]), Self.expected)
    }

    /// The same events whichever byte the input is split at, even inside a UTF-8 sequence or a CRLF.
    func testSplitAtEveryByte() throws {
        for cut in 0...Self.stream.count {
            XCTAssertEqual(try feedAll([Self.stream[..<cut], Self.stream[cut...]]), Self.expected, "split at byte \(cut)")
        }
        XCTAssertEqual(try feedAll(Self.stream.indices.map { Self.stream[$0...$0] }), Self.expected, "one byte at a time")
    }

    func testEventWithoutFinalBlankLineIsKeptAtTheEnd() throws {
        XCTAssertEqual(try feedAll([Array("data: tail".utf8)[...]]), [SSEEvent(data: "tail")])
        XCTAssertEqual(try feedAll([Array("data: a\n".utf8)[...]]), [SSEEvent(data: "a")])
        XCTAssertEqual(try feedAll([Array(": only a comment\n\n\n".utf8)[...]]), [])
    }

    func testOverlongLineIsAnError() {
        var parser = SSEParser()
        let chunk = [UInt8](repeating: 0x61, count: 1 << 20)
        var failed = false
        for _ in 0..<10 where !failed {
            do { _ = try parser.feed(chunk) } catch { failed = true }
        }
        XCTAssertTrue(failed, "a line over \(SSEParser.maxLineBytes) bytes is refused")
    }
}

final class SHA256Tests: XCTestCase {
    func testStandardVectors() {
        XCTAssertEqual(SHA256.hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(SHA256.hex(String(repeating: "a", count: 1000)), "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }
}

final class ResponseReaderTests: XCTestCase {
    func testRetryAfterSecondsDatesAndJunk() {
        XCTAssertEqual(ResponseReader.retryDelay("3"), 3)
        XCTAssertEqual(ResponseReader.retryDelay(" 0.5 "), 0.5)
        XCTAssertNil(ResponseReader.retryDelay(nil))
        XCTAssertNil(ResponseReader.retryDelay("soon"))
        for junk in ["inf", "nan", "-5", "1e3", "0x10", "", "9" + String(repeating: "9", count: 400)] {
            XCTAssertNil(ResponseReader.retryDelay(junk), junk)
        }
        let date = ResponseReader.retryDelay("Wed, 21 Oct 2015 07:28:00 GMT")
        XCTAssertEqual(date, 0, "a date in the past means retry now")
    }

    func testServerMessageShapes() {
        XCTAssertEqual(ResponseReader.serverMessage(Data(#"{"error":{"message":"bad model"}}"#.utf8)), "bad model")
        XCTAssertEqual(ResponseReader.serverMessage(Data(#"{"error":"plain"}"#.utf8)), "plain")
        XCTAssertEqual(ResponseReader.serverMessage(Data(#"{"detail":"Not Found"}"#.utf8)), "Not Found")
        XCTAssertEqual(ResponseReader.serverMessage(Data("<html>\n oops \n</html>".utf8)), "<html>  oops  </html>")
        XCTAssertNil(ResponseReader.serverMessage(Data()))
    }

    func testRedactionHidesKeys() {
        let redaction = Redaction(["sk-secret-123", nil, "abc"])
        XCTAssertEqual(redaction.apply("key sk-secret-123 and abc"), "key [redacted] and abc", "short values are not treated as keys")
        // An endpoint's message that echoes the key, cut to 200 characters, holds only its start.
        let key = "sk-SECRETKEY-abc123XYZ789"
        let echoed = #"{"error":{"message":""# + String(repeating: "x", count: 170) + " you sent Bearer \(key)\"}}"
        let shortened = Redaction([key]).apply(ResponseReader.serverMessage(Data(echoed.utf8)) ?? "")
        XCTAssertFalse(shortened.contains("sk-SECRE"), shortened)
        XCTAssertTrue(shortened.hasSuffix("you sent Bearer [redacted]…"), shortened)
        XCTAssertEqual(Redaction([key]).apply("sk-SECRETKEY-abc and sk-SECRETKEY-abc123XYZ789!"), "[redacted] and [redacted]!")
        XCTAssertEqual(Redaction([key]).apply("sk-SECR and sk-SECRE"), "sk-SECR and [redacted]", "fewer than 8 characters of a key are left")
    }
}
