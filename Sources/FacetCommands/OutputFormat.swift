import ArgumentParser

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, sarif
}

/// For commands whose output has no findings to put in SARIF.
enum TextOrJSON: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// ANSI colours, used only when standard output is a terminal and NO_COLOR is unset.
struct Colors {
    var enabled: Bool
    func paint(_ text: String, _ code: String) -> String { enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
    func bold(_ t: String) -> String { paint(t, "1") }
    func severity(_ s: String) -> String {
        switch s {
        case "error": return paint(s, "1;31")
        case "warning": return paint(s, "1;33")
        case "info": return paint(s, "1;36")
        default: return paint(s, "1;32")
        }
    }
    func dim(_ t: String) -> String { paint(t, "2") }
}

/// Text from a user's file shown on a terminal: control characters (an ESC
/// that would start a terminal sequence, a NUL, a line break inside a message)
/// become "�", so a message cannot move the cursor, change colours or split a
/// `path:line:col:` line.
enum TerminalText {
    static func safe(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { isControl($0) ? "\u{FFFD}" : $0 }))
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control && scalar != "\t"
    }
}
