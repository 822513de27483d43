import Testing
@testable import LabStore

@Suite("Curve CRC-32")
struct CurveCRC32Tests {
    @Test("CRC-32/ISO-HDLC check value of \"123456789\" is 0xCBF43926 (reveng catalogue)")
    func checkValue() {
        #expect(CurveCRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CurveCRC32.checksum([UInt8]()) == 0)
    }

    /// firmware-protocol/vectors/crc.txt and frames.txt (`curve-info-reply`): channels
    /// (120, 50.0 °C), (3456, 51.0 °C), (78, 52.0 °C) give 0xE0445023.
    @Test("the protocol's curve vector gives the reader's CRC")
    func protocolVector() {
        let crc = CurveCRC32.curveChecksum(counts: [120, 3456, 78], temperaturesDeciCelsius: [500, 510, 520])
        #expect(crc == 0xE044_5023)
    }

    @Test("changing one count or one temperature changes the CRC")
    func detectsChange() {
        let base = CurveCRC32.curveChecksum(counts: [120, 3456, 78], temperaturesDeciCelsius: [500, 510, 520])
        #expect(CurveCRC32.curveChecksum(counts: [120, 3457, 78], temperaturesDeciCelsius: [500, 510, 520]) != base)
        #expect(CurveCRC32.curveChecksum(counts: [120, 3456, 78], temperaturesDeciCelsius: [500, 510, 521]) != base)
    }
}
