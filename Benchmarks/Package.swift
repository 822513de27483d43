// swift-tools-version: 6.1
// Benchmarks of the TL dosimetry lab (ordo-one/benchmark). Run from this folder:
//   swift package --disable-sandbox benchmark
//   swift package --disable-sandbox benchmark --target GlowCurveBenchmarks
import PackageDescription

let package = Package(
    name: "tl-dosimetry-benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        // Named so the product references do not depend on the checkout folder name.
        .package(name: "tl-dosimetry", path: "../"),
        // Only the malloc interposer: the Swift 6.3 runtime interposer package is not in the mirror.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // Glow-curve fits of the GLOCANIN curves and a simulated four-element card.
        .executableTarget(
            name: "GlowCurveBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "GlowCurve", package: "tl-dosimetry"),
            ],
            path: "Benchmarks/GlowCurveBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        // The lab cycle of a 10 000-card shipment: intake, readout (simulator, fast mode), evaluation, reissue.
        .executableTarget(
            name: "LabCycleBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "LabWorkflow", package: "tl-dosimetry"),
                .product(name: "LabStoreSQLite", package: "tl-dosimetry"),
                .product(name: "TLSimulator", package: "tl-dosimetry"),
            ],
            path: "LabCycleBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        // tld import of 10 000 enrolments: new, and again (nothing changes).
        .executableTarget(
            name: "MasterDataBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "LabWorkflow", package: "tl-dosimetry"),
                .product(name: "LabStoreSQLite", package: "tl-dosimetry"),
            ],
            path: "MasterDataBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        // tld dispatch for 1 000 and 10 000 active enrolments: the run and every customer's documents.
        .executableTarget(
            name: "DispatchBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "LabWorkflow", package: "tl-dosimetry"),
                .product(name: "LabStoreSQLite", package: "tl-dosimetry"),
            ],
            path: "DispatchBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        // tld intake: scan to answer (a USB-serial scanner on a pty, IntakeStation on an in-memory lab).
        .executableTarget(
            name: "ScannerBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "LabWorkflow", package: "tl-dosimetry"),
                .product(name: "LabStoreSQLite", package: "tl-dosimetry"),
            ],
            path: "ScannerBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        // tld backup and tld verify of a 10 000-card lab (issue 18: each < 30 s).
        .executableTarget(
            name: "BackupBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "LabWorkflow", package: "tl-dosimetry"),
                .product(name: "LabStoreSQLite", package: "tl-dosimetry"),
            ],
            path: "BackupBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        // Issue 15: the readout's store path per element, PostgreSQL against SQLite; 1 and 3 benches at once.
        .executableTarget(
            name: "StoreBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "LabWorkflow", package: "tl-dosimetry"),
                .product(name: "LabStoreSQLite", package: "tl-dosimetry"),
                .product(name: "LabStorePostgres", package: "tl-dosimetry"),
            ],
            path: "StoreBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        // Issue 13: annual review (500 workers × 10 years), registry export (100 080 records), one person's history.
        .executableTarget(
            name: "DoseRecordBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "LabWorkflow", package: "tl-dosimetry"),
                .product(name: "LabStoreSQLite", package: "tl-dosimetry"),
            ],
            path: "DoseRecordBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
    ]
)
