import Foundation

/// Reads a collection row of the common shape straight from its bytes: one
/// object whose values are strings or null, with a `preference_set` array of
/// such objects. Anything else (numbers, nested values in other fields, `\u`
/// escapes, a repeated field, bytes that are not valid UTF-8, ...) gives nil,
/// and the row goes to `JSONDecoder`, so unusual and malformed rows are decoded
/// and reported exactly as before. `JSONDecoder` was most of the decoding
/// threads' time, which on two cores the writer shares.
struct RowFastPath {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var i = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    static func decode(_ bytes: [UInt8]) -> CollectionImporter.Row? {
        bytes.withUnsafeBufferPointer { buffer in
            var parser = RowFastPath(buffer)
            guard let row = parser.row() else { return nil }
            parser.skipSpace()
            return parser.i == buffer.count ? row : nil
        }
    }

    private mutating func row() -> CollectionImporter.Row? {
        var row = CollectionImporter.Row()
        var seen: Set<String> = []
        let complete = members { key, parser in
            guard seen.insert(key).inserted else { return false }
            switch key {
            case "preference_set": return parser.items(&row.preference_set)
            case "system": return parser.value(&row.system)
            case "main_source": return parser.value(&row.main_source)
            case "original_source": return parser.value(&row.original_source)
            case "source": return parser.value(&row.source)
            case "dimension": return parser.value(&row.dimension)
            case "subdimension": return parser.value(&row.subdimension)
            case "preference": return parser.value(&row.preference)
            case "description": return parser.value(&row.description)
            default: return parser.skipString()
            }
        }
        return complete ? row : nil
    }

    private mutating func items(_ items: inout [CollectionImporter.Row.Item]?) -> Bool {
        skipSpace()
        if literalNull() { return true }
        guard take(UInt8(ascii: "[")) else { return false }
        var list: [CollectionImporter.Row.Item] = []
        if take(UInt8(ascii: "]")) { items = list; return true }
        while true {
            var item = CollectionImporter.Row.Item()
            var seen: Set<String> = []
            let complete = members { key, parser in
                guard seen.insert(key).inserted else { return false }
                switch key {
                case "dimension": return parser.value(&item.dimension)
                case "subdimension": return parser.value(&item.subdimension)
                case "preference": return parser.value(&item.preference)
                case "description": return parser.value(&item.description)
                default: return parser.skipString()
                }
            }
            guard complete else { return false }
            list.append(item)
            if take(UInt8(ascii: "]")) { items = list; return true }
            guard take(UInt8(ascii: ",")) else { return false }
        }
    }

    /// The members of an object; `field` reads each value and says whether it could.
    private mutating func members(_ field: (String, inout RowFastPath) -> Bool) -> Bool {
        guard take(UInt8(ascii: "{")) else { return false }
        if take(UInt8(ascii: "}")) { return true }
        while true {
            skipSpace()
            guard let range = stringRange(), !range.escaped, !range.nonASCII else { return false }
            let key = String(decoding: UnsafeBufferPointer(rebasing: bytes[range.bytes]), as: UTF8.self)
            guard take(UInt8(ascii: ":")) else { return false }
            skipSpace()
            guard field(key, &self) else { return false }
            if take(UInt8(ascii: "}")) { return true }
            guard take(UInt8(ascii: ",")) else { return false }
        }
    }

    /// A string or null.
    private mutating func value(_ target: inout String?) -> Bool {
        if literalNull() { target = nil; return true }
        guard let range = stringRange() else { return false }
        let raw = UnsafeBufferPointer(rebasing: bytes[range.bytes])
        if !range.escaped {
            target = Self.text(raw, checked: range.nonASCII)
            return target != nil
        }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var k = 0
        while k < raw.count {
            let byte = raw[k]
            k += 1
            guard byte == UInt8(ascii: "\\") else { out.append(byte); continue }
            switch raw[k] {  // stringRange checked that a known escape follows
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case let other: out.append(other)  // \" \\ \/
            }
            k += 1
        }
        target = out.withUnsafeBufferPointer { Self.text($0, checked: true) }
        return target != nil
    }

    /// A string or null in a field the importer does not read: checked, not kept.
    private mutating func skipString() -> Bool {
        if literalNull() { return true }
        guard let range = stringRange() else { return false }
        return !range.nonASCII || Self.text(UnsafeBufferPointer(rebasing: bytes[range.bytes]), checked: true) != nil
    }

    /// The text of UTF-8 bytes; nil when `checked` and they are not valid UTF-8
    /// (decoding repairs invalid bytes, so the result's bytes then differ).
    private static func text(_ raw: UnsafeBufferPointer<UInt8>, checked: Bool) -> String? {
        let text = String(decoding: raw, as: UTF8.self)
        return !checked || text.utf8.elementsEqual(raw) ? text : nil
    }

    /// The bytes between the quotes of the string here, and moves past it; nil
    /// for anything but a string, a control character in it, or a `\u` escape.
    private mutating func stringRange() -> (bytes: Range<Int>, escaped: Bool, nonASCII: Bool)? {
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return nil }
        let start = i + 1
        var k = start, escaped = false, nonASCII = false
        while k < bytes.count {
            let byte = bytes[k]
            if byte == UInt8(ascii: "\"") {
                i = k + 1
                return (start..<k, escaped, nonASCII)
            }
            if byte == UInt8(ascii: "\\") {
                guard k + 1 < bytes.count else { return nil }
                switch bytes[k + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "n"), UInt8(ascii: "t"),
                     UInt8(ascii: "r"), UInt8(ascii: "b"), UInt8(ascii: "f"):
                    escaped = true
                    k += 2
                    continue
                default: return nil
                }
            }
            if byte < 0x20 { return nil }
            if byte >= 0x80 { nonASCII = true }
            k += 1
        }
        return nil
    }

    private mutating func literalNull() -> Bool {
        guard i + 4 <= bytes.count, bytes[i] == UInt8(ascii: "n"), bytes[i + 1] == UInt8(ascii: "u"),
              bytes[i + 2] == UInt8(ascii: "l"), bytes[i + 3] == UInt8(ascii: "l") else { return false }
        i += 4
        return true
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        skipSpace()
        guard i < bytes.count, bytes[i] == byte else { return false }
        i += 1
        return true
    }

    private mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }
}
