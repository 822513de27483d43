import DeviceIO
import Logging
import ScannerSimulator
import Testing
@testable import Instruments

@Suite("SerialScanner over a pseudo-terminal")
struct SerialScannerTests {
    @Test("scans from the simulator arrive as events; a double scan is dropped; unplug ends the stream")
    func scansArrive() async throws {
        let simulator = try SerialScannerSimulator.openPseudoTerminal(suffix: [0x0D, 0x0A])
        let scanner = try await SerialScanner.open(
            path: simulator.devicePath,
            configuration: ScannerConfiguration(suffix: .crlf, debounceWindow: .seconds(2)),
            logger: Logger(label: "test"))
        let card = SimulatedCardLabel.label(serial: 42)
        try simulator.scan(SimulatedScan(code: card, aimIdentifier: "]C0"))
        try simulator.scan(SimulatedScan(code: card, aimIdentifier: "]C0"))   // double scan
        try simulator.scan(SimulatedScan(code: "https://example.com", aimIdentifier: "]Q1"))
        try simulator.send([0x31, 0x32, 0x00, 0x0D, 0x0A])                    // noise
        var iterator = scanner.events.makeAsyncIterator()
        #expect(await iterator.next() == .card(try #require(CardID(card))))
        #expect(await iterator.next() == .rejected(raw: "]Q1https://example.com", reason: .webAddress))
        #expect(await iterator.next() == .rejected(raw: "12<0x00>", reason: .unreadable(detail: "control character 0x00")))
        simulator.unplug()
        #expect(await iterator.next() == nil)
        await scanner.close()
    }

    @Test("close() ends the stream while no scan comes")
    func closeEnds() async throws {
        let simulator = try SerialScannerSimulator.openPseudoTerminal()
        let scanner = try await SerialScanner.open(path: simulator.devicePath, logger: Logger(label: "test"))
        let start = ContinuousClock.now
        await scanner.close()
        var iterator = scanner.events.makeAsyncIterator()
        #expect(await iterator.next() == nil)
        #expect(ContinuousClock.now - start < .seconds(2))
        simulator.unplug()
    }
}
