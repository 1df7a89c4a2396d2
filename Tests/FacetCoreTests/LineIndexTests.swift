import XCTest
@testable import FacetCore

final class LineIndexTests: XCTestCase {
    struct Expected: Equatable { var line: Int; var utf16: Int; var utf8: Int }

    /// An independent model of the index: the position of every byte offset of
    /// valid UTF-8 text, computed from Swift's own scalar view. Offsets inside a
    /// scalar or between the CR and LF of a CRLF round down.
    func reference(_ text: String) -> (positions: [Expected], canonical: [Int]) {
        let scalars = Array(text.unicodeScalars)
        var positions: [Expected] = []
        var canonical: [Int] = []
        var line = 0, c16 = 0, c8 = 0, offset = 0
        var i = 0
        while i < scalars.count {
            let s = scalars[i]
            let here = Expected(line: line, utf16: c16, utf8: c8)
            if s == "\r" && i + 1 < scalars.count && scalars[i + 1] == "\n" {
                positions += [here, here]
                canonical += [offset, offset]
                offset += 2; i += 2; line += 1; c16 = 0; c8 = 0
                continue
            }
            if s == "\n" || s == "\r" {
                positions.append(here)
                canonical.append(offset)
                offset += 1; i += 1; line += 1; c16 = 0; c8 = 0
                continue
            }
            let n = String(s).utf8.count
            for _ in 0..<n {
                positions.append(here)
                canonical.append(offset)
            }
            offset += n
            c16 += String(s).utf16.count
            c8 += n
            i += 1
        }
        positions.append(Expected(line: line, utf16: c16, utf8: c8))
        canonical.append(offset)
        return (positions, canonical)
    }

    static let samples: [String] = [
        "",
        "abc",
        "line one\nline two\n",
        "crlf\r\nnext\r\n\r\nend",
        "cr only\rsecond\rthird",
        "mixed\r\n\n\r\rtail",
        "emoji 😀 here\n👩‍💻 dev\r\n🇫🇷!",
        "e\u{0301}te\u{0301} cafe\u{0301}\nnaïve",
        "日本語のテキスト\n中文。你好？\r\n한국어",
        "a😀b\r\n日\re\u{0301}\n",
    ]

    /// A client may send any column; Int.max on a later line overflowed start + column.
    func testHugeColumnsClampToTheLineEnd() {
        let index = LineIndex(bytes: Array("ab\ncdé\n".utf8))
        for encoding in [ColumnEncoding.utf8, .utf16] {
            XCTAssertEqual(index.offset(of: LinePosition(line: 1, column: Int.max), encoding: encoding), 7)
            XCTAssertEqual(index.offset(of: LinePosition(line: 0, column: Int.max), encoding: encoding), 2)
        }
    }

    func testPositionMatchesReferenceForEveryOffset() {
        for text in Self.samples {
            let bytes = Array(text.utf8)
            let index = LineIndex(bytes: bytes)
            let (positions, _) = reference(text)
            XCTAssertEqual(positions.count, bytes.count + 1)
            for offset in 0...bytes.count {
                let p16 = index.position(of: offset, encoding: .utf16)
                let p8 = index.position(of: offset, encoding: .utf8)
                let e = positions[offset]
                XCTAssertEqual(p16, LinePosition(line: e.line, column: e.utf16), "utf16 position of \(offset) in \(text.debugDescription)")
                XCTAssertEqual(p8, LinePosition(line: e.line, column: e.utf8), "utf8 position of \(offset) in \(text.debugDescription)")
            }
        }
    }

    /// Counting on from an earlier answer gives the same position as counting
    /// from the line's start, whatever the earlier offset (before, after, on
    /// another line, inside a scalar or a line break).
    func testCountingOnFromAnEarlierPositionGivesTheSameAnswer() {
        for text in Self.samples {
            let bytes = Array(text.utf8)
            let index = LineIndex(bytes: bytes)
            for earlier in 0...bytes.count {
                let hint = (offset: earlier, position: index.position(of: earlier))
                for offset in 0...bytes.count {
                    XCTAssertEqual(index.position(of: offset, after: hint), index.position(of: offset),
                                   "\(offset) after \(earlier) in \(text.debugDescription)")
                }
            }
        }
    }

    func testRoundTripEveryOffset() {
        for text in Self.samples {
            let bytes = Array(text.utf8)
            let index = LineIndex(bytes: bytes)
            let (_, canonical) = reference(text)
            for offset in 0...bytes.count {
                for encoding in [ColumnEncoding.utf16, .utf8] {
                    let back = index.offset(of: index.position(of: offset, encoding: encoding), encoding: encoding)
                    XCTAssertEqual(back, canonical[offset], "\(encoding) round trip of \(offset) in \(text.debugDescription)")
                }
            }
        }
    }

