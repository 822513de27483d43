import Foundation
import Testing
import TestSupport

/// The built-in simulated shipment holds only normal cards: none may carry a glow-curve flag
/// (incandescence and dark counts are judged against the batch's control dosimeters, docs/glow-flags.md).
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
    }
}
