// End to end over a real file descriptor: DeviceIO.SerialPort on the slave of a pseudo-terminal served by
// TLSimulator.PtyReaderServer.
import DeviceIO
import Instruments
import ReaderProtocol
import TLSimulator
import Testing

/// In `make test`'s serial pass (scripts/swift-test-passes.sh): a pseudo-terminal and the wall clock.
@Suite("Magazine readout over a pseudo-terminal")
struct SerialPortReadoutTests {
    @Test func readsTheBuiltinShipmentOverAPty() async throws {
        let scenario = try Scenario.builtin()
        let server = PtyReaderServer(engine: try ReaderEngine(scenario: scenario, pace: .elementMilliseconds(1)))
        let path = try server.start()
        defer { server.stop() }
        let transport = try await SerialPortTransport.open(path: path)
        let reader = TLReader(transport: transport, configuration: fastConfiguration, logger: quietLogger)
        let sink = RecordingSink()
        let summary = try await reader.readMagazine(into: sink)
        await reader.close()
        #expect(summary.cardIDs == scenario.cards.map(\.id))
        let keys = await sink.storedKeys
        #expect(Set(keys).count == keys.count)
        #expect(summary.elementsStored + summary.elementsLost == scenario.cards.reduce(0) { $0 + $1.presentElements.count })
        #expect(await reader.linkCounters().retransmissions == 0)
    }
}
