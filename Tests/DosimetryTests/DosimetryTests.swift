import Testing
@testable import Dosimetry

@Suite struct FadingTests {
    @Test func harshawModelIsOneAtCalibrationConditions() {
        let f = FadingModel.lifMgTiDefault
        #expect(abs(f.factor(daysFromAnnealToReadout: Days(16)) - 1) < 1e-12)
        // exp[-0.00331·(90/2 − 8)] = exp(−0.12247) = 0.88473
        #expect(abs(f.factor(daysFromAnnealToReadout: Days(90)) - 0.884734) < 1e-5)
        #expect(FadingModel.none.factor(daysFromAnnealToReadout: Days(400)) == 1)
    }
}

@Suite struct CalibrationTests {
    func dosimeter(_ id: String, deep: Double, shallow: Double) -> ReaderCalibration.Dosimeter {
        .init(cardID: id, netCounts: [.deep: deep, .shallow: shallow], deliveredHp10: MilliSievert(2), deliveredHp007: MilliSievert(2))
    }

    @Test func outsideTheWindowIsRejected() throws {
        let cal = try ReaderCalibration.derive(from: [
            dosimeter("a", deep: 2000, shallow: 2200), dosimeter("b", deep: 2040, shallow: 2180),
            dosimeter("c", deep: 1960, shallow: 2220), dosimeter("d", deep: 3000, shallow: 2200),
        ], source: "test")
        #expect(cal.rejected == ["d"])
        #expect(cal.used == ["a", "b", "c"])
        #expect(abs((cal.countsPerMilliSievert[.deep] ?? 0) - 1000) < 1e-9)
        #expect(abs((cal.countsPerMilliSievert[.shallow] ?? 0) - 1100) < 1e-9)
    }

    @Test func noDosimetersIsATypedError() {
        #expect(throws: CalibrationError.noCalibrationDosimeters) { try ReaderCalibration.derive(from: [], source: "x") }
    }
}

@Suite struct DoseAlgorithmTests {
    let cal = ReaderCalibration(
        countsPerMilliSievert: [.deep: 1000, .shallow: 1100, .filteredLight: 1000, .filteredHeavy: 1000],
        used: [], rejected: [], source: "test")

    func card(_ counts: [Int: Double?], days: Double = 16) -> CardSignals {
        var elements: [Int: CardSignals.Element] = [:]
        for (n, c) in counts {
            elements[n] = c.map { .measured(NetSignal(grossCounts: $0, darkCounts: 0, channels: 100)) } ?? .lost(reason: "cut")
        }
        return CardSignals(cardID: "10000017", elements: elements, daysFromAnneal: Days(days))
    }

    @Test func photonCardGivesBothQuantities() throws {
        let a = DoseAlgorithm(fading: .none).assess(card([1: 2200, 2: 2000, 3: 2010, 4: 1990]), calibration: cal, backgroundPerDay: .zero)
        #expect(try #require(a.hp10).value == 2)
        #expect(try #require(a.hp007).value == 2)
        #expect(a.flags.isEmpty)
    }

    @Test func lostDeepElementUsesFilteredElementsAndSaysSo() throws {
        let a = DoseAlgorithm(fading: .none).assess(card([1: 2200, 2: nil, 3: 2000, 4: 2100]), calibration: cal, backgroundPerDay: .zero)
        #expect(a.flags.contains(.deepElementLost))
        #expect(a.flags.contains(.hp10FromFilteredElements))
        #expect(abs(try #require(a.hp10).value - 2.05) < 1e-9)
    }

    @Test func lostFilteredElementIsFlagged() throws {
        let a = DoseAlgorithm(fading: .none).assess(card([1: 2200, 2: 2000, 3: nil, 4: 2000]), calibration: cal, backgroundPerDay: .zero)
        #expect(a.flags == [.filteredElementLost])
        #expect(try #require(a.hp10).value == 2)
    }

    @Test func lostDeepWithDisagreeingFilteredIsNotAssessed() {
        let a = DoseAlgorithm(fading: .none).assess(card([1: 2200, 2: nil, 3: 2000, 4: 4000]), calibration: cal, backgroundPerDay: .zero)
        #expect(a.hp10 == nil)
        #expect(a.flags.contains(.hp10NotAssessable))
    }

    @Test func outOfPatternElementIsFlagged() {
        let a = DoseAlgorithm(fading: .none).assess(card([1: 2200, 2: 2000, 3: 2000, 4: 3000]), calibration: cal, backgroundPerDay: .zero)
        #expect(a.flags.contains(.elementOutOfPattern))
        #expect(a.remarks.contains { $0.contains("element 4") })
    }

    @Test func backgroundIsSubtractedPerDayAndFadingCorrected() throws {
        let alg = DoseAlgorithm()
        let f = FadingModel.lifMgTiDefault.factor(daysFromAnnealToReadout: Days(60))
        let a = alg.assess(card([1: 1100 * f, 2: 1000 * f], days: 60), calibration: cal, backgroundPerDay: MilliSievert(0.002))
        #expect(abs(try #require(a.hp10).value - (1 - 0.12)) < 1e-9)
        #expect(abs(try #require(a.hp007).value - (1 - 0.12)) < 1e-9)
    }

    @Test func smallDoseIsBelowDetectionLimit() {
        let a = DoseAlgorithm(fading: .none).assess(card([1: 20, 2: 20], days: 90), calibration: cal, backgroundPerDay: .zero)
        #expect(a.flags.contains(.belowDetectionLimit))
        #expect(a.detectionLimit == MilliSievert(0.08))
    }

    @Test func controlsGiveBackgroundRate() throws {
        let controls = [card([2: 100], days: 50), card([2: 140], days: 50)]
        let bg = try #require(DoseAlgorithm().backgroundPerDay(controls: controls, calibration: cal))
        let f = FadingModel.lifMgTiDefault.factor(daysFromAnnealToReadout: Days(50))
        #expect(abs(bg.value - 0.12 / f / 50) < 1e-12)
    }
}