    /// In a file, a byte order mark counts no column, in bytes or UTF-16 units;
    /// the server's positions still count it, as its client sent it.
    func testAByteOrderMarkCountsNoColumnInAFile() {
        let index = LineIndex(bytes: SourceText.byteOrderMark + Array("a😀b\ncd".utf8))
        for encoding in [ColumnEncoding.utf8, .utf16] {
            for offset in 0...3 {
                XCTAssertEqual(index.positionInFile(of: offset, encoding: encoding), LinePosition(line: 0, column: 0), "\(offset) \(encoding)")
            }
            XCTAssertEqual(index.positionInFile(of: 10, encoding: encoding), LinePosition(line: 1, column: 0))
            XCTAssertEqual(index.positionInFile(of: 11, encoding: encoding), LinePosition(line: 1, column: 1))
        }
        XCTAssertEqual(index.positionInFile(of: 8, encoding: .utf8), LinePosition(line: 0, column: 5))
        XCTAssertEqual(index.positionInFile(of: 8, encoding: .utf16), LinePosition(line: 0, column: 3))
        XCTAssertEqual(index.position(of: 8, encoding: .utf16), LinePosition(line: 0, column: 4))
        let plain = LineIndex(bytes: Array("a😀b".utf8))
        XCTAssertEqual(plain.positionInFile(of: 5, encoding: .utf16), LinePosition(line: 0, column: 3))
    }

    func testLineStartsForAllBreakKinds() {
        XCTAssertEqual(LineIndex(bytes: Array("a\nb\r\nc\rd".utf8)).lineStarts, [0, 2, 5, 7])
        XCTAssertEqual(LineIndex(bytes: Array("\r\n\r\n".utf8)).lineStarts, [0, 2, 4])
        XCTAssertEqual(LineIndex(bytes: Array("\n\r".utf8)).lineStarts, [0, 1, 2])
        XCTAssertEqual(LineIndex(bytes: []).lineStarts, [0])
        XCTAssertEqual(LineIndex(bytes: Array("x".utf8)).lineCount, 1)
    }

    func testLineContentEndExcludesBreaks() {
        let index = LineIndex(bytes: Array("ab\r\ncd\ref\n".utf8))
        XCTAssertEqual(index.lineContentEnd(0), 2)
        XCTAssertEqual(index.lineContentEnd(1), 6)
        XCTAssertEqual(index.lineContentEnd(2), 9)
        XCTAssertEqual(index.lineContentEnd(3), 10)
    }

    func testEmojiIsTwoUTF16UnitsAndFourBytes() {
        let text = "a😀b"
        let index = LineIndex(bytes: Array(text.utf8))
        XCTAssertEqual(index.position(of: 5, encoding: .utf16), LinePosition(line: 0, column: 3))
        XCTAssertEqual(index.position(of: 5, encoding: .utf8), LinePosition(line: 0, column: 5))
        XCTAssertEqual(index.offset(of: LinePosition(line: 0, column: 3)), 5)
        // A column inside the surrogate pair rounds down to the pair's start.
        XCTAssertEqual(index.offset(of: LinePosition(line: 0, column: 2), encoding: .utf16), 1)
        // A UTF-8 column inside the scalar rounds down too.
        for column in 2...4 {
            XCTAssertEqual(index.offset(of: LinePosition(line: 0, column: column), encoding: .utf8), 1)
        }
    }

    func testCombiningMarksAreSeparateUnits() {
        let text = "e\u{0301}x"  // e + COMBINING ACUTE: 1 + 2 bytes, 2 UTF-16 units
        let index = LineIndex(bytes: Array(text.utf8))
        XCTAssertEqual(index.position(of: 3, encoding: .utf16).column, 2)
        XCTAssertEqual(index.position(of: 1, encoding: .utf16).column, 1)
        XCTAssertEqual(index.offset(of: LinePosition(line: 0, column: 1)), 1)
        XCTAssertEqual(index.offset(of: LinePosition(line: 0, column: 2)), 3)
    }

    func testCJKIsOneUTF16UnitAndThreeBytes() {
        let index = LineIndex(bytes: Array("日本語".utf8))
        XCTAssertEqual(index.position(of: 6, encoding: .utf16), LinePosition(line: 0, column: 2))
        XCTAssertEqual(index.position(of: 6, encoding: .utf8), LinePosition(line: 0, column: 6))
        XCTAssertEqual(index.position(of: 7, encoding: .utf16), LinePosition(line: 0, column: 2), "inside a scalar rounds down")
        XCTAssertEqual(index.position(of: 7, encoding: .utf8), LinePosition(line: 0, column: 6), "inside a scalar rounds down")
        XCTAssertEqual(index.offset(of: LinePosition(line: 0, column: 2)), 6)
    }

