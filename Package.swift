// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Facet",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "facet", targets: ["facet"]),
        .library(name: "FacetCore", targets: ["FacetCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // MARK: FacetCore: the pure analysis (text, units, facets, lint rules, configuration)
        .target(
            name: "FacetCore",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .testTarget(
            name: "FacetCoreTests",
            dependencies: ["FacetCore"],
            resources: [.copy("Fixtures")]
        ),

        // MARK: FacetFiles: reading what lies around the core (`.facet.toml` discovery)
        .target(
            name: "FacetFiles",
            dependencies: ["FacetCore"]
        ),

        // MARK: FacetIndex: the preference collection index (SQLite through GRDB, FTS5)
        .target(
            name: "FacetIndex",
            dependencies: [
                "FacetCore",
                "FacetFiles",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),  // the C API, for the import's inserts
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .testTarget(
            name: "FacetIndexTests",
            dependencies: ["FacetIndex", "FacetCore", .product(name: "GRDB", package: "GRDB.swift")]
        ),

        // MARK: FacetPreview: previews from OpenAI-compatible endpoints (URLSession streaming, SQLite cache)
        .target(
            name: "FacetPreview",
            dependencies: [
                "FacetCore",
                "FacetFiles",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "FacetPreviewTests",
            dependencies: ["FacetPreview", "FacetCore", .product(name: "GRDB", package: "GRDB.swift")]
        ),

        // MARK: JSONRPC: Content-Length framing and JSON-RPC 2.0 messages (pure)
        .target(name: "JSONRPC"),
        .testTarget(
            name: "JSONRPCTests",
            dependencies: ["JSONRPC"]
        ),

        // MARK: LSPTypes: LSP 3.17 messages as Codable values, one file per message
        .target(
            name: "LSPTypes",
            dependencies: ["JSONRPC"]
        ),

        // MARK: FacetServer: the language server (`facet lsp`)
        .target(
            name: "FacetServer",
            dependencies: ["FacetCore", "FacetFiles", "FacetIndex", "FacetPreview", "LSPTypes", "JSONRPC"]
        ),
        .testTarget(
            name: "FacetServerTests",
            dependencies: ["FacetServer", "FacetCore", "FacetIndex", "LSPTypes", "JSONRPC", .product(name: "GRDB", package: "GRDB.swift")]
        ),

        // MARK: FacetCommands: the CLI commands, as a library so tests can run them
        .target(
            name: "FacetCommands",
            dependencies: [
                "FacetCore",
                "FacetFiles",
                "FacetServer",
                "FacetIndex",
                "FacetPreview",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "FacetCommandsTests",
            dependencies: ["FacetCommands", "FacetCore", "FacetFiles"]
        ),

        // MARK: facet: the executable (@main only)
        .executableTarget(
            name: "facet",
            dependencies: ["FacetCommands"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
