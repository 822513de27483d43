import Testing
@testable import LabStore

@Suite("Dose review states")
struct DoseStateTests {
    static let allowed: Set<[DoseState]> = [
        [.evaluated, .needsReview], [.evaluated, .released], [.needsReview, .evaluated], [.needsReview, .released],
    ]

    @Test("only the listed state changes are allowed; released is final",
          arguments: DoseState.allCases, DoseState.allCases)
    func transitions(from: DoseState, to: DoseState) {
        #expect(from.canChange(to: to) == Self.allowed.contains([from, to]))
    }
}
