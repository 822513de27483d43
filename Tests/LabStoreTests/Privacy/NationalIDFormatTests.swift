import Foundation
import Testing
@testable import LabStore

/// Issue 11, finding 5: national IDs of the form DDMMYY-SSSS with a real date; modulus 11 not required
/// (CPR-kontoret: numbers without it are issued since 1 October 2007 and are valid).
@Suite("National ID format (CPR)")
struct NationalIDFormatTests {
    @Test("valid: DDMMYY-SSSS or ten digits, a real date; numbers failing modulus 11 are valid too",
          arguments: ["010190-1234", "0101901234", "311299-1234", "290200-4000", "290296-1234", "010165-1111", "311257-5123"])
    func valid(id: String) throws {
        #expect(try NationalIDFormat.digits(of: id) == id.replacingOccurrences(of: "-", with: ""))
    }

    @Test("refused: short, long, letters, an en dash, day 32, month 13, 29 February of a common year, 31 April",
          arguments: [
            ("010180-111", NationalIDFormat.Problem.notDDMMYYSSSS), ("121299-12345", .notDDMMYYSSSS), ("12129a-1234", .notDDMMYYSSSS),
            ("121299\u{2013}1234", .wrongSeparator), ("121299/1234", .wrongSeparator), ("121299 1234", .wrongSeparator),
            ("320190-1234", .notACalendarDate), ("001290-1234", .notACalendarDate), ("011390-1234", .notACalendarDate),
            ("290201-1234", .notACalendarDate), ("290200-1234", .notACalendarDate), ("310490-1234", .notACalendarDate),
            ("", .notDDMMYYSSSS), ("12-12-99-1234", .notDDMMYYSSSS),
          ])
    func refused(id: String, problem: NationalIDFormat.Problem) {
        #expect(throws: problem) { try NationalIDFormat.digits(of: id) }
        #expect(!problem.description.contains(id.isEmpty ? "\u{0}" : id))
        #expect(throws: NationalIDError.malformed) { try NationalIDProtector.digits(of: id) }
    }

    @Test("the century comes from the seventh digit: 29 February 1900 does not exist, 2000 does")
    func century() {
        #expect(NationalIDFormat.birthYear(yy: 0, seventhDigit: 1) == 1900)
        #expect(NationalIDFormat.birthYear(yy: 0, seventhDigit: 4) == 2000)
        #expect(NationalIDFormat.birthYear(yy: 58, seventhDigit: 5) == 1858)
        #expect(NationalIDFormat.birthYear(yy: 37, seventhDigit: 9) == 1937)
        #expect(NationalIDFormat.isValid("290200-4321") && !NationalIDFormat.isValid("290200-0321"))
    }

    @Test("words meant as an ID are recognised even when malformed; names are not")
    func looksLike() {
        for word in ["010180-111", "121299\u{2013}1234", "320190-1234", "121299-1234"] { #expect(NationalIDFormat.looksLikeNationalID(word)) }
        for word in ["Hansen", "Jens", "K-1001", "2."] { #expect(!NationalIDFormat.looksLikeNationalID(word)) }
    }
}
