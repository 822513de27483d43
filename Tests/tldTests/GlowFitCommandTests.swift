import Foundation
import TestSupport
import Testing

/// `tld glow fit` as a physicist runs it: the shared GLOCANIN curves, tgcd-style control, and the
/// input edges of issue 11 (finding 8).
@Suite("tld glow fit", .serialized)
struct GlowFitCommandTests {
    static func glocanin(_ name: String) -> String {
        RepoPaths.sharedData.appendingPathComponent("glocanin/refglow_\(name).csv").path
    }

    @Test("x005: no nan, no implausible s without its flag; components CSV and a labelled SVG")
    func x005() async throws {
        let dir = try TemporaryDirectory("tld-glow")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        let r = try await tld.run(["glow", "fit", Self.glocanin("x005"), "--components", "peaks.csv", "--svg", "x005.svg"], in: dir.url)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(!r.stdout.contains("nan"))
        // Every peak row's s within 1e5…1e22, or an implausible-parameter flag is printed.
        let rows = r.stdout.split(separator: "\n").filter { $0.first.map { "* ".contains($0) } ?? false && $0.dropFirst().first?.isNumber == true }
        #expect(rows.count >= 3)
        for row in rows {
            // The s column is the one number printed in exponent form (%.3e).
            let s = try #require(row.split(separator: " ").first { $0.contains("e+") || $0.contains("e-") }.flatMap { Double($0) })
            #expect((1e5...1e22).contains(s) || r.stdout.contains("flag implausible-parameter"), "\(row)")
        }
        let csv = try String(contentsOfFile: dir.path("peaks.csv"), encoding: .utf8)
        let lines = csv.split(separator: "\n")
        let header = try #require(lines.first { $0.hasPrefix("temperature_K") })
        #expect(header.hasPrefix("temperature_K,measured,fit,background,peak_1"))
        #expect(lines.filter { !$0.hasPrefix("#") }.count == 201)
        let svg = try String(contentsOfFile: dir.path("x005.svg"), encoding: .utf8)
        #expect(svg.contains("Temperature (K)") && svg.contains("Intensity (counts per channel)") && svg.contains("fit (sum)"))
    }

    @Test("x006–x008: the background line prints no inf or nan (a constant background says so)",
          arguments: ["x006", "x007", "x008"])
    func backgroundLine(curve: String) async throws {
        let dir = try TemporaryDirectory("tld-glow")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        let r = try await tld.run(["glow", "fit", Self.glocanin(curve)], in: dir.url)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let background = try #require(r.stdout.split(separator: "\n").first { $0.hasPrefix("background:") })
        #expect(!background.contains("inf") && !background.contains("nan"), "\(background)")
        #expect(background.contains("C = ") || background.contains("no exponential term"), "\(background)")
    }

