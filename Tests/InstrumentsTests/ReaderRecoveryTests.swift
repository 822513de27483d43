import Instruments
import ReaderProtocol
import Testing

@Suite("Reader recovery: one classification, one session end")
struct ReaderRecoveryTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var error: TLReaderError
        var recovery: ReaderRecovery
        var testDescription: String { "\(error) → \(recovery)" }
    }

    static let cases: [Case] = [
        Case(error: .link(.linkLost(request: .status, attempts: 4, lastProblem: .noReply)), recovery: .restartSession),
        Case(error: .reader(.notInitialised, detail: "", request: .status), recovery: .restartSession),
        Case(error: .link(.transport("hung up")), recovery: .reopenConnection),
        Case(error: .fault(.heaterFault, state: .fault, during: "reading element 1"), recovery: .operatorClearsFault(.heaterFault)),
        Case(error: .fault([], state: .fault, during: "loading"), recovery: .operatorClearsFault(.faults)),
        Case(error: .reader(.jam, detail: "", request: .loadNext), recovery: .operatorClearsFault(.jam)),
        Case(error: .reader(.doorOpen, detail: "", request: .loadNext), recovery: .operatorClearsFault(.doorOpen)),
        Case(error: .link(.cancelled), recovery: .stop),
        Case(error: .operationTimedOut("loading", after: .seconds(60)), recovery: .stop),
        Case(error: .curveVerificationFailed(element: 1, attempts: 3, reason: "CRC"), recovery: .stop),
    ]

    @Test(arguments: cases)
    func classifiesReaderErrors(_ c: Case) {
        #expect(ReaderRecovery(c.error) == c.recovery)
        // Wrapped by the batch readout, the same.
        #expect(ReaderRecovery(ReadoutError.reader(c.error)) == c.recovery)
        #expect(ReaderRecovery(c.error).isConnectionLoss == (c.recovery == .restartSession || c.recovery == .reopenConnection))
    }

    @Test func otherErrorsStop() {
        #expect(ReaderRecovery(SinkFailure()) == .stop)
        #expect(ReaderRecovery(ReadoutError.sink(operation: "store", cardID: "C1", element: 1, underlying: SinkFailure())) == .stop)
        #expect(ReaderRecovery(CancellationError()).faultEvents == nil)
    }

    @Test func aSessionClosesTheConnectionWhenItsBodyThrows() async throws {
        let link = MemoryLink()
        await #expect(throws: SinkFailure.self) {
            try await withReaderSession(transport: link.host, logger: quietLogger) { _ in throw SinkFailure() }
        }
        await #expect(throws: TransportError.closed) { try await link.device.write([0]) }
    }

    @Test func aSessionClosesTheConnectionWhenItsBodyReturns() async throws {
        let link = MemoryLink()
        let answer = try await withReaderSession(transport: link.host, logger: quietLogger) { reader in
            await reader.identity == nil ? 42 : 0
        }
        #expect(answer == 42)
        await #expect(throws: TransportError.closed) { try await link.device.write([0]) }
    }
}
