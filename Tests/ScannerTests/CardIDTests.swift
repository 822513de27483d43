import PropertyBased
import ScannerSimulator
import Testing
@testable import Instruments

@Suite("Card ids: 8 digits with a Luhn check digit (ISO/IEC 7812-1 Annex B)")
struct CardIDTests {
    @Test("the textbook Luhn vector 7992739871 → check digit 3")
    func textbookVector() {
        // The standard worked example of the Luhn algorithm: 79927398713 is valid.
        #expect(CardID.luhnCheckDigit([7, 9, 9, 2, 7, 3, 9, 8, 7, 1]) == 3)
        #expect(CardID.luhnCheckDigit([0]) == 0)
    }

    @Test("valid and invalid ids", arguments: [
        ("12345674", true), ("00000000", true), ("12345670", false), ("1234567", false),
        ("123456740", false), ("1234567A", false), ("", false), (" 2345674", false),
    ])
    func validation(text: String, valid: Bool) {
        #expect((CardID(text) != nil) == valid)
    }

    @Test("problems say what is wrong")
    func problems() {
        #expect(CardID.validate("12345670") == .checkDigitMismatch(expected: 4, found: 0))
        #expect(CardID.validate("1234567") == .wrongLength(7))
        #expect(CardID.validate("12-45674") == .notDigits)
        #expect("\(CardIDProblem.checkDigitMismatch(expected: 4, found: 0))".contains("expected 4"))
    }

    @Test("make(payload:) appends the check digit; the simulator's independent labels agree")
    func makeAgreesWithSimulator() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...9_999_999)) { serial in
            let label = SimulatedCardLabel.label(serial: serial)
            let made = CardID.make(payload: String(label.prefix(7)))
            #expect(made?.rawValue == label)
            #expect(CardID(label) != nil)
        }
    }

    @Test("every single-digit error is detected")
    func singleDigitErrors() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...9_999_999), Gen.int(in: 0...7), Gen.int(in: 1...9)) {
            serial, position, delta in
            var digits = Array(SimulatedCardLabel.label(serial: serial).utf8)
            digits[position] = UInt8(48 + (Int(digits[position]) - 48 + delta) % 10)
            #expect(CardID(String(decoding: digits, as: UTF8.self)) == nil)
        }
    }

    @Test("adjacent transpositions are detected, except 09 ↔ 90 (a known Luhn blind spot)")
    func transpositions() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...9_999_999), Gen.int(in: 0...6)) { serial, position in
            var digits = Array(SimulatedCardLabel.label(serial: serial).utf8)
            let (a, b) = (digits[position], digits[position + 1])
            guard a != b else { return }
            digits.swapAt(position, position + 1)
            let swapped = CardID(String(decoding: digits, as: UTF8.self))
            let blindSpot = Set([a, b]) == Set([UInt8(ascii: "0"), UInt8(ascii: "9")])
            #expect((swapped == nil) != blindSpot)
        }
    }
}
