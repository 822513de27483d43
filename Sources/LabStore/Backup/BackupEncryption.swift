import Crypto
import Foundation
import _CryptoExtras

/// The encrypted backup file: AES-256-GCM in chunks, with a key derived from a passphrase by scrypt.
///
/// Layout (all integers big-endian):
/// ```
/// "TLDBAKE1"                          8 bytes, the format
/// UInt32 n, JSON header               the KDF and its parameters, the salt, the chunk size
/// repeated: UInt32 n, sealed chunk    AES-GCM "combined" form: 12-byte nonce, ciphertext, 16-byte tag
/// ```
/// Each chunk's associated data is SHA-256(header) ‖ chunk index (UInt64) ‖ last-chunk flag (1 byte),
/// so chunks cannot be reordered, dropped, moved to another file or the file cut after a chunk: the
/// last chunk is flagged, and a file that ends without it is refused.
///
/// The key: scrypt (RFC 7914, https://www.rfc-editor.org/rfc/rfc7914) with N = 2^17, r = 8, p = 1 and
/// a random 16-byte salt — the parameters of OWASP's Password Storage Cheat Sheet for scrypt
/// (https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html). HKDF is not a
/// password KDF (RFC 5869 section 4 expects a key with enough entropy already); scrypt is memory-hard.
/// It is `KDF.Scrypt` of swift-crypto's `_CryptoExtras` (BoringSSL's `EVP_PBE_scrypt`), the only
/// memory-hard KDF in the packages this project may use (`KDF.Insecure.PBKDF2` is there as well).
public enum BackupEncryption {
    static let magic = Data("TLDBAKE1".utf8)
    static let chunkSize = 1 << 20
    /// scrypt's cost N for new files (OWASP: 2^17 with r = 8, p = 1).
    public static let defaultScryptN = 1 << 17

    /// The KDF and its parameters, stored in the file so that a later version can raise them.
    struct Header: Codable, Equatable {
        var cipher = "AES-256-GCM"
        var kdf = "scrypt"
        var n = 1 << 17
        var r = 8
        var p = 1
        var salt: Data
        var chunkSize: Int
    }

    public enum Failure: Error, CustomStringConvertible, Equatable {
        case notEncrypted(path: String)
        case badFile(path: String, reason: String)
        case wrongPassphrase(path: String)
        case io(path: String, reason: String)

        public var description: String {
            switch self {
            case let .notEncrypted(path): "\(path) is not an encrypted tld backup"
            case let .badFile(path, reason): "\(path) is not a readable encrypted tld backup: \(reason)"
            case let .wrongPassphrase(path): "\(path): wrong passphrase (or the file was altered)"
            case let .io(path, reason): "\(path): \(reason)"
            }
        }
    }

