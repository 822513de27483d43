import Dosimetry
import LabStore
import Testing
@testable import LabWorkflow

/// Calibration kinds are named once, and their stored strings are the ones existing databases hold.
@Suite("Calibration kinds")
struct CalibrationKindTests {
    @Test("the reader calibration of each element role is stored as countsPerMilliSievert/<role>")
    func readerCalibrationKinds() {
        #expect(ElementRole.allCases.map { CalibrationKind.countsPerMilliSievert($0).rawValue } == [
            "countsPerMilliSievert/shallow", "countsPerMilliSievert/deep",
            "countsPerMilliSievert/filteredLight", "countsPerMilliSievert/filteredHeavy", "countsPerMilliSievert/neutronSensitive",
            "countsPerMilliSievert/neutronInsensitive",
        ])
        #expect(CalibrationKind.readerCalibrationFactor.rawValue == "readerCalibrationFactor")
        #expect(CalibrationKind.elementCorrection.rawValue == "elementCorrection")
        #expect(Set(ElementRole.allCases.map(CalibrationKind.countsPerMilliSievert)).count == ElementRole.allCases.count)
    }
}
