import Benchmark
import Foundation
import GlowCurve

/// ../shared/data/ next to the package root (found from this file's path).
let sharedData = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data")

func curve(_ name: String) -> GlowCurve {
    let url = sharedData.appendingPathComponent(name)
    guard let text = try? String(contentsOf: url, encoding: .utf8), let c = try? GlowCurveCSV.parse(text) else {
        fatalError("benchmark data missing or unreadable: \(url.path)")
    }
    return c
}

/// A simulated four-element LiF:Mg,Ti card: 200 channels, 50–350 °C, peaks 2–5 with element-specific
/// doses and deterministic Poisson-like noise.
func simulatedCard() -> [GlowCurve] {
    var state: UInt64 = 42
    func unit() -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) * 0x1p-53
    }
    let t = (0..<200).map { 323.15 + Double($0) * 1.5 }
    return [1.0, 0.6, 2.5, 0.3].map { dose in
        var y = [Double](repeating: 5, count: t.count)
        let peaks = [(0.15, 1.38, 417.0), (0.3, 1.48, 457.0), (0.5, 1.58, 484.0), (1.0, 2.0, 512.0)]
        for (h, e, tm) in peaks {
            let p = GlowPeak(model: .firstOrder, maximumIntensity: 4000 * dose * h, activationEnergyElectronVolt: e, maximumTemperatureKelvin: tm)
            if let v = try? p.intensities(atKelvin: t, startKelvin: t[0]) { for i in y.indices { y[i] += v[i] } }
        }
        // Gaussian approximation of Poisson noise (Box–Muller), deterministic.
        for i in y.indices {
            let g = (-2 * log(max(unit(), 1e-300))).squareRoot() * cos(2 * Double.pi * unit())
            y[i] = max(0, (y[i] + g * y[i].squareRoot()).rounded())
        }
        return try! GlowCurve(counts: y, temperatureKelvin: t)
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .cpuTotal], maxDuration: .seconds(3), maxIterations: 200)

    let x002 = curve("glocanin/refglow_x002.csv")
    let x002Start = [(398.0, 1.35, 418.0), (540.0, 1.5, 458.0), (830.0, 1.6, 485.0), (1620.0, 2.0, 512.0)].map {
        GlowPeak(model: .firstOrder, maximumIntensity: $0.0, activationEnergyElectronVolt: $0.1, maximumTemperatureKelvin: $0.2)
    }
    Benchmark("x002 four-peak fit (first order, least squares, given start)") { benchmark in
        var c = GlowFitConfiguration()
        c.objective = .leastSquares
        for _ in benchmark.scaledIterations { blackHole(try? GlowFitter.fit(x002, starting: x002Start, configuration: c)) }
    }

    for name in ["x001", "x002", "x005", "x006", "x007", "x008"] {
        let c = curve("glocanin/refglow_\(name).csv")
        Benchmark("GLOCANIN \(name) automatic fit (general order, FOM objective)") { benchmark in
            for _ in benchmark.scaledIterations { blackHole(try? AutomaticFitter.fit(c)) }
        }
    }

    let card = simulatedCard()
    Benchmark("four-element card: quality screen (no fit)") { benchmark in
        for _ in benchmark.scaledIterations { for c in card { blackHole(GlowQuality.screen(c)) } }
    }
    // The reader's blank of a batch (docs/glow-flags.md) from four low curves, then the
    // reader-relative incandescence and dark-count checks of one card.
    let blank = ReaderBlank(blanks: simulatedCard().compactMap { c in
        (try? GlowCurve(counts: c.counts.map { $0 * 0.01 + 5 }, temperatureKelvin: c.temperatureKelvin)).map { ($0, 5.0) }
    })
    Benchmark("four-element card: reader-relative flags (blank of four controls)") { benchmark in
        guard let blank else { return }
        for _ in benchmark.scaledIterations { for c in card { blackHole(GlowQuality.readerRelativeFlags(c, darkCountsPerChannel: 5, blank: blank)) } }
    }
    Benchmark("four-element card: full automatic analysis (routine profile, Kitis first order)") { benchmark in
        let config = AutomaticFitConfiguration.routine(model: .firstOrderKitis, material: .lithiumFluorideMagnesiumTitanium)
        for _ in benchmark.scaledIterations { for c in card { blackHole(try? GlowAnalysis.analyse(c, configuration: config)) } }
    }
}
