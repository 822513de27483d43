import PropertyBased
import TestSupport
import Testing
@testable import ReaderProtocol

/// One line of firmware-protocol/vectors/frames.txt.
struct FrameVector: CustomTestStringConvertible, Sendable {
    let name, description: String
    let frame, wire: [UInt8]
    var testDescription: String { name }

    static func load() throws -> [FrameVector] {
        try RepoPaths.text(RepoPaths.file("firmware-protocol/vectors/frames.txt"))
            .split(separator: "\n").filter { !$0.hasPrefix("#") }
            .map { line in
                let cols = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
                return FrameVector(name: cols[0], description: cols[1], frame: bytes(hex: cols[2]), wire: bytes(hex: cols[3]))
            }
    }
}

@Suite struct VectorTests {
    @Test func crcCheckValues() throws {
        #expect(CRC16IBM3740.checksum(Array("123456789".utf8)) == 0x29B1)
        #expect(CRC32ISOHDLC.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        // The residue over a frame including its CRC is 0 (PROTOCOL.md 2.2).
        #expect(CRC16IBM3740.checksum(bytes(hex: "01050300005e48")) == 0)
    }

    @Test func everyVectorDecodesAndReencodes() throws {
        let vectors = try FrameVector.load()
        #expect(vectors.count >= 25)
        for v in vectors {
            var decoder = FrameDecoder()
            let events = decoder.feed(v.wire)
            guard case let .frame(f)? = events.first, events.count == 1 else {
                Issue.record("\(v.name): expected one frame, got \(events)")
                continue
            }
            #expect(f.encodedFrame() == v.frame, "\(v.name)")
            #expect(f.encodeForWire() == v.wire, "\(v.name)")
            #expect(COBS.encode(v.frame) + [0] == v.wire, "\(v.name)")
            // Payloads parse as the message they claim to be and encode back to the same bytes.
            if f.type & 0x80 != 0 || f.type >= 0xFE {
                let reply = try Reply(frame: f)
                #expect(reply.frame(sequence: f.sequence) == f, "\(v.name)")
            } else {
                let request = try Request(frame: f)
                #expect(request.frame(sequence: f.sequence) == f, "\(v.name)")
            }
        }
    }

    @Test func decodedValuesMatchTheirDescriptions() throws {
        let v = Dictionary(uniqueKeysWithValues: try FrameVector.load().map { ($0.name, $0) })
        func reply(_ name: String) throws -> Reply {
            var d = FrameDecoder()
            guard case let .frame(f)? = d.feed(try #require(v[name]).wire).first else { throw MissingFixture(path: name, underlying: "no frame") }
            return try Reply(frame: f)
        }
        #expect(try reply("status-reply-loaded") == .status(ReaderStatus(
            state: .cardLoaded, events: .powerOnReset, magazineRemaining: 49, cardID: "C0000017",
            elementStates: [.released, .buffered, .notRead, .absent], heaterDeciCelsius: 612)))
        #expect(try reply("identify-reply") == .identify(ReaderIdentity(
            model: "TLR-6600S", firmware: "1.4.2", serial: "TL00042", elementsPerCard: 4, maxChannels: 4096)))
        #expect(try reply("get-chunk-reply") == .chunk(CurveChunk(element: 3, firstChannel: 64, channels: [
            .init(counts: 0, temperatureDeciCelsius: 1302), .init(counts: 255, temperatureDeciCelsius: 1315),
            .init(counts: 65536, temperatureDeciCelsius: 1328), .init(counts: 4_294_967_295, temperatureDeciCelsius: -12),
        ])))
        #expect(try reply("error-unreleased") == .error(.unreleasedData, detail: "element 2 is buffered"))
        #expect(try reply("nak-bad-crc") == .nak(.badCRC))
        guard case let .curveInfo(info) = try reply("curve-info-reply") else { Issue.record("not curve info"); return }
        let channels: [CurveChannel] = [.init(counts: 120, temperatureDeciCelsius: 500),
                                        .init(counts: 3456, temperatureDeciCelsius: 510),
                                        .init(counts: 78, temperatureDeciCelsius: 520)]
        #expect(CRC32ISOHDLC.curveChecksum(channels) == info.curveCRC32)
        #expect(info.curveCRC32 == 0xE044_5023)
    }

    @Test func damagedVectorsGiveTheirErrors() throws {
        let lines = try RepoPaths.text(RepoPaths.file("firmware-protocol/vectors/bad-frames.txt"))
            .split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(lines.count >= 5)
        for line in lines {
            let cols = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            var d = FrameDecoder()
            let events = d.feed(bytes(hex: cols[2]))
            guard case let .damaged(err)? = events.first, events.count == 1 else {
                Issue.record("\(cols[0]): expected one damaged frame, got \(events)")
                continue
            }
            #expect("\(err.nakReason)" == cols[1], "\(cols[0]): \(err)")
        }
    }
}

