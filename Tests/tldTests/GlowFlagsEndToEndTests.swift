import Foundation
import TestSupport
import Testing

/// The built-in simulated shipment holds only normal cards: none may carry a glow-curve flag
/// (incandescence and dark counts are judged against the batch's control dosimeters, docs/glow-flags.md).
/// Its stored curves then leave the database with `tld curves export` and are fitted again.
@Suite("glow flags on the built-in shipment", .serialized)
struct GlowFlagsEndToEndTests {
    @Test func noNormalCardCarriesAGlowFlag() async throws {
        let dir = try TemporaryDirectory("tld-glowflags")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        let r = try await tld.run(["readout", "--simulate", "--speed-ms", "0", "--format", "csv"], in: dir.url)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let lines = r.stdout.split(whereSeparator: \.isNewline)
        #expect(lines.count > 40)
        let flagged = lines.filter { $0.contains("glow-") }
        #expect(flagged.isEmpty, "glow flags on normal cards: \(flagged)")

        // The stored raw curves leave the database as BINX and CSV, and the BINX fits again.
        let card = try #require(lines.dropFirst().first.map { String($0.split(separator: ",")[0]) })
        let binx = try await tld.run(["curves", "export", "--batch", "1", "--format", "binx", "--out", "batch.binx"], in: dir.url)
        #expect(binx.status == 0, "stderr: \(binx.stderr)")
        #expect(binx.stdout.contains("curves written"))
        let csv = try await tld.run(["curves", "export", "--card", card, "--format", "csv", "--out", "card.csv"], in: dir.url)
        #expect(csv.status == 0, "stderr: \(csv.stderr)")
        let rows = try String(contentsOf: dir.url.appendingPathComponent("card.csv"), encoding: .utf8).split(separator: "\n")
        #expect(rows.first == "batch,card,element,read_at,channel,time_s,temperature_C,counts")
        #expect(rows.count > 200 && rows.dropFirst().allSatisfy { $0.contains(",\(card),") })
        let fit = try await tld.run(["glow", "fit", "batch.binx", "--record", "1", "--model", "first", "--svg", "r1.svg"], in: dir.url)
        #expect(fit.status == 0, "stderr: \(fit.stderr)")
        let none = try await tld.run(["glow", "fit", "batch.binx"], in: dir.url)
        #expect(none.status == 64 && none.stderr.contains("--record"))
        let unknown = try await tld.run(["curves", "export", "--batch", "NOPE", "--format", "csv", "--out", "x.csv"], in: dir.url)
        #expect(unknown.status == 65)
    }
}