    @Test("user peaks: starting values, a range and a fixed parameter, minimum distance")
    func userPeaks() async throws {
        let dir = try TemporaryDirectory("tld-glow")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        let r = try await tld.run([
            "glow", "fit", Self.glocanin("x002"), "--model", "first",
            "--peak", "Tm=417", "--peak", "Tm=457,E=1.3..1.6", "--peak", "Tm=484", "--peak", "Tm=512,E=2.002,fix=E",
            "--min-distance", "15", "--svg", "x.svg", "--plot-unit", "C",
        ], in: dir.url)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stdout.contains("4 peaks"))
        #expect(r.stdout.contains("2.0020 (fixed)"))
        let svg = try String(contentsOfFile: dir.path("x.svg"), encoding: .utf8)
        #expect(svg.contains("Temperature (°C)"))
        let bad = try await tld.run(["glow", "fit", Self.glocanin("x002"), "--peak", "E=1.2"], in: dir.url)
        #expect(bad.status == 64 && bad.stderr.contains("Tm"))
        let badFix = try await tld.run(["glow", "fit", Self.glocanin("x002"), "--peak", "Tm=500", "--fix", "3:E"], in: dir.url)
        #expect(badFix.status == 64 && badFix.stderr.contains("no peak 3"))
    }

    @Test("CRLF files, temperature noise on the hold, constant temperature, nonsense options")
    func inputEdges() async throws {
        let dir = try TemporaryDirectory("tld-glow")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        let source = try String(contentsOfFile: Self.glocanin("x001"), encoding: .utf8)
        let crlf = source.split(separator: "\n").joined(separator: "\r\n") + "\r\n"
        try crlf.write(to: dir.url.appendingPathComponent("crlf.csv"), atomically: true, encoding: .utf8)
        let a = try await tld.run(["glow", "fit", "crlf.csv", "--model", "first"], in: dir.url)
        #expect(a.status == 0, "stderr: \(a.stderr)")
        #expect(a.stdout.contains("1 peaks"))

        // The lab's reader: a hold at 573 K with ±0.3 K of thermocouple noise.
        var rows = ["temperature_K,intensity"]
        for line in source.split(separator: "\n").dropFirst() { rows.append(String(line)) }
        for i in 0..<30 { rows.append("\(556.0 + [0.0, -0.3, 0.2, -0.2, 0.1][i % 5]),\(3 + i % 3)") }
        try rows.joined(separator: "\n").write(to: dir.url.appendingPathComponent("hold.csv"), atomically: true, encoding: .utf8)
        let b = try await tld.run(["glow", "fit", "hold.csv", "--model", "first"], in: dir.url)
        #expect(b.status == 0, "stderr: \(b.stderr)")

        let constant = "temperature_K,intensity\n" + (0..<40).map { "450,\($0 % 7 + 1)" }.joined(separator: "\n")
        try constant.write(to: dir.url.appendingPathComponent("constant.csv"), atomically: true, encoding: .utf8)
        let c = try await tld.run(["glow", "fit", "constant.csv"], in: dir.url)
        #expect(c.status == 65 && c.stderr.contains("same temperature"), "status \(c.status) stderr \(c.stderr)")
        #expect(!c.stdout.contains("nan") && !c.stdout.contains("inf"))

        for rate in ["nan", "0", "inf", "-2"] {
            let d = try await tld.run(["glow", "fit", "crlf.csv", "--heating-rate", rate], in: dir.url)
            #expect(d.status == 64 && d.stderr.contains("heating-rate"), "--heating-rate \(rate): status \(d.status)")
        }
        let e = try await tld.run(["glow", "fit", "crlf.csv", "--unit", "F"], in: dir.url)
        #expect(e.status == 64 && e.stderr.contains("--unit"))
        let missing = try await tld.run(["glow", "fit", "nothing.csv"], in: dir.url)
        #expect(missing.status == 66)
    }

    @Test("100 000 rows: refused with a message in seconds; --rebin fits them")
    func hundredThousandRows() async throws {
        let dir = try TemporaryDirectory("tld-glow")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        var text = "temperature_K,intensity\n"
        for i in 0..<100_000 {
            let t = 300 + Double(i) * 0.003
            let x = (t - 480) / 20
            text += "\(t),\(Int((1000 * exp(-x * x)).rounded()) + i % 5)\n"
        }
        try text.write(to: dir.url.appendingPathComponent("big.csv"), atomically: true, encoding: .utf8)
        let clock = ContinuousClock()
        let start = clock.now
        let r = try await tld.run(["glow", "fit", "big.csv"], in: dir.url)
        #expect(r.status == 65 && r.stderr.contains("rebin"), "status \(r.status) stderr \(r.stderr)")
        #expect(clock.now - start < .seconds(30))
        // Rebinned to 200 channels it fits (one peak from a start: the test curve is a Gaussian, not a
        // kinetic peak, so an automatic fit would only pile up peaks).
        let binned = try await tld.run(["glow", "fit", "big.csv", "--rebin", "500", "--model", "first", "--peak", "Tm=480"], in: dir.url)
        #expect(binned.status == 0, "stderr: \(binned.stderr)")
        #expect(clock.now - start < .seconds(90))
    }
}
