import Yams

/// YAML aliases repeat what an anchor holds, so a few hundred bytes of nested
/// `&a [*a, *a, ...]` expand to billions of values ("billion laughs"); walking
/// them froze the language server at 11 GB. Text without aliases has fewer
/// values than bytes, so a tree is refused once it passes a bound on both.
enum YAMLExpansion {
    /// How many values a text of `bytes` bytes may expand to.
    static func limit(bytes: Int) -> Int { 10_000 + 4 * bytes }

    /// Whether `node`, aliases expanded, holds more than `limit` values. Stops
    /// counting there, so it costs at most `limit` steps.
    static func exceeds(_ node: Node, limit: Int) -> Bool {
        var count = 0
        var pending = [node]
        while let next = pending.popLast() {
            count += 1
            if count > limit { return true }
            switch next {
            case .sequence(let sequence): pending.append(contentsOf: sequence)
            case .mapping(let mapping):
                for (key, value) in mapping { pending.append(key); pending.append(value) }
            case .scalar, .alias: break
            }
        }
        return false
    }

    static func message(limit: Int) -> String {
        "its YAML aliases expand to more than \(limit) values; write the values out, or use fewer aliases"
    }
}
