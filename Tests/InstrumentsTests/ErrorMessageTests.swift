import Instruments
import ReaderProtocol
import Testing

@Suite("Error messages name what went wrong")
struct ErrorMessageTests {
    static let cases: [(TLReaderError, [String])] = [
        (.link(.linkLost(request: .getChunk, attempts: 4, lastProblem: .nak(.badCRC))), ["lost", "getChunk", "4", "NAK"]),
        (.link(.transport("port gone")), ["port gone"]),
        (.reader(.unreleasedData, detail: "element 2", request: .eject), ["eject", "buffered", "element 2"]),
        (.unknownReaderError(code: 0x77, detail: "", request: .qc), ["qc", "119"]),
        (.noCommonVersion(host: 1...1, readerMax: 3), ["1", "3", "version"]),
        (.fault([.heaterFault, .doorOpen], state: .fault, during: "reading element 3"), ["heater fault", "door open", "reading element 3"]),
        (.operationTimedOut("ejecting", after: .seconds(60)), ["ejecting", "60"]),
        (.curveVerificationFailed(element: 2, attempts: 3, reason: "CRC-32 differs"), ["element 2", "3", "CRC-32 differs", "buffered"]),
        (.unexpectedElementState(element: 4, .released, during: "fetching"), ["element 4", "released"]),
        (.elementOutOfRange(9), ["9"]),
        (.notConnected, ["connect"]),
    ]

    @Test(arguments: cases)
    func readerErrorDescriptions(error: TLReaderError, mentions: [String]) {
        let text = error.description
        for word in mentions { #expect(text.contains(word), "\(text) lacks \(word)") }
    }

    @Test func sinkErrorSaysNothingWasReleased() {
        let e = ReadoutError.sink(operation: "store", cardID: "C7", element: 2, underlying: SinkFailure())
        #expect(e.description.contains("C7"))
        #expect(e.description.contains("element 2"))
        #expect(e.description.contains("disk full"))
        #expect(e.description.contains("nothing was released"))
        #expect(e.readerError == nil)
    }
}
