/// A small streaming JSON writer: keys in the order written, so the output
/// format stays stable for scripts, and no intermediate dictionaries.
struct JSONWriter {
    var output = ""
    private var needsComma = [false]

    mutating func beginObject() { value(); output += "{"; needsComma.append(false) }
    mutating func endObject() { output += "}"; needsComma.removeLast() }
    mutating func beginArray() { value(); output += "["; needsComma.append(false) }
    mutating func endArray() { output += "]"; needsComma.removeLast() }

    mutating func key(_ name: String) {
        if needsComma[needsComma.count - 1] { output += "," }
        needsComma[needsComma.count - 1] = false
        appendString(name)
        output += ":"
    }

    /// Puts a comma before an array element when needed.
    private mutating func value() {
        if needsComma[needsComma.count - 1] { output += "," }
        needsComma[needsComma.count - 1] = true
    }

    mutating func string(_ s: String) { value(); appendString(s) }
    mutating func int(_ n: Int) { value(); output += String(n) }
    mutating func double(_ d: Double) { value(); output += d == d.rounded() ? String(Int(d)) : String(d) }
    mutating func bool(_ b: Bool) { value(); output += b ? "true" : "false" }
    mutating func null() { value(); output += "null" }

    mutating func field(_ name: String, _ s: String) { key(name); string(s) }
    mutating func field(_ name: String, _ n: Int) { key(name); int(n) }
    mutating func field(_ name: String, _ d: Double) { key(name); double(d) }
    mutating func field(_ name: String, _ b: Bool) { key(name); bool(b) }

    private mutating func appendString(_ s: String) {
        output += "\""
        // Most strings need no escape: copied whole, not scalar by scalar.
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            output += s
            output += "\""
            return
        }
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }
}
