import FacetCore
import LSPTypes

/// `textDocument/documentSymbol`: headings and XML-style sections, nested,
/// each with the facets stated inside it as its detail.
enum DocumentSymbolFeature {
    static let headingKind = 3  // SymbolKind.Namespace
    static let sectionKind = 23  // SymbolKind.Struct

    static func symbols(_ params: DocumentSymbolParams, _ snapshot: DocumentSnapshot) -> [DocumentSymbol] {
        let mapping = snapshot.mapping
        func symbol(_ node: Outline.Node) -> DocumentSymbol {
            // A heading of only spaces (a no-break space pasted in) looked like an empty entry.
            DocumentSymbol(name: node.name.allSatisfy(\.isWhitespace) ? "(untitled)" : node.name,
                           detail: node.facets.isEmpty ? nil : node.facets.map(\.rawValue).joined(separator: ", "),
                           kind: node.isSection ? sectionKind : headingKind,
                           range: mapping.range(node.range), selectionRange: mapping.range(node.nameRange),
                           children: node.children.isEmpty ? nil : node.children.map(symbol))
        }
        return Outline(snapshot.analysis).roots.map(symbol)
    }
}
