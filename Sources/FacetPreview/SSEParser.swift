/// One server-sent event: the `data:` lines joined with "\n".
public struct SSEEvent: Sendable, Equatable {
    public var event: String?
    public var data: String
    public init(event: String? = nil, data: String) {
        self.event = event
        self.data = data
    }
}

/// An incremental server-sent-events parser (the WHATWG event-stream format).
/// Bytes may arrive split anywhere, even inside a UTF-8 sequence or between
/// the "\r" and "\n" of a line break; events come out once their blank line
/// has arrived. Pure: no IO, no clocks.
public struct SSEParser: Sendable {
    /// A line longer than this is an error, so a broken endpoint cannot fill memory.
    public static let maxLineBytes = 8 << 20

    public struct LineTooLong: Error, Sendable {}

    private var line: [UInt8] = []
    private var afterCR = false
    private var data: [UInt8] = []
    private var hasData = false
    private var eventName: String?
    private var sawBOM = false

    public init() {}

    /// Feeds bytes; returns the events they complete.
    public mutating func feed<C: Collection>(_ bytes: C) throws(LineTooLong) -> [SSEEvent] where C.Element == UInt8 {
        var events: [SSEEvent] = []
        for byte in bytes {
            if afterCR {
                afterCR = false
                if byte == 0x0A { continue }  // the "\n" of a "\r\n" already ended the line
            }
            switch byte {
            case 0x0A:
                if let event = endLine() { events.append(event) }
            case 0x0D:
                afterCR = true
                if let event = endLine() { events.append(event) }
            default:
                guard line.count < Self.maxLineBytes else { throw LineTooLong() }
                line.append(byte)
            }
        }
        return events
    }

    /// The stream ended: an event whose blank line never came is still
    /// returned, so a reply is not lost to a missing final newline.
    public mutating func finish() -> SSEEvent? {
        var last: SSEEvent?
        if !line.isEmpty { last = endLine() }
        if last == nil, hasData { last = dispatch() }
        return last
    }

    private mutating func endLine() -> SSEEvent? {
        defer { line.removeAll(keepingCapacity: true) }
        if !sawBOM {
            sawBOM = true
            if line.starts(with: [0xEF, 0xBB, 0xBF]) { line.removeFirst(3) }
        }
        if line.isEmpty { return dispatch() }
        if line[0] == 0x3A { return nil }  // ":" starts a comment (keep-alive)
        let colon = line.firstIndex(of: 0x3A) ?? line.endIndex
        let field = line[..<colon]
        var valueStart = colon == line.endIndex ? colon : colon + 1
        if valueStart < line.endIndex, line[valueStart] == 0x20 { valueStart += 1 }
        let value = line[valueStart...]
        switch String(decoding: field, as: UTF8.self) {
        case "data":
            if hasData { data.append(0x0A) }
            data.append(contentsOf: value)
            hasData = true
        case "event":
            eventName = String(decoding: value, as: UTF8.self)
        default:
            break  // id, retry and unknown fields do not matter here
        }
        return nil
    }

    private mutating func dispatch() -> SSEEvent? {
        defer {
            data.removeAll(keepingCapacity: true)
            hasData = false
            eventName = nil
        }
        guard hasData else { return nil }
        return SSEEvent(event: eventName, data: String(decoding: data, as: UTF8.self))
    }
}
