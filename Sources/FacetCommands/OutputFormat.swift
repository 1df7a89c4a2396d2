import ArgumentParser
import Foundation

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, sarif
}

/// For commands whose output has no findings to put in SARIF.
enum TextOrJSON: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// ANSI colours, used only when standard output is a terminal and NO_COLOR is unset or empty.
struct Colors {
    var enabled: Bool

    /// The colours for standard output: on with `forced` (`--color`), else on a terminal
    /// unless NO_COLOR holds a value. An empty NO_COLOR leaves colour on (no-color.org).
    static func forStandardOutput(forced: Bool = false,
                                  environment: [String: String] = ProcessInfo.processInfo.environment,
                                  isTerminal: Bool = isatty(STDOUT_FILENO) == 1) -> Colors {
        let noColor = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        return Colors(enabled: forced || (isTerminal && !noColor))
    }

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

/// Text from a user's file (or a model's answer) shown on a terminal: control
/// characters (an ESC that would start a terminal sequence, a NUL, a line
/// break inside a message) and bidirectional overrides (U+202A-202E,
/// U+2066-2069, which reorder what the terminal shows: "Trojan Source")
/// become "�", so a message cannot move the cursor, change colours, split a
/// `path:line:col:` line or show text other than what is there.
enum TerminalText {
    static func safe(_ text: String, keepingLineBreaks: Bool = false) -> String {
        func unsafe(_ scalar: Unicode.Scalar) -> Bool {
            isReplaced(scalar) && !(keepingLineBreaks && (scalar == "\n" || scalar == "\r"))
        }
        guard text.unicodeScalars.contains(where: unsafe) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { unsafe($0) ? "\u{FFFD}" : $0 }))
    }

    /// The text on one line: each line break ("\n", "\r\n" or a lone "\r") becomes one
    /// space. Replacing "\n" alone left the "\r" of Windows line endings, shown as "�".
    static func oneLine(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var afterCarriageReturn = false
        for scalar in text.unicodeScalars {
            defer { afterCarriageReturn = scalar == "\r" }
            if scalar == "\n" && afterCarriageReturn { continue }
            out.append(scalar == "\n" || scalar == "\r" ? " " : scalar)
        }
        return String(out)
    }

    /// A control character (but tab) or a bidirectional override.
    static func isReplaced(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control && scalar != "\t"
            || (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
    }
}
