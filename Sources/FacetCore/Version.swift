/// The version of Facet, shown by `facet --version` and sent to editors in `initialize`.
public enum FacetVersion {
    public static let string = "0.1.0"
}
