import FacetFiles
import Foundation

/// Where the preference index lives: `--index PATH`, else `$FACET_INDEX`, else
/// the editor's `indexPath` setting, else the per-user cache
/// (`$XDG_CACHE_HOME/facet/index.sqlite`, or `~/.cache/facet/index.sqlite`).
public enum IndexLocation {
    public static func resolve(explicit: String? = nil, setting: String? = nil,
                               environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        for candidate in [explicit, environment["FACET_INDEX"], setting] {
            if let candidate, !candidate.isEmpty { return UserCache.expandingTilde(candidate, environment: environment) }
        }
        return UserCache.directory(environment: environment) + "/index.sqlite"
    }
}
