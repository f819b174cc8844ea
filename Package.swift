// swift-tools-version:6.2
import PackageDescription

// One set of settings for every target: Swift 6 mode (from the tools version) plus the upcoming
// features Hummingbird 2 builds with.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Larder",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "larder", targets: ["LarderCLI"]),
        .library(name: "Larder", targets: ["Larder"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // C libraries, each behind one Swift wrapper.
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CHiredis", pkgConfig: "hiredis", providers: [.apt(["libhiredis-dev"])]),

        // definitions → registry → sources → transforms → offline | online → training | serving
        .target(name: "Larder", swiftSettings: swiftSettings),
        .target(name: "LarderRegistry", dependencies: ["Larder", "CSQLite"], swiftSettings: swiftSettings),
        .target(name: "Definitions", dependencies: ["Larder"], path: "definitions", swiftSettings: swiftSettings),
        .executableTarget(
            name: "LarderCLI",
            dependencies: [
                "Larder", "LarderRegistry", "Definitions",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings),

        .testTarget(name: "LarderTests", dependencies: ["Larder"], swiftSettings: swiftSettings),
        .testTarget(name: "LarderRegistryTests", dependencies: ["Larder", "LarderRegistry"], swiftSettings: swiftSettings),
        .testTarget(name: "LarderCLITests", dependencies: ["LarderCLI", "Larder", "LarderRegistry", "Definitions"], swiftSettings: swiftSettings),
    ]
)
