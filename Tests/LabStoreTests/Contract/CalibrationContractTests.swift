import Foundation
import Testing
@testable import LabStore

@Suite("Store contract: calibration history")
struct CalibrationContractTests {
    static let reader = "FT-00A1B2"

    static func factor(_ value: Double, from days: Double, source: String = "irradiation") -> CalibrationRecord {
        CalibrationRecord(kind: .readerCalibrationFactor, subject: reader, value: value, unit: "µGy/count",
                          validFrom: Date(timeIntervalSince1970: 1_790_000_000 + days * 86_400), source: source)
    }

    @Test("calibrations accumulate; the value in force is the latest valid one", arguments: StoreBackend.labStoreRole)
    func history(backend: StoreBackend) throws {
        let fixture = try backend.makeFixture()
        let store = try fixture.open()
        let createdAt = fixture.clock.next
        let march = try store.saveCalibration(Self.factor(1.02, from: 0))
        let june = try store.saveCalibration(Self.factor(1.05, from: 90))
        // A correction of the March value, entered later: it wins from March on, until June.
        let marchCorrected = try store.saveCalibration(Self.factor(1.03, from: 0, source: "recheck"))
        _ = try store.saveCalibration(CalibrationRecord(
            kind: .elementCorrection, subject: "C-1/2", value: 0.97, unit: "1",
            validFrom: Date(timeIntervalSince1970: 1_790_000_000), source: "batch 12"))

        #expect(march.createdAt == createdAt)
        #expect(march.id != nil)
        #expect(try store.calibrations(kind: .readerCalibrationFactor, subject: Self.reader)
                == [march, marchCorrected, june])
        let day = { (days: Double) in Date(timeIntervalSince1970: 1_790_000_000 + days * 86_400) }
        #expect(try store.calibration(kind: .readerCalibrationFactor, subject: Self.reader, at: day(-1)) == nil)
        #expect(try store.calibration(kind: .readerCalibrationFactor, subject: Self.reader, at: day(0)) == marchCorrected)
        #expect(try store.calibration(kind: .readerCalibrationFactor, subject: Self.reader, at: day(89.9)) == marchCorrected)
        #expect(try store.calibration(kind: .readerCalibrationFactor, subject: Self.reader, at: day(90)) == june)
        #expect(try store.calibration(kind: .elementCorrection, subject: "C-1/2", at: day(5))?.value == 0.97)
        #expect(try store.counts().calibrations == 4)
    }

    @Test("calibration values must be finite", arguments: StoreBackend.labStoreRole)
    func nonFinite(backend: StoreBackend) throws {
        let store = try backend.makeFixture().open()
        #expect(throws: LabStoreError.nonFiniteValue(field: "calibration value")) {
            try store.saveCalibration(Self.factor(.nan, from: 0))
        }
    }
}
