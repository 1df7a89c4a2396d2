import Yams

/// A YAML parser error as a message for people, for files read outside the
/// core (a preference collection): the line it stopped on and the complaint
/// without the echoed source line, which may be a whole 100 KB line.
public enum YAMLErrors {
    public static func describe(_ error: Error) -> (line: Int?, detail: String) {
        guard let error = error as? YamlError else { return (nil, String(String(describing: error).prefix(200))) }
        return (FrontMatterParser.mark(of: error)?.line, FrontMatterParser.detail(error))
    }
}
