// The same driver against the reference reader model, `TLSimulator.ReaderEngine`.
import Instruments
import ReaderProtocol
import TLSimulator
import Testing

/// Serves the device end of a memory link from a simulated reader (engine time follows the wall clock).
func serveSimulator(_ connection: SimulatedReaderConnection, on device: MemoryTransport) async {
    while true {
        let bytes: [UInt8]
        do { bytes = try await device.read(maxCount: 4096, timeout: .milliseconds(5)) } catch { return }
        guard !bytes.isEmpty else {
            connection.advance(milliseconds: 0)
            continue
        }
        let reply = connection.exchange(bytes)
        if !reply.isEmpty {
            do { try await device.write(reply) } catch { return }
        }
    }
}

/// In `make test`'s serial pass (scripts/swift-test-passes.sh): the simulated reader answers on the wall clock (T_reply 1 s); in the parallel pass a reply can wait longer than that behind other tests' jobs.
@Suite("Magazine readout against TLSimulator.ReaderEngine")
struct SimulatorReadoutTests {
    func simulator() throws -> (SimulatedReaderConnection, Scenario) {
        let scenario = try Scenario.builtin()
        let engine = try ReaderEngine(scenario: scenario, pace: .elementMilliseconds(1))
        return (SimulatedReaderConnection(engine: engine), scenario)
    }

    func connect(_ sim: SimulatedReaderConnection) -> (MemoryLink, TLReader, Task<Void, Never>) {
        let link = MemoryLink()
        let reader = TLReader(transport: link.host, configuration: fastConfiguration, logger: quietLogger)
        let device = link.device
        return (link, reader, Task { await serveSimulator(sim, on: device) })
    }

    @Test func readsTheBuiltinShipmentOnce() async throws {
        let (sim, scenario) = try simulator()
        let (link, reader, serving) = connect(sim)
        let sink = RecordingSink()
        let summary = try await reader.readMagazine(into: sink)
        await link.cut()
        await serving.value
        #expect(summary.cardIDs == scenario.cards.map(\.id))
        let present = scenario.cards.reduce(0) { $0 + $1.presentElements.count }
        #expect(summary.elementsStored + summary.elementsLost == present)
        let keys = await sink.storedKeys
        #expect(Set(keys).count == keys.count)  // nothing stored twice
        for r in await sink.stored {
            #expect(CRC32ISOHDLC.curveChecksum(r.channels) == r.curveCRC32)
            #expect(r.channels.count == Int(r.profile.channels))
            #expect(r.readerSerial == scenario.reader.serial)
        }
    }

    @Test func survivesLineFaultsAndACutCableWithoutReadingTwice() async throws {
        let (sim, scenario) = try simulator()
        let sink = RecordingSink()
        var (link, reader, serving) = connect(sim)
        await link.inject(.corrupt(offset: 5, mask: 0x08), direction: .deviceToHost, on: .type(MessageType.getChunk.replyType, occurrence: 3))
        await link.inject(.drop, direction: .deviceToHost, on: .type(MessageType.readElement.replyType, occurrence: 2))
        await link.inject(.corrupt(offset: 1, mask: 0x40), direction: .hostToDevice, on: .type(MessageType.releaseElement.rawValue, occurrence: 4))
        await link.inject(.duplicate, direction: .deviceToHost, on: .type(MessageType.status.replyType, occurrence: 7))
        await link.inject(.cutConnection, direction: .hostToDevice, on: .type(MessageType.getChunk.rawValue, occurrence: 40))
        await #expect(throws: ReadoutError.self) { try await reader.readMagazine(into: sink) }
        await link.cut()
        await serving.value

        (link, reader, serving) = connect(sim)
        let summary = try await reader.readMagazine(into: sink)
        await link.cut()
        await serving.value
        #expect(summary.cardIDs.last == scenario.cards.last?.id)
        let keys = await sink.storedKeys
        let lost = await sink.lost.map { FakeReader.Key(card: $0.card, element: $0.element) }
        let present = scenario.cards.reduce(0) { $0 + $1.presentElements.count }
        // Each present element stored or lost; a reading offered twice (crash between store and
        // release) is the same reading.
        #expect(Set(keys).count + Set(lost).count == present)
        var byKey: [FakeReader.Key: ElementReading] = [:]
        for r in await sink.stored {
            let k = FakeReader.Key(card: r.cardID, element: r.element)
            if let earlier = byKey[k] { #expect(earlier == r, "\(k) offered twice with different data") }
            byKey[k] = r
        }
    }
}