    /// Whether the file at `path` starts like an encrypted backup.
    public static func isEncrypted(path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: magic.count)) == magic
    }

    static func key(passphrase: String, header: Header) throws -> SymmetricKey {
        try KDF.Scrypt.deriveKey(from: Data(passphrase.utf8), salt: header.salt, outputByteCount: 32,
                                 rounds: header.n, blockSize: header.r, parallelism: header.p)
    }

    static func associatedData(headerDigest: Data, index: UInt64, last: Bool) -> Data {
        var data = headerDigest
        withUnsafeBytes(of: index.bigEndian) { data.append(contentsOf: $0) }
        data.append(last ? 1 : 0)
        return data
    }

    /// Encrypts the file at `source` into a new file at `destination` (created, mode 0600).
    /// - Parameter scryptN: scrypt's cost N (tests of the file format pass a smaller one; a file
    ///   records its N, and decryption accepts 2^10…2^20).
    public static func encrypt(source: String, destination: String, passphrase: String, scryptN: Int = defaultScryptN) throws(Failure) {
        var created = false
        do {
            var salt = Data(count: 16)
            var generator = SystemRandomNumberGenerator()
            for i in salt.indices { salt[i] = UInt8.random(in: 0...255, using: &generator) }
            let header = Header(n: scryptN, salt: salt, chunkSize: chunkSize)
            let headerBytes = try JSONEncoder().encode(header)
            let digest = Data(SHA256.hash(data: headerBytes))
            let key = try key(passphrase: passphrase, header: header)
            guard let input = FileHandle(forReadingAtPath: source) else { throw Failure.io(path: source, reason: "cannot open") }
            defer { try? input.close() }
            let output = try BackupFiles.createExclusive(path: destination)
            created = true
            defer { try? output.close() }
            try output.write(contentsOf: magic + bigEndian(UInt32(headerBytes.count)) + headerBytes)
            var index: UInt64 = 0
            var chunk = try input.read(upToCount: chunkSize) ?? Data()
            while true {
                let next = chunk.count == chunkSize ? (try input.read(upToCount: chunkSize) ?? Data()) : Data()
                let last = next.isEmpty
                let box = try AES.GCM.seal(chunk, using: key,
                                           authenticating: associatedData(headerDigest: digest, index: index, last: last))
                guard let combined = box.combined else { throw Failure.io(path: destination, reason: "AES-GCM gave no combined form") }
                try output.write(contentsOf: bigEndian(UInt32(combined.count)) + combined)
                if last { break }
                chunk = next
                index += 1
            }
            try output.synchronize()
        } catch {
            if created { try? FileManager.default.removeItem(atPath: destination) }
            throw error as? Failure ?? .io(path: destination, reason: "\(error)")
        }
    }

    /// Decrypts the encrypted backup at `source` into a new file at `destination` (mode 0600).
    public static func decrypt(source: String, destination: String, passphrase: String) throws(Failure) {
        var created = false
        do {
            guard let input = FileHandle(forReadingAtPath: source) else { throw Failure.io(path: source, reason: "cannot open") }
            defer { try? input.close() }
            guard try input.read(upToCount: magic.count) == magic else { throw Failure.notEncrypted(path: source) }
            let headerLength = try readLength(input, path: source, limit: 4096)
            guard let headerBytes = try input.read(upToCount: headerLength), headerBytes.count == headerLength,
                  let header = try? JSONDecoder().decode(Header.self, from: headerBytes),
                  header.cipher == "AES-256-GCM", header.kdf == "scrypt",
                  header.n >= 1 << 10, header.n <= 1 << 20, header.n & (header.n - 1) == 0, header.r >= 1, header.r <= 32, header.p >= 1, header.p <= 16
            else { throw Failure.badFile(path: source, reason: "its header is damaged or of an unknown kind") }
            let digest = Data(SHA256.hash(data: headerBytes))
            let key = try key(passphrase: passphrase, header: header)
            let output = try BackupFiles.createExclusive(path: destination)
            created = true
            defer { try? output.close() }
            var index: UInt64 = 0
            var sawLast = false
            while !sawLast {
                guard let lengthBytes = try input.read(upToCount: 4), !lengthBytes.isEmpty else {
                    throw Failure.badFile(path: source, reason: "it ends before its last chunk (cut short)")
                }
                let length = try length(of: lengthBytes, path: source, limit: header.chunkSize + 28)
                guard let combined = try input.read(upToCount: length), combined.count == length else {
                    throw Failure.badFile(path: source, reason: "it ends inside chunk \(index) (cut short)")
                }
                let box = try AES.GCM.SealedBox(combined: combined)
                // The last chunk is known only by its tag: try "not last" first, then "last".
                let plain: Data
                if let opened = try? AES.GCM.open(box, using: key, authenticating: associatedData(headerDigest: digest, index: index, last: false)) {
                    plain = opened
                } else if let opened = try? AES.GCM.open(box, using: key, authenticating: associatedData(headerDigest: digest, index: index, last: true)) {
                    plain = opened
                    sawLast = true
                } else {
                    throw Failure.wrongPassphrase(path: source)
                }
                try output.write(contentsOf: plain)
                index += 1
            }
            guard try input.read(upToCount: 1)?.isEmpty ?? true else {
                throw Failure.badFile(path: source, reason: "bytes follow its last chunk")
            }
            try output.synchronize()
        } catch {
            if created { try? FileManager.default.removeItem(atPath: destination) }
            throw error as? Failure ?? .io(path: source, reason: "\(error)")
        }
    }

    private static func bigEndian(_ value: UInt32) -> Data {
        withUnsafeBytes(of: value.bigEndian) { Data($0) }
    }

    private static func readLength(_ handle: FileHandle, path: String, limit: Int) throws -> Int {
        guard let bytes = try handle.read(upToCount: 4) else { throw Failure.badFile(path: path, reason: "it is cut short") }
        return try length(of: bytes, path: path, limit: limit)
    }

    private static func length(of bytes: Data, path: String, limit: Int) throws -> Int {
        guard bytes.count == 4 else { throw Failure.badFile(path: path, reason: "it is cut short") }
        let value = bytes.reduce(0) { $0 << 8 | Int($1) }
        guard value > 0, value <= limit else { throw Failure.badFile(path: path, reason: "a length field is out of range") }
        return value
    }
}
