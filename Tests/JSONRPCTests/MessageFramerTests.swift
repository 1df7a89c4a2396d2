import Foundation
import XCTest
@testable import JSONRPC

final class MessageFramerTests: XCTestCase {
    func frame(_ json: String) -> [UInt8] {
        Array("Content-Length: \(json.utf8.count)\r\n\r\n\(json)".utf8)
    }

    func drain(_ framer: inout MessageFramer) -> [MessageFramer.Event] {
        var events: [MessageFramer.Event] = []
        while let event = framer.next() { events.append(event) }
        return events
    }

    func testWholeMessages() {
        var framer = MessageFramer()
        framer.append(frame(#"{"a":1}"#) + frame(#"{"b":"é"}"#))
        XCTAssertEqual(drain(&framer), [.message(Array(#"{"a":1}"#.utf8)), .message(Array(#"{"b":"é"}"#.utf8))])
        XCTAssertNil(framer.unfinished())
    }

    func testInputSplitAtEveryByte() {
        let bytes = frame(#"{"jsonrpc":"2.0","method":"x","params":{"t":"日本語 👍🏽"}}"#) + frame("{}")
        for split in 0...bytes.count {
            var framer = MessageFramer()
            framer.append(bytes[..<split])
            var events = drain(&framer)
            framer.append(bytes[split...])
            events += drain(&framer)
            XCTAssertEqual(events.count, 2, "split at \(split)")
            XCTAssertEqual(events.last, .message(Array("{}".utf8)), "split at \(split)")
        }
    }

    func testByteByByte() {
        let bytes = frame(#"{"id":1}"#) + frame(#"{"id":2}"#)
        var framer = MessageFramer()
        var events: [MessageFramer.Event] = []
        for byte in bytes {
            framer.append([byte])
            events += drain(&framer)
        }
        XCTAssertEqual(events, [.message(Array(#"{"id":1}"#.utf8)), .message(Array(#"{"id":2}"#.utf8))])
    }

    func testOtherHeadersAndCaseAreAccepted() {
        var framer = MessageFramer()
        framer.append(Array("content-length: 2\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}".utf8))
        XCTAssertEqual(drain(&framer), [.message(Array("{}".utf8))])
    }

    /// Headers ending in bare LFs (a hand-written client) were never read: the
    /// client waited for an answer that did not come, and nothing said why.
    func testHeaderLinesEndingInBareLFAreReadWithOneWarning() {
        let warning = MessageFramer.Event.warning("message header lines end in LF only; the protocol asks for CRLF (read anyway)")
        let input = Array("Content-Length: 8\n\n{\"id\":1}content-length: 8\nContent-Type: x\n\n{\"id\":2}".utf8)
            + frame(#"{"id":3}"#) + Array("Content-Length: 2\r\n\n{}".utf8)
        let expected: [MessageFramer.Event] = [warning, .message(Array(#"{"id":1}"#.utf8)), .message(Array(#"{"id":2}"#.utf8)),
                                               .message(Array(#"{"id":3}"#.utf8)), .message(Array("{}".utf8))]
        var framer = MessageFramer()
        framer.append(input)
        XCTAssertEqual(drain(&framer), expected)
        var bytewise = MessageFramer()
        var events: [MessageFramer.Event] = []
        for byte in input {
            bytewise.append([byte])
            events += drain(&bytewise)
        }
        XCTAssertEqual(events, expected, "split at every byte")
        XCTAssertNil(bytewise.unfinished())
    }

    func testGarbageBeforeAMessageIsReportedAndSkipped() {
        var framer = MessageFramer()
        framer.append(Array("garbage\r\nmore garbage\r\n\r\n".utf8) + frame("{}"))
        let events = drain(&framer)
        XCTAssertEqual(events.count, 2)
        guard case .error(let message) = events[0] else { return XCTFail("expected an error first, got \(events)") }
        XCTAssertTrue(message.contains("malformed header"), message)
        XCTAssertEqual(events[1], .message(Array("{}".utf8)))
    }

    func testRandomBytesNeverStopTheStream() {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<50 {
            var framer = MessageFramer(maxContentLength: 1 << 20, maxHeaderBytes: 256)
            let noise = (0..<Int.random(in: 0...600, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            // Noise cannot contain a full "Content-Length:" header by chance in practice; the message after it must come through.
            framer.append(noise + Array("\r\n\r\n".utf8) + frame(#"{"ok":true}"#))
            let events = drain(&framer)
            XCTAssertEqual(events.last, .message(Array(#"{"ok":true}"#.utf8)), "round \(round): \(events)")
        }
    }

    func testMissingAndBadContentLength() {
        var framer = MessageFramer()
        framer.append(Array("Content-Type: x\r\n\r\n".utf8) + Array("Content-Length: -3\r\n\r\n".utf8) + Array("Content-Length: abc\r\n\r\n".utf8) + frame("{}"))
        let events = drain(&framer)
        XCTAssertEqual(events.count, 4, "\(events)")
        XCTAssertEqual(events.filter { if case .error = $0 { return true } else { return false } }.count, 3)
        XCTAssertEqual(events.last, .message(Array("{}".utf8)))
    }

    func testOversizedMessageIsSkippedWithoutBuffering() {
        var framer = MessageFramer(maxContentLength: 100)
        framer.append(Array("Content-Length: 1000\r\n\r\n".utf8))
        guard case .error(let message)? = framer.next() else { return XCTFail("expected an error") }
        XCTAssertTrue(message.contains("over the limit"), message)
        for _ in 0..<10 {
            framer.append([UInt8](repeating: 0x41, count: 100))
            XCTAssertNil(framer.next())
            XCTAssertLessThanOrEqual(framer.pendingByteCount, 100)
        }
        framer.append(frame("{}"))
        XCTAssertEqual(framer.next(), .message(Array("{}".utf8)))
    }

    /// An oversized length that lies (a short body, then the next message):
    /// skipping on would swallow every later message, shutdown included.
    func testLyingOversizedLengthResynchronisesOnTheNextHeader() {
        var framer = MessageFramer(maxContentLength: 100)
        framer.append(Array("Content-Length: 70000000\r\n\r\n{\"short\":1}".utf8))
        guard case .error(let message)? = framer.next() else { return XCTFail("expected an error") }
        XCTAssertTrue(message.contains("over the limit"), message)
        XCTAssertNil(framer.next())
        // The next header arrives split between two reads.
        let next = frame("{\"id\":1}")
        framer.append(next[..<10])
        XCTAssertNil(framer.next())
        framer.append(next[10...])
        guard case .error(let resync)? = framer.next() else { return XCTFail("expected the skip to end") }
        XCTAssertTrue(resync.contains("where a new message began"), resync)
        XCTAssertEqual(framer.next(), .message(Array("{\"id\":1}".utf8)))
    }

    func testTruncatedInputIsReportedAtTheEnd() {
        var framer = MessageFramer()
        framer.append(Array("Content-Length: 10\r\n\r\n{}".utf8))
        XCTAssertNil(framer.next())
        XCTAssertEqual(framer.unfinished(), "input ended 8 bytes short of a 10-byte message")
        var header = MessageFramer()
        header.append(Array("Content-Len".utf8))
        XCTAssertNil(header.next())
        XCTAssertNotNil(header.unfinished())
    }

    func testContentLengthLargerThanTheBodyRecoversTheNextMessage() {
        // The first header claims 40 bytes but its body is 2: the next message's
        // header lies inside those 40 bytes, so the first body is cut there.
        var framer = MessageFramer()
        framer.append(Array("Content-Length: 40\r\n\r\n{}".utf8) + frame(#"{"id":7,"x":"abcdefghijklmnop"}"#))
        guard case .error? = framer.next() else { return XCTFail("expected the short body to be reported") }
        XCTAssertEqual(framer.next(), .message(Array(#"{"id":7,"x":"abcdefghijklmnop"}"#.utf8)))
    }
}

extension MessageFramerTests {
    /// Regression: garbage whose last bytes held a blank line, with the next
    /// message arriving in a later read, made the framer fail on the same kept
    /// bytes forever.
    func testGarbageEndingInABlankLineThenAMessageInALaterRead() {
        var framer = MessageFramer()
        framer.append(Array("x\u{01}\r\n\r\nab\r\n\r\n".utf8))
        var errors = 0
        while let event = framer.next() {
            if case .error = event { errors += 1 }
            XCTAssertLessThan(errors, 5, "the framer must make progress")
            if errors >= 5 { return }
        }
        framer.append(frame("{}"))
        var events: [MessageFramer.Event] = []
        while let event = framer.next(), events.count < 10 { events.append(event) }
        XCTAssertEqual(events.last, .message(Array("{}".utf8)), "\(events)")
    }

    func testAHeaderSplitRightAfterGarbageIsKept() {
        var framer = MessageFramer()
        framer.append(Array("junk\r\n\r\nContent-Le".utf8))
        while framer.next() != nil {}
        framer.append(Array("ngth: 2\r\n\r\n{}".utf8))
        var last: MessageFramer.Event?
        while let event = framer.next() { last = event }
        XCTAssertEqual(last, .message(Array("{}".utf8)))
    }
}

extension MessageFramerTests {
    func testACutShortHeaderDoesNotSwallowTheNextMessage() {
        var framer = MessageFramer()
        framer.append(Array("Content-Length: 12\r\nContent-".utf8) + frame(#"{"id":1}"#))
        var events: [MessageFramer.Event] = []
        while let event = framer.next() { events.append(event) }
        XCTAssertEqual(events.count, 2, "\(events)")
        XCTAssertEqual(events.last, .message(Array(#"{"id":1}"#.utf8)))
    }

    func testABodyShorterThanAnnouncedIsCutWhereTheNextMessageBegins() {
        var framer = MessageFramer()
        framer.append(Array("Content-Length: 300\r\n\r\n{\"jsonrpc\":\"2.0\"}".utf8))
        XCTAssertNil(framer.next(), "still waiting for the announced bytes")
        // The next message arrives split in two reads.
        let next = frame(#"{"id":2}"#)
        framer.append(next[..<10])
        XCTAssertNil(framer.next())
        framer.append(next[10...])
        guard case .error(let message)? = framer.next() else { return XCTFail("expected the short body to be reported") }
        XCTAssertTrue(message.contains("17 of its announced 300"), message)
        XCTAssertEqual(framer.next(), .message(Array(#"{"id":2}"#.utf8)))
    }

    func testABodyMayContainHeaderLikeTextInStrings() {
        let json = #"{"text":"Content-Length: 5\r\n\r\nnot a header"}"#  // escaped line breaks, as JSON requires
        var framer = MessageFramer()
        let bytes = frame(json)
        for byte in bytes { framer.append([byte]) }
        XCTAssertEqual(framer.next(), .message(Array(json.utf8)))
    }
}
