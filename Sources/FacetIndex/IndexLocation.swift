import Foundation

/// Where the preference index lives: `--index PATH`, else `$FACET_INDEX`, else
/// the editor's `indexPath` setting, else the per-user cache
/// (`$XDG_CACHE_HOME/facet/index.sqlite`, or `~/.cache/facet/index.sqlite`).
public enum IndexLocation {
    public static func resolve(explicit: String? = nil, setting: String? = nil,
                               environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit, !explicit.isEmpty { return expand(explicit, environment) }
        if let fromEnvironment = environment["FACET_INDEX"], !fromEnvironment.isEmpty { return expand(fromEnvironment, environment) }
        if let setting, !setting.isEmpty { return expand(setting, environment) }
        let cache: String
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            cache = xdg
        } else {
            cache = (environment["HOME"] ?? NSHomeDirectory()) + "/.cache"
        }
        return cache + "/facet/index.sqlite"
    }

    static func expand(_ path: String, _ environment: [String: String]) -> String {
        if path == "~" || path.hasPrefix("~/") { return (environment["HOME"] ?? NSHomeDirectory()) + path.dropFirst() }
        return path
    }
}
