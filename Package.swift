// swift-tools-version:6.2
import PackageDescription

// One set of settings for every target: Swift 6 mode (from the tools version) plus the upcoming
// features Hummingbird 2 builds with.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

// SwiftNIO's event loops, for the targets that run on them directly.
let nio: [Target.Dependency] = [.product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio")]

let package = Package(
    name: "Larder",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "larder", targets: ["LarderCLI"]),
        .library(name: "Larder", targets: ["Larder"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.34.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        // 3.12.3 or 4.x, both mirrored: the rest of the graph resolves 4.x.
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        // Tests only: a self-signed certificate for the TLS tests.
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
    ],
    targets: [
        // C libraries, each behind one Swift wrapper.
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CHiredis", pkgConfig: "hiredis", providers: [.apt(["libhiredis-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CSnappy", pkgConfig: "snappy", providers: [.apt(["libsnappy-dev"])]),

        // definitions → registry → sources → transforms → offline | online → training | serving
        .target(name: "Larder", swiftSettings: swiftSettings),
        .target(
            name: "LarderRegistry", dependencies: ["Larder", "CSQLite", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings),
        .target(name: "LarderColumnar", dependencies: ["Larder"], swiftSettings: swiftSettings),
        .target(name: "LarderParquet", dependencies: ["Larder", "LarderColumnar", "CZstd", "CSnappy"], swiftSettings: swiftSettings),
        .target(name: "LarderCSV", dependencies: ["Larder", "LarderColumnar"], swiftSettings: swiftSettings),
        .target(name: "LarderDemoData", dependencies: ["Larder", "LarderColumnar", "LarderCSV"], swiftSettings: swiftSettings),
        .target(
            name: "LarderSources", dependencies: ["Larder", "LarderColumnar", "LarderParquet", "LarderCSV", "LarderRegistry"],
            swiftSettings: swiftSettings),
        .target(
            name: "LarderOffline",
            dependencies: ["Larder", "LarderColumnar", "LarderParquet", "LarderCSV", "LarderRegistry", "LarderSources", "LarderQuality"],
            swiftSettings: swiftSettings),
        // Data quality expectations (issue 16 part 1): checked over a view's rows before a job or push commits them,
        // results stored per job. Below the offline store and the server, which both gate on it.
        .target(name: "LarderQuality", dependencies: ["Larder", "LarderColumnar", "LarderRegistry"], swiftSettings: swiftSettings),
        .target(
            name: "LarderOnline",
            dependencies: ["Larder", "CHiredis", "LarderRegistry", "LarderColumnar"] + nio, swiftSettings: swiftSettings),
        .target(
            name: "LarderServer",
            dependencies: [
                "Larder", "LarderRegistry", "LarderOnline", "LarderTraining", "LarderColumnar", "LarderSources", "LarderOffline",
                "LarderQuality",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ],
            swiftSettings: swiftSettings),
        .target(name: "LarderTraining", dependencies: ["Larder", "LarderColumnar", "LarderRegistry", "LarderOffline"], swiftSettings: swiftSettings),
        // Monitoring statistics (issue 16): drift tests matching Evidently's defaults, no I/O, no dependencies.
        .target(name: "LarderMonitoring", swiftSettings: swiftSettings),
        .target(name: "Definitions", dependencies: ["Larder"], path: "definitions", swiftSettings: swiftSettings),
        .executableTarget(
            name: "LarderCLI",
            dependencies: [
                "Larder", "LarderRegistry", "Definitions", "LarderColumnar", "LarderParquet", "LarderCSV",
                "LarderDemoData", "LarderSources", "LarderOffline", "LarderOnline", "LarderServer", "LarderTraining", "LarderMonitoring",
                "LarderQuality",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings),

        // Seeded mutation fuzzers of the decoders (Parquet, CSV, Redis replies, lookup bodies), shared by
        // the tests and the DecoderFuzz executable that runs many more cases.
        .target(
            name: "LarderFuzzing", dependencies: ["Larder", "LarderColumnar", "LarderParquet", "LarderCSV", "LarderOnline", "LarderServer"],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "DecoderFuzz", dependencies: ["LarderFuzzing"], path: "Benchmarks/DecoderFuzz", swiftSettings: swiftSettings),

        .executableTarget(
            name: "ParquetInterop", dependencies: ["Larder", "LarderColumnar", "LarderParquet"],
            path: "Sources/ParquetInterop", swiftSettings: swiftSettings),
        .executableTarget(
            name: "ColumnarBenchmark", dependencies: ["Larder", "LarderColumnar", "LarderParquet"],
            path: "Benchmarks/ColumnarBenchmark", swiftSettings: swiftSettings),
        .executableTarget(
            name: "CSVBenchmark", dependencies: ["Larder", "LarderColumnar", "LarderCSV", "LarderDemoData"],
            path: "Benchmarks/CSVBenchmark", swiftSettings: swiftSettings),

        .executableTarget(
            name: "JoinBenchmark", dependencies: ["Larder", "LarderColumnar", "LarderOffline"],
            path: "Benchmarks/JoinBenchmark", swiftSettings: swiftSettings),

        .executableTarget(
            name: "OnlineBenchmark",
            dependencies: ["Larder", "LarderOnline", .product(name: "NIOPosix", package: "swift-nio")],
            path: "Benchmarks/OnlineBenchmark", swiftSettings: swiftSettings),

        .executableTarget(
            name: "HTTPCeilingBenchmark",
            dependencies: [
                "LarderOnline",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Benchmarks/HTTPCeilingBenchmark", swiftSettings: swiftSettings),

        .executableTarget(
            name: "TransformBenchmark", dependencies: ["Larder", "LarderColumnar", "LarderOffline", "LarderSources"],
            path: "Benchmarks/TransformBenchmark", swiftSettings: swiftSettings),

        .executableTarget(
            name: "TrainingBenchmark", dependencies: ["LarderTraining", "Larder"],
            path: "Benchmarks/TrainingBenchmark", swiftSettings: swiftSettings),

        .testTarget(name: "LarderColumnarTests", dependencies: ["Larder", "LarderColumnar"], swiftSettings: swiftSettings),
        .testTarget(
            name: "LarderParquetTests", dependencies: ["Larder", "LarderColumnar", "LarderParquet"],
            resources: [.copy("Fixtures")], swiftSettings: swiftSettings),
        .testTarget(name: "LarderSourcesTests", dependencies: ["Larder", "LarderColumnar", "LarderSources"], swiftSettings: swiftSettings),
        .testTarget(name: "LarderCSVTests", dependencies: ["Larder", "LarderColumnar", "LarderCSV"], swiftSettings: swiftSettings),
        .testTarget(name: "LarderDemoDataTests", dependencies: ["Larder", "LarderColumnar", "LarderCSV", "LarderDemoData"], swiftSettings: swiftSettings),
        .testTarget(
            name: "LarderOfflineTests",
            dependencies: ["Larder", "LarderColumnar", "LarderRegistry", "LarderSources", "LarderOffline", "LarderQuality"],
            swiftSettings: swiftSettings),
        // Helpers the test targets share (the private test Redis).
        .target(
            name: "LarderTestSupport",
            dependencies: [
                "LarderOnline", .product(name: "X509", package: "swift-certificates"), .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            path: "Tests/LarderTestSupport", swiftSettings: swiftSettings),
        .testTarget(
            name: "LarderOnlineTests",
            dependencies: ["Larder", "LarderOnline", "CHiredis", "LarderTestSupport"] + nio, swiftSettings: swiftSettings),
        .testTarget(
            name: "LarderServerTests",
            dependencies: [
                "Larder", "LarderRegistry", "LarderOnline", "LarderServer", "LarderTraining", "LarderColumnar", "LarderOffline", "LarderTestSupport",
                "LarderQuality",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(name: "LarderTrainingTests", dependencies: ["LarderTraining", "Larder", "LarderColumnar", "LarderRegistry", "LarderOffline"], swiftSettings: swiftSettings),
        .testTarget(name: "LarderTests", dependencies: ["Larder"], swiftSettings: swiftSettings),
        .testTarget(name: "LarderFuzzingTests", dependencies: ["LarderFuzzing"], swiftSettings: swiftSettings),
        .testTarget(name: "LarderRegistryTests", dependencies: ["Larder", "LarderRegistry"], swiftSettings: swiftSettings),
        .testTarget(
            name: "LarderQualityTests", dependencies: ["Larder", "LarderColumnar", "LarderRegistry", "LarderQuality"], swiftSettings: swiftSettings),
        .testTarget(
            name: "LarderMonitoringTests", dependencies: ["LarderMonitoring"], resources: [.copy("Fixtures")], swiftSettings: swiftSettings),
        .testTarget(name: "LarderCLITests", dependencies: ["LarderCLI", "Larder", "LarderRegistry", "Definitions", "LarderColumnar", "LarderParquet", "LarderOffline", "LarderOnline", "LarderTestSupport"], swiftSettings: swiftSettings),
    ]
)
