// swift-tools-version: 6.1
// Benchmarks of the glow-curve analysis (ordo-one/benchmark). Run from this folder:
//   swift package --disable-sandbox benchmark
import PackageDescription

let package = Package(
    name: "Benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "tl-dosimetry", path: "../"),
        // Only the malloc interposer: the Swift 6.3 runtime interposer package is not in the mirror.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "GlowCurveBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "GlowCurve", package: "tl-dosimetry"),
            ],
            path: "Benchmarks/GlowCurveBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
    ]
)
