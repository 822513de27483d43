import Foundation
import PropertyBased
import Testing
@testable import LabStore

@Suite("Channel BLOB codec")
struct ChannelBlobCodecTests {
    @Test("counts round-trip for any values and lengths")
    func countsRoundTrip() async {
        await propertyCheck(count: 300, input: Gen.uint32().array(of: 0...600)) { counts in
            let blob = ChannelBlobCodec.encode(counts: counts)
            #expect(blob.count == counts.count * 4)
            #expect((try? ChannelBlobCodec.decodeCounts(blob, expectedChannels: counts.count)) == counts)
        }
    }

    @Test("temperatures round-trip for any values and lengths")
    func temperaturesRoundTrip() async {
        await propertyCheck(count: 300, input: Gen.int16().array(of: 0...600)) { temperatures in
            let blob = ChannelBlobCodec.encode(temperaturesDeciCelsius: temperatures)
            #expect(blob.count == temperatures.count * 2)
            #expect((try? ChannelBlobCodec.decodeTemperatures(blob, expectedChannels: temperatures.count))
                    == temperatures)
        }
    }

    @Test("empty, one and 4096 channels round-trip, extremes included", arguments: [0, 1, 4096])
    func boundaryLengths(channels: Int) throws {
        let counts = (0..<channels).map { $0 % 2 == 0 ? UInt32.max : UInt32($0) }
        let temperatures = (0..<channels).map { $0 % 3 == 0 ? Int16.min : ($0 % 3 == 1 ? Int16.max : -1) }
        let countBlob = ChannelBlobCodec.encode(counts: counts)
        let temperatureBlob = ChannelBlobCodec.encode(temperaturesDeciCelsius: temperatures)
        #expect(try ChannelBlobCodec.decodeCounts(countBlob, expectedChannels: channels) == counts)
        #expect(try ChannelBlobCodec.decodeTemperatures(temperatureBlob, expectedChannels: channels) == temperatures)
    }

    @Test("the byte order is little-endian whatever the host")
    func littleEndianLayout() throws {
        #expect([UInt8](ChannelBlobCodec.encode(counts: [0x0102_0304, 0xFFFF_FFFE]))
                == [0x04, 0x03, 0x02, 0x01, 0xFE, 0xFF, 0xFF, 0xFF])
        // 50.0 °C = 500 dC = 0x01F4; −40.0 °C = −400 dC = 0xFE70
        #expect([UInt8](ChannelBlobCodec.encode(temperaturesDeciCelsius: [500, -400]))
                == [0xF4, 0x01, 0x70, 0xFE])
        #expect(try ChannelBlobCodec.decodeTemperatures(Data([0xFF, 0xFF, 0x00, 0x80])) == [-1, Int16.min])
    }

    @Test("a counts BLOB that is not whole u32 values is a typed error", arguments: [1, 2, 3, 5, 4095])
    func countsWrongLength(byteCount: Int) {
        #expect(throws: BlobDecodingError.lengthNotMultiple(column: .counts, byteCount: byteCount, bytesPerValue: 4)) {
            try ChannelBlobCodec.decodeCounts(Data(repeating: 0xAB, count: byteCount))
        }
    }

    @Test("a temperature BLOB of odd length is a typed error", arguments: [1, 3, 8193])
    func temperaturesWrongLength(byteCount: Int) {
        #expect(throws: BlobDecodingError.lengthNotMultiple(column: .temperatures, byteCount: byteCount,
                                                            bytesPerValue: 2)) {
            try ChannelBlobCodec.decodeTemperatures(Data(repeating: 0x7F, count: byteCount))
        }
    }

    @Test("a BLOB with another channel count than recorded is a typed error")
    func channelCountMismatch() {
        let blob = ChannelBlobCodec.encode(counts: [1, 2, 3])
        #expect(throws: BlobDecodingError.channelCountMismatch(column: .counts, expected: 4, found: 3)) {
            try ChannelBlobCodec.decodeCounts(blob, expectedChannels: 4)
        }
        let temperatures = ChannelBlobCodec.encode(temperaturesDeciCelsius: [1, 2])
        #expect(throws: BlobDecodingError.channelCountMismatch(column: .temperatures, expected: 1, found: 2)) {
            try ChannelBlobCodec.decodeTemperatures(temperatures, expectedChannels: 1)
        }
    }

    @Test("a slice of a larger Data decodes from its own start")
    func dataSlice() throws {
        let whole = Data([0xEE, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00])
        #expect(try ChannelBlobCodec.decodeCounts(whole.dropFirst()) == [1, 2])
    }
}
