import TestSupport
import Testing

/// The comparison the backend end-to-end tests use for runs read at different moments.
@Suite struct PrintedFiguresTests {
    @Test func oneUnitInTheLastDecimalIsTheSame() {
        #expect(PrintedFigures.equalUpToLastDigit("90000027,calibration,1.5934,1.7365", "90000027,calibration,1.5935,1.7365"))
        #expect(PrintedFigures.equalUpToLastDigit("Hp(0.07) -0.0023 mSv", "Hp(0.07) -0.0022 mSv"))
        #expect(PrintedFigures.equalUpToLastDigit("same text", "same text"))
    }

    @Test func anythingElseDiffers() {
        #expect(!PrintedFigures.equalUpToLastDigit("1.5934", "1.5936"))  // two units
        #expect(!PrintedFigures.equalUpToLastDigit("1.59", "1.590"))  // other decimals
        #expect(!PrintedFigures.equalUpToLastDigit("card 20000121 8.1988", "card 20000122 8.1988"))  // whole numbers: equal
        #expect(!PrintedFigures.equalUpToLastDigit("evaluated 1.5934", "needsReview 1.5934"))
        #expect(!PrintedFigures.equalUpToLastDigit("1.5934 mSv", "1.5934 mSv, 2.0"))
        #expect(!PrintedFigures.equalUpToLastDigit("-0.0023", "0.0023"))
        #expect(!PrintedFigures.equalUpToLastDigit("2026-10-31", "2026-10-30"))
    }
}
