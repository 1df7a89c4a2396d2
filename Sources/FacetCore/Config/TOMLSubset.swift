import Foundation

/// A small TOML reader for `.facet.toml`: tables (`[rules]`, `[a.b]`), keys
/// (bare or quoted), strings, integers, floats, booleans and arrays (which may
/// span lines), and comments. Every value keeps its line so configuration
/// errors can name it. Anything else is a clear error, never a guess.
public struct TOMLSubset: Sendable {
    public indirect enum Value: Sendable, Equatable {
        case string(String)
        case integer(Int)
        case float(Double)
        case bool(Bool)
        case array([Value])

        public var typeName: String {
            switch self {
            case .string: return "a string"
            case .integer: return "an integer"
            case .float: return "a number"
            case .bool: return "a boolean"
            case .array: return "an array"
            }
        }
    }

    public struct Entry: Sendable, Equatable {
        /// Dotted table path, "" for the top level; a part that is no bare key is in quotes
        /// (`endpoints."qwen2.5"`), so the text names the table as written.
        public var table: String
        /// The table path's parts, quotes removed: a quoted part may hold dots.
        public var tablePath: [String]
        public var key: String
        public var value: Value
        /// 1-based line of the key.
        public var line: Int
        /// For an array, the 1-based line of each item, so an error about an item of an
        /// array written over several lines names the item's line, not the key's.
        public var itemLines: [Int] = []

        /// The line of item `index` of the array value (the key's line if unknown).
        public func line(ofItem index: Int) -> Int { index < itemLines.count ? itemLines[index] : line }
    }

    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    public var entries: [Entry] = []
    /// Tables declared with a header, with the header's line.
    public var tables: [(name: String, line: Int)] = []

    public init(parsing text: String) throws(ParseError) {
        var parser = Parser(lines: Self.lines(text))
        try parser.run()
        entries = parser.entries
        tables = parser.tables
    }

    /// The lines of `text`, each without its break. CRLF, LF and a lone CR (old Mac files)
    /// all end a line, as in system messages, so error lines count as an editor shows them.
    /// Split on scalars: as Characters, "\r\n" is one grapheme and equals neither.
    static func lines(_ text: String) -> [String] {
        var lines: [String] = []
        var line = String.UnicodeScalarView()
        var afterCR = false
        for scalar in text.unicodeScalars {
            defer { afterCR = scalar == "\r" }
            if scalar == "\n" && afterCR { continue }
            if scalar == "\n" || scalar == "\r" {
                lines.append(String(line))
                line = String.UnicodeScalarView()
            } else {
                line.append(scalar)
            }
        }
        lines.append(String(line))
        return lines
    }

    struct Parser {
        let lines: [String]
        var entries: [Entry] = []
        var tables: [(name: String, line: Int)] = []
        var table: [String] = []
        var seen = Set<String>()

        init(lines: [String]) { self.lines = lines }

        mutating func run() throws(ParseError) {
            var index = 0
            while index < lines.count {
                let lineNumber = index + 1
                var scanner = Scanner(Array(lines[index].unicodeScalars), line: lineNumber)
                scanner.skipSpaces()
                if scanner.atEndOrComment { index += 1; continue }
                if scanner.peek == "[" {
                    scanner.advance()
                    if scanner.peek == "[" { throw ParseError(line: lineNumber, message: "arrays of tables ([[...]]) are not supported") }
                    var parts: [String] = []
                    repeat {
                        scanner.skipSpaces()
                        parts.append(try scanner.key())
                        scanner.skipSpaces()
                    } while scanner.consume(".")
                    guard scanner.consume("]") else { throw ParseError(line: lineNumber, message: "expected ']' to close the table header") }
                    scanner.skipSpaces()
                    guard scanner.atEndOrComment else { throw ParseError(line: lineNumber, message: "unexpected text after the table header") }
                    table = parts
                    let name = TOMLSubset.dotted(parts)
                    guard !tables.contains(where: { $0.name == name }) else { throw ParseError(line: lineNumber, message: "table [\(name)] is defined twice") }
                    tables.append((name, lineNumber))
                    index += 1
                    continue
                }
                var keyParts = [try scanner.key()]
                scanner.skipSpaces()
                while scanner.consume(".") {
                    scanner.skipSpaces()
                    keyParts.append(try scanner.key())
                    scanner.skipSpaces()
                }
                guard scanner.consume("=") else { throw ParseError(line: lineNumber, message: "expected '=' after the key '\(keyParts.joined(separator: "."))'") }
                scanner.skipSpaces()
                // A key pasted without quotes must not come back in the error: it goes to terminals, CI logs and the editor's log.
                let mayHoldKey = SecretName.looksSecret(keyParts.last!) || keyParts.last! == "api-key-env"
                scanner.quotesBareWords = !mayHoldKey
                // Arrays may continue on following lines: join until brackets balance.
                var consumedLines = 1
                var value: Value
                do {
                    value = try scanner.value()
                } catch let error where error.message == Scanner.needMore {
                    var joined = Array(lines[index].unicodeScalars)
                    var next = index + 1
                    var parsed: Value?
                    while next < lines.count && parsed == nil {
                        joined.append("\n")
                        joined.append(contentsOf: lines[next].unicodeScalars)
                        next += 1
                        var retry = Scanner(joined, line: lineNumber)
                        retry.quotesBareWords = !mayHoldKey
                        retry.skipSpaces()
                        _ = try retry.key()
                        retry.skipSpaces()
                        while retry.consume(".") { retry.skipSpaces(); _ = try retry.key(); retry.skipSpaces() }
                        _ = retry.consume("=")
                        retry.skipSpaces()
                        do {
                            parsed = try retry.value()
                            scanner = retry
                        } catch let inner where inner.message == Scanner.needMore {
                            continue
                        }
                    }
                    guard let parsed else { throw ParseError(line: lineNumber, message: "array is not closed with ']'") }
                    value = parsed
                    consumedLines = next - index
                }
                scanner.skipSpaces()
                guard scanner.atEndOrComment else { throw ParseError(line: lineNumber + consumedLines - 1, message: "unexpected text after the value") }
                let tablePath = table + keyParts.dropLast()
                let fullTable = TOMLSubset.dotted(tablePath)
                let key = keyParts.last!
                guard seen.insert(fullTable + "\u{0}" + key).inserted else { throw ParseError(line: lineNumber, message: "key '\(key)' is defined twice") }
                entries.append(Entry(table: fullTable, tablePath: tablePath, key: key, value: value, line: lineNumber, itemLines: scanner.itemLines))
                index += consumedLines
            }
        }
    }

