import Crypto
import Foundation

/// The SHA-256 of a file's bytes as lower-case hex (swift-crypto `SHA256`): the registry export log
/// keeps it, so the file that went out can be recognised later.
public enum SHA256Digest {
    public static func hex(_ data: Data) -> String {
        SHA256.hash(data: data).map { byte in
            let s = String(byte, radix: 16)
            return s.count == 1 ? "0" + s : s
        }.joined()
    }
}