@Suite struct DecoderRobustnessTests {
    @Test func resynchronisesAfterGarbage() {
        let good = Request.status.frame(sequence: 9).encodeForWire()
        var d = FrameDecoder()
        let events = d.feed([0x13, 0x37, 0xFF, 0x00] + good + [0, 0, 0] + good)
        #expect(events.count == 3)
        #expect(events.dropFirst().allSatisfy { if case .frame = $0 { true } else { false } })
    }

    @Test func frameSplitAcrossReadsIsReassembled() {
        let wire = Reply.status(ReaderStatus(state: .idle, events: [], magazineRemaining: 3, cardID: "C1",
                                             elementStates: [], heaterDeciCelsius: 250)).frame(sequence: 1).encodeForWire()
        var d = FrameDecoder()
        var all: [FrameDecoder.Event] = []
        for b in wire { all += d.feed([b]) }
        #expect(all.count == 1)
    }

    @Test func overlongRunIsDiscardedAndCounted() {
        var d = FrameDecoder()
        let junk = [UInt8](repeating: 0x41, count: ProtocolLimits.maxEncodedFrame + 10)
        let events = d.feed(junk + [0] + Request.qc.frame(sequence: 2).encodeForWire())
        #expect(events.first == .damaged(.frameTooLong(discardedBytes: junk.count)))
        #expect(events.last == .frame(Request.qc.frame(sequence: 2)))
    }

    /// Random and mutated byte streams: never a crash, never a frame with a bad CRC accepted.
    @Test func fuzzedStreamsNeverYieldACorruptFrame() async {
        await propertyCheck(count: 300, input: Gen.uint8().array(of: 0...600)) { noise in
            var d = FrameDecoder()
            for case let .frame(f) in d.feed(noise) {
                // Anything accepted must re-encode to a self-consistent frame.
                #expect(CRC16IBM3740.checksum(f.encodedFrame()) == 0)
            }
        }
    }

    @Test func everySingleBitFlipIsDetected() {
        let wire = Reply.chunk(CurveChunk(element: 1, firstChannel: 0, channels: (0..<40).map {
            CurveChannel(counts: UInt32($0 * 977), temperatureDeciCelsius: Int16(500 + $0))
        })).frame(sequence: 77).encodeForWire()
        var accepted = 0
        for i in 0..<(wire.count - 1) {
            for bit in 0..<8 {
                var m = wire
                m[i] ^= UInt8(1 << bit)
                var d = FrameDecoder()
                for case let .frame(f) in d.feed(m) where f != (try? FrameDecoder.single(wire)) { accepted += 1 }
            }
        }
        #expect(accepted == 0)
    }

    @Test func truncatedPayloadIsATypedError() {
        let f = Frame(sequence: 1, type: MessageType.status.replyType, payload: [2, 0, 0])
        #expect(throws: PayloadError.self) { try Reply(frame: f) }
        let g = Frame(sequence: 1, type: 0x55, payload: [])
        #expect(throws: PayloadError.unknownMessageType(0x55)) { try Request(frame: g) }
    }
}

extension FrameDecoder {
    static func single(_ wire: [UInt8]) throws -> Frame {
        var d = FrameDecoder()
        guard case let .frame(f)? = d.feed(wire).first else { throw MissingFixture(path: "wire", underlying: "no frame") }
        return f
    }
}
