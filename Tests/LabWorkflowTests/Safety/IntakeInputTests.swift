import Foundation
import LabStore
import Testing
@testable import LabWorkflow

/// Issue 11, findings 5 and 8: malformed national IDs on a handover line are refused, never kept as a
/// name; what a scanner sends is echoed with its control characters escaped.
@Suite("Intake input: handover lines and control characters")
struct IntakeInputTests {
    @Test("a handover line with a name and a valid national ID, or a name alone, is accepted")
    func accepted() throws {
        let a = try HandoverLine.parse(["10000016", "Dorte", "Dahl", "090909-0909"])
        #expect(a == HandoverLine(cardID: "10000016", name: "Dorte Dahl", nationalID: "090909-0909"))
        let b = try HandoverLine.parse(["10000016", "Carl", "Carlsen"])
        #expect(b == HandoverLine(cardID: "10000016", name: "Carl Carlsen", nationalID: nil))
        #expect(try HandoverLine.parse(["10000016", "Jens", "0101901234"]).nationalID == "0101901234")
    }

    @Test("malformed or misplaced IDs are refused, and the message never repeats them",
          arguments: [
            (["10000016", "121299-1234"], HandoverLine.Problem.missingName),
            (["10000016", "Jens", "010180-111"], .malformedNationalID(.notDDMMYYSSSS)),
            (["10000016", "Jens", "121299\u{2013}1234"], .malformedNationalID(.wrongSeparator)),
            (["10000016", "Jens", "320190-1234"], .malformedNationalID(.notACalendarDate)),
            (["10000016", "121299-1234", "Jens"], .missingName),
            (["10000016", "Jens", "010180-111", "Hansen"], .malformedNationalID(.notDDMMYYSSSS)),
            (["10000016", "Jens2", "Hansen"], .digitsInName),
            (["10000016", "Jens\u{1B}[2J"], .controlCharacters),
            (["10000016"], .usage),
          ])
    func refused(words: [String], problem: HandoverLine.Problem) {
        #expect(throws: problem) { try HandoverLine.parse(words) }
        for word in words.dropFirst() where NationalIDFormat.looksLikeNationalID(word) {
            #expect(!problem.description.contains(word))
        }
    }

    @Test("an unreadable scan is echoed with ESC and BEL escaped, never raw")
    func controlCharactersEscaped() {
        let outcome = IntakeRules.classify(
            code: "\u{1B}[2J\u{07}W1", card: nil, currentIssue: nil, customerID: "K-1001", returnID: .init(rawValue: 1),
            scannedInThisReturn: false, arrivedOn: try! CalendarDay(parsing: "2026-10-20"))
        #expect(outcome == .unreadable(code: "\u{1B}[2J\u{07}W1"))
        #expect(!outcome.message.unicodeScalars.contains { $0.properties.generalCategory == .control })
        #expect(outcome.message.contains("\\u{1B}[2J\\u{7}W1"))
        #expect(ControlCharacters.escaped("a\u{9B}b\u{7F}") == "a\\u{9B}b\\u{7F}")
        #expect(ControlCharacters.escaped("Åse Ørsted") == "Åse Ørsted")
    }
}
