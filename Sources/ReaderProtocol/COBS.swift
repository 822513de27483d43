/// Consistent Overhead Byte Stuffing (Cheshire & Baker, IEEE/ACM Trans. Networking 7(2), 1999).
/// The encoded form holds no 0x00, so 0x00 can end every frame on the wire (PROTOCOL.md 2.3).
public enum COBS {
    public static func encode(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.count + data.count / 254 + 2)
        var codeIndex = out.count
        out.append(0)
        var code: UInt8 = 1
        for b in data {
            if b == 0 {
                out[codeIndex] = code
                codeIndex = out.count
                out.append(0)
                code = 1
            } else {
                out.append(b)
                code += 1
                if code == 0xFF {
                    out[codeIndex] = code
                    codeIndex = out.count
                    out.append(0)
                    code = 1
                }
            }
        }
        out[codeIndex] = code
        return out
    }

    /// Decodes one COBS block (without its 0x00 delimiter).
    /// - Throws: ``FrameError/badStuffing`` when a code byte is 0 or points past the end.
    public static func decode(_ data: ArraySlice<UInt8>) throws(FrameError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.count)
        var i = data.startIndex
        while i < data.endIndex {
            let code = Int(data[i])
            guard code != 0 else { throw .badStuffing }
            let end = i + code
            guard end <= data.endIndex else { throw .badStuffing }
            out.append(contentsOf: data[(i + 1)..<end])
            i = end
            if code != 0xFF && i < data.endIndex { out.append(0) }
        }
        return out
    }
}
