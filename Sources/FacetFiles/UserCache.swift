import Foundation

/// Facet's folder in the per-user cache: `$XDG_CACHE_HOME/facet` when that is
/// an absolute path, else `~/.cache/facet`. The preference index and the
/// preview cache live there unless told otherwise.
public enum UserCache {
    public static func directory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") { return xdg + "/facet" }
        return home(environment) + "/.cache/facet"
    }

    /// `~` and `~/...` expanded against `$HOME`; other paths unchanged.
    public static func expandingTilde(_ path: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if path == "~" || path.hasPrefix("~/") { return home(environment) + path.dropFirst() }
        return path
    }

    static func home(_ environment: [String: String]) -> String { environment["HOME"] ?? NSHomeDirectory() }
}
