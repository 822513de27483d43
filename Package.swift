// swift-tools-version: 6.1
// The TL dosimetry lab system. Layers (arrows point down only, see docs/ARCHITECTURE.md):
//   tld → LabWorkflow → Instruments, Dosimetry, LabStore, LabReports
//   LabStoreSQLite, LabStorePostgres → LabStore (the backends under the store interface)
//   Instruments → DeviceIO, ReaderProtocol;  Dosimetry → GlowCurve
// Simulators (simulators/) use ReaderProtocol and the glow-curve physics, never the drivers.
import PackageDescription

let swift6: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "tl-dosimetry",
    // Linux only (libudev, termios and pty calls, umockdev in tests): no `platforms:` entry, which
    // would only name Apple platforms the code does not build on.
    products: [
        .executable(name: "tld", targets: ["tld"]),
        .executable(name: "tl-reader-sim", targets: ["tl-reader-sim"]),
        .library(name: "GlowCurve", targets: ["GlowCurve"]),
        .library(name: "Dosimetry", targets: ["Dosimetry"]),
        .library(name: "ReaderProtocol", targets: ["ReaderProtocol"]),
        .library(name: "TLSimulator", targets: ["TLSimulator"]),
        .library(name: "LabWorkflow", targets: ["LabWorkflow"]),
        .library(name: "LabStorePostgres", targets: ["LabStorePostgres"]),  // for Benchmarks/StoreBenchmarks
        .library(name: "LabStoreSQLite", targets: ["LabStoreSQLite"]),  // for Benchmarks
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // MARK: C, only here
        .systemLibrary(name: "CLibUSB", pkgConfig: "libusb-1.0", providers: [.apt(["libusb-1.0-0-dev"])]),
        .systemLibrary(name: "CUdev", pkgConfig: "libudev", providers: [.apt(["libudev-dev"])]),
        .target(name: "CSerial"),
        // umockdev's test-bed API, for DeviceIO/Scanner tests only (not the preload: tests re-run
        // themselves with LD_PRELOAD=libumockdev-preload.so.0, see UmockdevDiscoveryTests).
        .systemLibrary(name: "CUmockdev", pkgConfig: "umockdev-1.0", providers: [.apt(["libumockdev-dev"])]),

        // MARK: devices and protocol
        .target(
            name: "DeviceIO",
            dependencies: [
                "CSerial", "CLibUSB", "CUdev",
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: swift6),
        .target(name: "ReaderProtocol", swiftSettings: swift6),
        .target(
            name: "Instruments",
            dependencies: [
                "DeviceIO", "ReaderProtocol",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swift6),

        // MARK: physics and dosimetry (no Foundation, no database)
        .target(
            name: "GlowCurve",
            dependencies: [.product(name: "RealModule", package: "swift-numerics")],
            swiftSettings: swift6),
        .target(
            name: "Dosimetry",
            dependencies: ["GlowCurve", .product(name: "RealModule", package: "swift-numerics")],
            swiftSettings: swift6),

        // MARK: the lab
        .target(
            name: "LabStore",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swift6),
        // The store on SQLite (one file, GRDB): the default backend, implementing LabStore's role
        // protocols; its schema, migrations, triggers and backups (docs/ARCHITECTURE.md).
        .target(
            name: "LabStoreSQLite",
            dependencies: [
                "LabStore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swift6),
        // The store on PostgreSQL (several benches, one database): beside the SQLite backend,
        // implementing LabStore's role protocols (see docs/postgresql.md).
        .target(
            name: "LabStorePostgres",
            dependencies: [
                "LabStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swift6),
        .target(name: "LabReports", dependencies: ["GlowCurve", "Dosimetry"], swiftSettings: swift6),
        .target(
            name: "LabWorkflow",
            dependencies: [
                "Instruments", "Dosimetry", "GlowCurve", "LabStore", "LabReports",
                "DeviceIO",  // the reconnecting opener finds a reader by its USB serial number
                "ReaderProtocol",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swift6),
        // The customer portal (tld serve): web forms over the master data, beside LabWorkflow.
        .target(
            name: "Portal",
            dependencies: [
                "LabWorkflow", "LabStore", "LabReports",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swift6),
        // The simulated facility and reader wired to the workflow (tld typetest, tests, benchmarks).
        .target(name: "SimulatedFacility", dependencies: ["LabWorkflow", "LabStore", "Dosimetry", "TLSimulator"], swiftSettings: swift6),
        .executableTarget(
            name: "tld",
            dependencies: [
                "LabWorkflow", "LabStore", "LabStoreSQLite", "TLSimulator", "SimulatedFacility", "GlowCurve", "LabReports", "DeviceIO", "Instruments", "Portal",
                "Dosimetry", "LabStorePostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swift6),

        // MARK: simulators
        .target(
            name: "TLSimulator",
            dependencies: ["ReaderProtocol", "CSerial"],
            path: "simulators/TLSimulator",
            resources: [.copy("Resources/builtin-shipment.json")],
            swiftSettings: swift6),
        .target(
            name: "ScannerSimulator",
            dependencies: ["CSerial"],
            path: "simulators/ScannerSimulator",
            swiftSettings: swift6),
        .executableTarget(
            name: "tl-reader-sim",
            dependencies: [
                "TLSimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "simulators/tl-reader-sim",
            swiftSettings: swift6),

        // MARK: tests (Swift Testing)
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: swift6),
        .testTarget(name: "ReaderProtocolTests", dependencies: ["ReaderProtocol", "TestSupport",
            .product(name: "PropertyBased", package: "swift-property-based")], swiftSettings: swift6),
        .testTarget(name: "DeviceIOTests", dependencies: ["DeviceIO", "TestSupport", "CUmockdev", "ScannerSimulator",
            .product(name: "SystemPackage", package: "swift-system")],
            swiftSettings: swift6),
        .testTarget(name: "ScannerTests", dependencies: ["Instruments", "DeviceIO", "ScannerSimulator", "TestSupport", "CUmockdev",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "PropertyBased", package: "swift-property-based")], swiftSettings: swift6),
        .testTarget(name: "InstrumentsTests", dependencies: ["Instruments", "TLSimulator", "TestSupport", "DeviceIO", "ReaderProtocol",
            .product(name: "Logging", package: "swift-log")], swiftSettings: swift6),
        .testTarget(name: "GlowCurveTests", dependencies: ["GlowCurve", "TestSupport",
            .product(name: "RealModule", package: "swift-numerics"),
            .product(name: "PropertyBased", package: "swift-property-based")], swiftSettings: swift6),
        .testTarget(name: "DosimetryTests", dependencies: ["Dosimetry", "TLSimulator", "TestSupport"], swiftSettings: swift6),
        .testTarget(name: "LabStoreTests", dependencies: ["LabStore", "LabStoreSQLite", "LabStorePostgres", "TestSupport",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "PropertyBased", package: "swift-property-based")], swiftSettings: swift6),
        .testTarget(name: "LabWorkflowTests", dependencies: ["LabWorkflow", "GlowCurve", "TLSimulator", "SimulatedFacility", "TestSupport", "DeviceIO", "CUmockdev",
            "Dosimetry", "Instruments", "LabReports", "LabStore", "LabStoreSQLite", "ReaderProtocol", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swift6),
        .testTarget(name: "TLSimulatorTests", dependencies: ["TLSimulator", "ReaderProtocol", "TestSupport"], swiftSettings: swift6),
        .testTarget(name: "LabReportsTests", dependencies: ["LabReports", "TestSupport"], swiftSettings: swift6),
        .testTarget(name: "PortalTests", dependencies: ["Portal", "LabStore", "LabStoreSQLite", "LabStorePostgres", "LabWorkflow", "TestSupport",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "Logging", package: "swift-log")], swiftSettings: swift6),
        .testTarget(name: "tldTests", dependencies: ["tld", "tl-reader-sim", "TestSupport", "LabStore", "LabStoreSQLite", "LabWorkflow",
            .product(name: "Logging", package: "swift-log")], swiftSettings: swift6),
    ]
)
