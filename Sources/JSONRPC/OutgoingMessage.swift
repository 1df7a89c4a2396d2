import Foundation

/// Encodes messages to send, framed with their `Content-Length` header.
public enum OutgoingMessage {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    private struct Response<R: Encodable>: Encodable {
        var id: RequestID?
        var result: R?
        var error: ResponseError?
        enum CodingKeys: String, CodingKey { case jsonrpc, id, result, error }
        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode("2.0", forKey: .jsonrpc)
            if let id { try container.encode(id, forKey: .id) } else { try container.encodeNil(forKey: .id) }
            if let error {
                try container.encode(error, forKey: .error)
            } else if let result {
                try container.encode(result, forKey: .result)
            } else {
                try container.encodeNil(forKey: .result)  // a null result is still a result
            }
        }
    }

    private struct Call<P: Encodable>: Encodable {
        var id: RequestID?
        var method: String
        var params: P?
        enum CodingKeys: String, CodingKey { case jsonrpc, id, method, params }
        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode("2.0", forKey: .jsonrpc)
            try container.encodeIfPresent(id, forKey: .id)
            try container.encode(method, forKey: .method)
            try container.encodeIfPresent(params, forKey: .params)
        }
    }

    public static func response<R: Encodable>(id: RequestID, result: R?) throws -> Data {
        try frame(encoder.encode(Response(id: id, result: result, error: nil)))
    }

    public static func error(id: RequestID?, _ error: ResponseError) -> Data {
        // Encoding an error of plain strings and numbers cannot fail.
        (try? frame(encoder.encode(Response<JSONValue>(id: id, result: nil, error: error)))) ?? Data()
    }

    public static func notification<P: Encodable>(method: String, params: P?) throws -> Data {
        try frame(encoder.encode(Call(id: nil, method: method, params: params)))
    }

    public static func request<P: Encodable>(id: RequestID, method: String, params: P?) throws -> Data {
        try frame(encoder.encode(Call(id: id, method: method, params: params)))
    }

    /// Prefixes a JSON body with its header.
    public static func frame(_ body: Data) -> Data {
        var data = Data("Content-Length: \(body.count)\r\n\r\n".utf8)
        data.append(body)
        return data
    }
}