    /// A table path as it would be written: parts joined by dots, each part that is not a
    /// bare key in quotes, so `[endpoints."qwen2.5"]` is not taken for three parts.
    static func dotted(_ parts: [String]) -> String {
        parts.map { part in
            let bare = !part.isEmpty && part.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" }
            return bare ? part : "\"" + part.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }.joined(separator: ".")
    }

    struct Scanner {
        static let needMore = "\u{0}more"
        var chars: [Unicode.Scalar]
        var position = 0
        /// The line of the first character: an array may span several lines, joined with "\n".
        let line: Int
        /// The lines of the items of the outermost array read, in order.
        var itemLines: [Int] = []
        private var arrayDepth = 0
        /// False for a value that may be a credential: a word that is no TOML value is then not repeated.
        var quotesBareWords = true

        init(_ chars: [Unicode.Scalar], line: Int) {
            self.chars = chars
            self.line = line
        }

        var peek: Unicode.Scalar? { position < chars.count ? chars[position] : nil }
        var atEndOrComment: Bool { peek == nil || peek == "#" }
        mutating func advance() { position += 1 }
        mutating func consume(_ c: Unicode.Scalar) -> Bool {
            if peek == c { position += 1; return true }
            return false
        }
        mutating func skipSpaces() { while let c = peek, c == " " || c == "\t" { position += 1 } }
        mutating func skipSpacesAndNewlines() {
            while let c = peek {
                if c == " " || c == "\t" || c == "\n" || c == "\r" { position += 1 } else if c == "#" {
                    while let d = peek, d != "\n" { _ = d; position += 1 }
                } else { break }
            }
        }

        /// The line being read: the first line plus the line breaks before the position.
        var currentLine: Int { line + chars[..<min(position, chars.count)].lazy.filter { $0 == "\n" }.count }

        func error(_ message: String) -> ParseError { ParseError(line: currentLine, message: message) }

        mutating func key() throws(ParseError) -> String {
            if peek == "\"" || peek == "'" { return try string() }
            var result = ""
            while let c = peek, c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_" || c == "-" {
                result.unicodeScalars.append(c)
                position += 1
            }
            guard !result.isEmpty else { throw error("expected a key") }
            return result
        }

        mutating func string() throws(ParseError) -> String {
            let quote = peek!
            position += 1
            var result = ""
            while let c = peek {
                position += 1
                if c == quote { return result }
                if c == "\n" { break }
                if c == "\\" && quote == "\"" {
                    guard let e = peek else { break }
                    position += 1
                    switch e {
                    case "n": result += "\n"
                    case "t": result += "\t"
                    case "\"": result += "\""
                    case "\\": result += "\\"
                    case "u", "U":
                        let length = e == "u" ? 4 : 8
                        guard position + length <= chars.count,
                              let code = UInt32(String(String.UnicodeScalarView(chars[position..<position + length])), radix: 16),
                              let scalar = Unicode.Scalar(code)
                        else { throw error("bad \\u escape in string") }
                        result.unicodeScalars.append(scalar)
                        position += length
                    default: throw error("unknown escape '\\\(e)' in string")
                    }
                } else {
                    result.unicodeScalars.append(c)
                }
            }
            throw error("string is not closed")
        }

        mutating func value() throws(ParseError) -> Value {
            guard let c = peek else { throw error("expected a value") }
            if c == "\"" || c == "'" { return .string(try string()) }
            if c == "[" {
                position += 1
                arrayDepth += 1
                defer { arrayDepth -= 1 }
                var items: [Value] = []
                while true {
                    skipSpacesAndNewlines()
                    guard let next = peek else { throw error(Self.needMore) }
                    if next == "]" { position += 1; return .array(items) }
                    if arrayDepth == 1 { itemLines.append(currentLine) }
                    items.append(try value())
                    skipSpacesAndNewlines()
                    if consume(",") { continue }
                    skipSpacesAndNewlines()
                    if peek == nil { throw error(Self.needMore) }
                    guard consume("]") else { throw error("expected ',' or ']' in array") }
                    return .array(items)
                }
            }
            var word = ""
            while let d = peek, d != " " && d != "\t" && d != "," && d != "]" && d != "#" && d != "\n" {
                word.unicodeScalars.append(d)
                position += 1
            }
            if word == "true" { return .bool(true) }
            if word == "false" { return .bool(false) }
            let digits = word.replacingOccurrences(of: "_", with: "")
            if let int = Int(digits) { return .integer(int) }
            if let double = Double(digits), !digits.isEmpty { return .float(double) }
            if word.isEmpty { throw error("expected a value") }
            throw error(quotesBareWords ? "'\(word)' is not a TOML value (strings need quotes)" : "the value is not a TOML value (strings need quotes)")
        }
    }
}
