import Foundation
@testable import LabStore

/// Sample values for store tests. Dates are whole seconds so they survive GRDB's
/// millisecond text format exactly.
enum Samples {
    static let reader = ReaderIdentity(model: "TLR-4", serial: "FT-00A1B2", firmware: "1.4.2")

    /// The reader's default LiF:Mg,Ti profile (firmware-protocol/PROTOCOL.md §5.2).
    static let profile = TimeTemperatureProfile(
        preheatDeciCelsius: 500, preheatMilliseconds: 0, rampDeciCelsiusPerSecond: 100,
        maximumDeciCelsius: 3000, acquisitionMilliseconds: 26_670, channels: 200,
        annealDeciCelsius: 3000, annealMilliseconds: 10_000)

    static let readAt = Date(timeIntervalSince1970: 1_795_000_500)

    /// A deterministic curve of `channels` channels with a correct reader CRC-32.
    static func curve(channels: Int, seed: UInt32 = 1) -> ElementCurve {
        var state = seed &* 2_654_435_761 | 1
        var counts = [UInt32]()
        var temperatures = [Int16]()
        for channel in 0..<channels {
            state ^= state << 13
            state ^= state >> 17
            state ^= state << 5
            counts.append(state % 50_000)
            temperatures.append(Int16(500 + (channel * 2500) / max(channels, 1)))
        }
        return ElementCurve(
            counts: counts, temperaturesDeciCelsius: temperatures, channelMicroseconds: 133_350,
            pmtDarkCountsPerSecond: 37, heaterMaxDeciCelsius: 3012,
            readerCurveCRC32: CurveCRC32.curveChecksum(counts: counts, temperaturesDeciCelsius: temperatures))
    }

    static func storedReading(
        batch: ReadoutBatch.ID, card: String, element: Int, channels: Int = 200, seed: UInt32 = 1
    ) -> ElementReading {
        ElementReading(batchID: batch, cardID: card, element: element, readAt: readAt,
                       outcome: .stored(curve(channels: channels, seed: seed)))
    }

    static func evaluation(
        batch: ReadoutBatch.ID, card: String, hp10: Double, hp007: Double? = 0.2,
        flags: [String] = [], state: DoseState = .evaluated
    ) -> DoseEvaluation {
        DoseEvaluation(
            batchID: batch, cardID: card, hp10MilliSievert: hp10, hp007MilliSievert: hp007, flags: flags,
            remarks: "", algorithmID: "four-element-v1", calibrationID: "cal-2026-11",
            evaluatedAt: Date(timeIntervalSince1970: 1_795_001_000), state: state)
    }
}

extension ReadoutStore {
    /// Opens a 4-element batch for `source` with the sample reader and profile.
    func openSampleBatch(source: String = "simulated: builtin-shipment", groupID: String = "MAG-07",
                         elementsPerCard: Int = 4) throws -> ReadoutBatch {
        try openBatch(groupID: groupID, reader: Samples.reader, elementsPerCard: elementsPerCard,
                      timeTemperatureProfile: Samples.profile, source: source)
    }

    /// Stores every element of a card as a curve.
    func storeCard(_ card: String, batch: ReadoutBatch.ID, elements: ClosedRange<Int> = 1...4) throws {
        for element in elements {
            _ = try saveElementReading(Samples.storedReading(
                batch: batch, card: card, element: element, seed: UInt32(element)))
        }
    }
}
