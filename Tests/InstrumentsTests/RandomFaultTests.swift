import Instruments
import ReaderProtocol
import TLSimulator
import Testing

/// In `make test`'s serial pass (scripts/swift-test-passes.sh): random line faults on the wall clock (T_reply 1 s); in the parallel pass a reply can wait longer than that behind other tests' jobs.
@Suite("Data safety under random line faults")
struct RandomFaultTests {
    typealias Key = FakeReader.Key

    /// A random fault plan: frames dropped, corrupted, duplicated, garbage in front, late replies, and
    /// sometimes a cut cable. A serial line keeps byte order, so only replies are delayed (the reader
    /// answering late), never requests overtaking each other.
    static func plan(seed: UInt64) -> [(MemoryLink.Fault, MemoryLink.Direction, Int)] {
        var rng = SplitMix64(seed: seed)
        return (0..<8).map { _ in
            let toDevice = Bool.random(using: &rng)
            let direction: MemoryLink.Direction = toDevice ? .hostToDevice : .deviceToHost
            let frame = Int.random(in: 1...100, using: &rng)  // a clean run of this magazine takes ~100 frames each way
            let fault: MemoryLink.Fault
            switch Int.random(in: 0..<12, using: &rng) {
            case 0..<3: fault = .drop
            case 3..<6: fault = .corrupt(offset: Int.random(in: 0...40, using: &rng), mask: UInt8.random(in: 1...255, using: &rng))
            case 6..<8: fault = .duplicate
            case 8..<10:
                fault = .prependGarbage((0..<Int.random(in: 1...40, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) })
            case 10: fault = toDevice ? .drop : .delay(.milliseconds(Int.random(in: 20...400, using: &rng)))
            default: fault = .cutConnection
            }
            return (fault, direction, frame)
        }
    }

    @Test(arguments: 1...24)
    func everyElementIsStoredOnceAndExactly(seed: Int) async throws {
        let fake = FakeReader(magazine: threeCards())
        let sink = RecordingSink()
        var finished = false
        for session in 0..<6 where !finished {
            let h = Harness(fake: fake)
            if session == 0 {
                for (fault, direction, frame) in Self.plan(seed: UInt64(seed)) {
                    await h.link.inject(fault, direction: direction, on: .index(frame))
                }
            }
            do throws(ReadoutError) {
                _ = try await h.reader.readMagazine(into: sink)
                finished = true
            } catch {
                // Any stop is acceptable under faults; a new session must pick up from the reader's state.
            }
            await h.finish()
        }
        #expect(finished, "seed \(seed): the readout never completed")
        let all = ["C0001", "C0002", "C0003"].flatMap { c in (1...4).map { Key(card: c, element: $0) } }
        #expect(Set(await sink.storedKeys) == Set(all), "seed \(seed)")
        #expect(await sink.lost.isEmpty, "seed \(seed): nothing was interrupted")
        let heats = await fake.heats
        for k in all { #expect(heats[k] == 1, "seed \(seed): \(k) heated \(heats[k] ?? 0) times") }
        var seen: [Key: ElementReading] = [:]
        for r in await sink.stored {
            let k = Key(card: r.cardID, element: r.element)
            #expect(r.channels == trueCurve(r.cardID, r.element), "seed \(seed): wrong curve stored for \(k)")
            if let earlier = seen[k] { #expect(earlier == r, "seed \(seed): \(k) offered twice with different data") }
            seen[k] = r
        }
        #expect(await fake.ejected.map(\.id) == ["C0001", "C0002", "C0003"], "seed \(seed)")
    }
}
