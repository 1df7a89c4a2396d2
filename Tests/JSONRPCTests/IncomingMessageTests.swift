import Foundation
import XCTest
@testable import JSONRPC

final class IncomingMessageTests: XCTestCase {
    func parse(_ json: String) -> Result<IncomingMessage, MessageFailure> {
        IncomingMessage.parse(Array(json.utf8))
    }

    func failure(_ json: String) -> MessageFailure? {
        if case .failure(let failure) = parse(json) { return failure }
        return nil
    }

    func testRequestNotificationResponse() throws {
        guard case .request(let id, let method, _) = try parse(#"{"jsonrpc":"2.0","id":3,"method":"textDocument/hover","params":{}}"#).get() else {
            return XCTFail("not a request")
        }
        XCTAssertEqual(id, .number(3))
        XCTAssertEqual(method, "textDocument/hover")
        guard case .request(.string("a"), _, _) = try parse(#"{"jsonrpc":"2.0","id":"a","method":"m"}"#).get() else { return XCTFail("string id") }
        guard case .notification("initialized", _) = try parse(#"{"jsonrpc":"2.0","method":"initialized"}"#).get() else { return XCTFail("notification") }
        guard case .response(.number(9), let result, nil) = try parse(#"{"jsonrpc":"2.0","id":9,"result":null}"#).get() else { return XCTFail("response") }
        XCTAssertEqual(result, JSONValue.null)
        guard case .response(.number(9), _, let error?) = try parse(#"{"jsonrpc":"2.0","id":9,"error":{"code":-32601,"message":"no"}}"#).get() else { return XCTFail("error response") }
        XCTAssertEqual(error.code, -32601)
    }

    /// Responses are never answered: a malformed error object still fails the
    /// request it answers, and a response with a bad id is only logged.
    func testMalformedResponsesAreNotAnswered() throws {
        guard case .response(.string("facet-1"), nil, let error?) = try parse(#"{"jsonrpc":"2.0","id":"facet-1","error":{"code":"bad"}}"#).get() else {
            return XCTFail("a response with a malformed error is still a response")
        }
        XCTAssertTrue(error.message.contains("malformed error"), error.message)
        XCTAssertEqual(failure(#"{"jsonrpc":"2.0","id":{"x":1},"result":1}"#)?.isResponse, true)
        // Some clients send "error": null beside the result: that is no error.
        guard case .response(.number(4), let result, nil) = try parse(#"{"jsonrpc":"2.0","id":4,"result":[1],"error":null}"#).get() else {
            return XCTFail("a result with a null error is a plain response")
        }
        XCTAssertEqual(result, JSONValue.array([.number(1)]))
        XCTAssertEqual(failure(#"{"jsonrpc":"2.0","id":{"x":1},"method":"a"}"#)?.isResponse, false)
        // A result or an error and no method is a response, whatever else is wrong with it.
        for body in [#"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}"#,
                     #"{"jsonrpc":"2.0","result":null}"#, #"{"id":5,"result":null}"#, #"{"jsonrpc":"1.0","id":5,"error":{"code":1,"message":"x"}}"#] {
            XCTAssertEqual(failure(body)?.isResponse, true, body)
        }
        XCTAssertTrue(failure(#"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}"#)!.message.contains("Parse error"))
        guard case .response(.number(6), nil, let error?) = try parse(#"{"jsonrpc":"2.0","id":6,"error":null}"#).get() else {
            return XCTFail("a response with neither result nor error still ends its request")
        }
        XCTAssertTrue(error.message.contains("neither"), error.message)
    }

    /// "\ud800" alone is valid JSON (JavaScript writes it for half an emoji)
    /// but no Swift string: it reads as U+FFFD, one UTF-16 unit like it.
    func testLoneSurrogatesReadAsReplacementCharacters() throws {
        struct Text: Decodable { var text: String }
        let json = #"{"jsonrpc":"2.0","method":"m","params":{"text":"a\ud800b\udc00c\ud83d\ude00d\\ud800e"}}"#
        guard case .notification("m", let body) = try parse(json).get() else { return XCTFail("not a notification") }
        let params = try IncomingMessage.decodeParams(Text.self, from: body)
        XCTAssertEqual(params.text, "a\u{FFFD}b\u{FFFD}c😀d\\ud800e")
    }

    func testErrorsCarryTheSpecCodes() {
        XCTAssertEqual(failure("{not json")?.code, .parseError)
        XCTAssertEqual(failure("")?.code, .parseError)
        XCTAssertEqual(failure("\u{FF}\u{FE}")?.code, .parseError)
        XCTAssertEqual(failure(#"[{"jsonrpc":"2.0","id":1,"method":"a"}]"#)?.code, .invalidRequest)
        XCTAssertTrue(failure(#"[{"jsonrpc":"2.0","id":1,"method":"a"}]"#)!.message.contains("batch"))
        XCTAssertEqual(failure("42")?.code, .invalidRequest)
        XCTAssertEqual(failure(#"{"jsonrpc":"1.0","id":5,"method":"a"}"#), MessageFailure(code: .invalidRequest, message: "jsonrpc must be \"2.0\"", id: .number(5)))
        XCTAssertEqual(failure(#"{"jsonrpc":"2.0","id":{"x":1},"method":"a"}"#)?.code, .invalidRequest)
        XCTAssertEqual(failure(#"{"jsonrpc":"2.0","id":1}"#)?.code, .invalidRequest)
        XCTAssertEqual(failure(#"{"jsonrpc":"2.0","method":5}"#)?.code, .invalidRequest)
    }

    struct Params: Decodable, Equatable {
        var name: String
        var count: Int?
    }

    func testParamsDecodeWithReadableErrors() throws {
        let body = Data(#"{"jsonrpc":"2.0","id":1,"method":"m","params":{"name":"x","count":2}}"#.utf8)
        XCTAssertEqual(try IncomingMessage.decodeParams(Params.self, from: body), Params(name: "x", count: 2))
        let wrong = Data(#"{"jsonrpc":"2.0","id":1,"method":"m","params":{"name":3}}"#.utf8)
        XCTAssertThrowsError(try IncomingMessage.decodeParams(Params.self, from: wrong)) { error in
            let error = error as! ResponseError
            XCTAssertEqual(error.code, ErrorCode.invalidParams.rawValue)
            XCTAssertTrue(error.message.contains("params.name"), error.message)
        }
        let missing = Data(#"{"jsonrpc":"2.0","id":1,"method":"m"}"#.utf8)
        XCTAssertThrowsError(try IncomingMessage.decodeParams(Params.self, from: missing))
    }

    /// A bad byte inside a string failed that string alone: the message was
    /// answered "needs a method" instead of as the parse error it is.
    func testInvalidUTF8IsAParseErrorThatSaysWhere() {
        var body = Array(#"{"jsonrpc":"2.0","id":1,"method":"foo"#.utf8) + [0xFF] + Array(#""}"#.utf8)
        guard case .failure(let failure) = IncomingMessage.parse(body) else { return XCTFail("parsed") }
        XCTAssertEqual(failure, MessageFailure(code: .parseError, message: "message body is not valid UTF-8 (byte 37 of the body)", id: nil))
        body = Array(#"{"jsonrpc":"2.0","id":1,"method":"é😀 ok"}"#.utf8)
        XCTAssertEqual(IncomingMessage.firstInvalidUTF8Byte(body), nil)
        XCTAssertEqual(IncomingMessage.firstInvalidUTF8Byte([0x61, 0xC3, 0xA9, 0xE2, 0x82]), 3, "a cut-short scalar at the end")
        XCTAssertEqual(IncomingMessage.firstInvalidUTF8Byte([0xED, 0xA0, 0x80]), 0, "an encoded surrogate is not UTF-8")
    }

    /// Valid JSON with a number no Int holds was reported as "not valid JSON".
    func testANumberOutOfRangeIsNamedAsSuch() {
        for number in ["99999999999999999999", "1e400"] {
            let body = Data(#"{"jsonrpc":"2.0","id":1,"method":"m","params":{"name":"x","count":\#(number)}}"#.utf8)
            XCTAssertThrowsError(try IncomingMessage.decodeParams(Params.self, from: body)) { error in
                let error = error as! ResponseError
                XCTAssertEqual(error.code, ErrorCode.invalidParams.rawValue)
                XCTAssertTrue(error.message.contains("a number out of range"), error.message)
            }
        }
    }

    func testOutgoingMessagesAreFramedAndKeepNullResults() throws {
        let data = try OutgoingMessage.response(id: .number(1), result: Optional<String>.none)
        let text = String(decoding: data, as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        XCTAssertEqual(parts[0], "Content-Length: \(parts[1].utf8.count)")
        let object = try JSONSerialization.jsonObject(with: Data(parts[1].utf8)) as! [String: Any]
        XCTAssertTrue(object.keys.contains("result"), "a null result must still be present")
        XCTAssertEqual(object["jsonrpc"] as? String, "2.0")
        let error = String(decoding: OutgoingMessage.error(id: nil, ResponseError(.parseError, "bad")), as: UTF8.self)
        XCTAssertTrue(error.contains(#""id":null"#), error)
        XCTAssertTrue(error.contains("-32700"), error)
    }
}
