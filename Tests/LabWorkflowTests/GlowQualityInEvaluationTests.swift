import Foundation
import LabStore
import LabStoreSQLite
import LabWorkflow
import Logging
import Testing

/// The glow-curve quality screen runs on every stored element during evaluation, and a curve fault
/// that makes the ROI integral doubtful (a spike) sends the card to review with the reason.
@Suite struct GlowQualityInEvaluationTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// A LiF-like peak near 250 °C on 200 channels from 50 to 300 °C, `area` counts, plus dark counts.
    static func curve(area: Double, spikeAt: Int? = nil) -> ElementCurve {
        var counts: [UInt32] = []
        var temps: [Int16] = []
        for i in 0..<200 {
            let c = 50 + 250 * Double(i) / 199
            let g = exp(-0.5 * pow((c - 250) / 12, 2)) / (12 * (2 * Double.pi).squareRoot()) * 1.256
            var v = area * g + 5
            if i == spikeAt { v += area * 0.2 }
            counts.append(UInt32(v.rounded()))
            temps.append(Int16((c * 10).rounded()))
        }
        return ElementCurve(counts: counts, temperaturesDeciCelsius: temps, channelMicroseconds: 133_350,
                            pmtDarkCountsPerSecond: 37, heaterMaxDeciCelsius: 3000,
                            readerCurveCRC32: CurveCRC32.curveChecksum(counts: counts, temperaturesDeciCelsius: temps))
    }

    @Test func spikeSendsTheCardToReview() throws {
        let store = try SQLiteLabStore.inMemory(logger: Self.logger)
        let batch = try store.openBatch(
            groupID: "GQ-1", reader: ReaderIdentity(model: "TLR", serial: "TL1", firmware: "1"), elementsPerCard: 4,
            timeTemperatureProfile: TimeTemperatureProfile(
                preheatDeciCelsius: 500, preheatMilliseconds: 0, rampDeciCelsiusPerSecond: 100, maximumDeciCelsius: 3000,
                acquisitionMilliseconds: 26_670, channels: 200, annealDeciCelsius: 3000, annealMilliseconds: 10_000),
            source: "test")
        let id = try #require(batch.id)
        let annealed = Date().addingTimeInterval(-16 * 86_400)
        let cards = ["90000019", "90000027", "90000035", "10000016", "10000024"]
        try store.saveManifest(cards.map { c in
            c.hasPrefix("9")
                ? BatchCard(batchID: id, cardID: c, role: .calibration, annealedAt: annealed,
                            deliveredHp10MilliSievert: 2, deliveredHp007MilliSievert: 2, referenceField: "S-Cs")
                : BatchCard(batchID: id, cardID: c, role: .worker, annealedAt: annealed)
        })
        for c in cards {
            for e in 1...4 {
                let spike = (c == "10000016" && e == 2) ? 120 : nil
                _ = try store.saveElementReading(ElementReading(
                    batchID: id, cardID: c, element: e, readAt: Date(), outcome: .stored(Self.curve(area: 200_000, spikeAt: spike))))
            }
        }
        let doses = try BatchEvaluator(store: store, logger: Self.logger).evaluate(batchID: id)
        let spiked = try #require(doses.first { $0.cardID == "10000016" })
        let clean = try #require(doses.first { $0.cardID == "10000024" })
        #expect(spiked.flags.contains("glow-spike"))
        #expect(spiked.state == .needsReview)
        #expect(spiked.remarks.contains("element 2: spike"))
        #expect(!clean.flags.contains("glow-spike"))
    }
}