    func testClampingPastEnd() {
        let text = "ab\ncd"
        let index = LineIndex(bytes: Array(text.utf8))
        XCTAssertEqual(index.position(of: 100), LinePosition(line: 1, column: 2))
        XCTAssertEqual(index.position(of: -5), LinePosition(line: 0, column: 0))
        XCTAssertEqual(index.line(containing: 1_000), 1)
        XCTAssertEqual(index.offset(of: LinePosition(line: 9, column: 0)), 5, "a line past the end clamps to the end")
        XCTAssertEqual(index.offset(of: LinePosition(line: 0, column: 99)), 2, "a column past the end clamps to the line end")
        XCTAssertEqual(index.offset(of: LinePosition(line: 0, column: 99), encoding: .utf8), 2)
        XCTAssertEqual(index.offset(of: LinePosition(line: -1, column: 3)), 0)
        XCTAssertEqual(index.offset(of: LinePosition(line: 1, column: -4)), 3)
    }

    func testInvalidUTF8BytesCountAsOneUTF16UnitEach() {
        // "a", a lone continuation byte, "b", an invalid lead byte, "c", a truncated 3-byte sequence, "d"
        let bytes: [UInt8] = [0x61, 0x80, 0x62, 0xFF, 0x63, 0xE2, 0x82, 0x64]
        let index = LineIndex(bytes: bytes)
        let expected16 = [0, 1, 2, 3, 4, 5, 6, 7, 8]
        for offset in 0...bytes.count {
            XCTAssertEqual(index.position(of: offset, encoding: .utf16).column, expected16[offset], "offset \(offset)")
            XCTAssertEqual(index.offset(of: LinePosition(line: 0, column: expected16[offset]), encoding: .utf16), offset)
            XCTAssertEqual(index.position(of: offset, encoding: .utf8).column, offset, "each invalid byte is a scalar of its own")
            XCTAssertEqual(index.offset(of: LinePosition(line: 0, column: offset), encoding: .utf8), offset)
        }
        XCTAssertEqual(SourceText(bytes: bytes).firstInvalidUTF8Offset, 1)
        XCTAssertNil(SourceText("héllo 😀").firstInvalidUTF8Offset)
        XCTAssertEqual(SourceText(bytes: [0x61, 0xC0, 0x80]).firstInvalidUTF8Offset, 1, "overlong encoding is invalid")
        XCTAssertEqual(SourceText(bytes: [0xED, 0xA0, 0x80]).firstInvalidUTF8Offset, 0, "encoded surrogate is invalid")
    }

    func testIsValid() {
        let index = LineIndex(bytes: Array("a😀\r\nxyz".utf8))
        XCTAssertTrue(index.isValid(LinePosition(line: 0, column: 0)))
        XCTAssertTrue(index.isValid(LinePosition(line: 0, column: 3)), "end of line 0 in UTF-16")
        XCTAssertFalse(index.isValid(LinePosition(line: 0, column: 4)))
        XCTAssertTrue(index.isValid(LinePosition(line: 0, column: 5), encoding: .utf8))
        XCTAssertFalse(index.isValid(LinePosition(line: 0, column: 6), encoding: .utf8))
        XCTAssertTrue(index.isValid(LinePosition(line: 1, column: 3)))
        XCTAssertFalse(index.isValid(LinePosition(line: 1, column: 4)))
        XCTAssertFalse(index.isValid(LinePosition(line: 2, column: 0)))
        XCTAssertFalse(index.isValid(LinePosition(line: -1, column: 0)))
        XCTAssertFalse(index.isValid(LinePosition(line: 0, column: -1)))
        XCTAssertFalse(index.isValid(LinePosition(line: 0, column: 2)), "between the two halves of 😀")
        XCTAssertFalse(index.isValid(LinePosition(line: 0, column: 2), encoding: .utf8), "inside 😀's bytes")
        XCTAssertTrue(index.isValid(LinePosition(line: 0, column: 1), encoding: .utf8))
    }

    func testSourceTextSlicing() {
        let source = SourceText("héllo")
        XCTAssertEqual(source.count, 6)
        XCTAssertEqual(source.text(0..<3), "hé")
        XCTAssertEqual(source.text(3..<100), "llo")
        XCTAssertEqual(SourceText(bytes: [0x61, 0xFF]).text(0..<2), "a\u{FFFD}")
        XCTAssertEqual(SourceText(bytes: [0x61, 0x00]).firstNULOffset, 1)
    }
}
