import Crypto
import Foundation

/// A national ID (Danish CPR) as the lab keeps it: sealed with AES-256-GCM, plus an HMAC-SHA256 of
/// the digits for look-up. Neither reveals the ID without the key.
public struct ProtectedNationalID: Sendable, Hashable {
    /// AES-GCM combined box: 12-byte nonce ‖ ciphertext ‖ 16-byte tag.
    public var sealed: Data
    /// HMAC-SHA256(lookup key, digits).
    public var lookup: Data

    public init(sealed: Data, lookup: Data) {
        self.sealed = sealed
        self.lookup = lookup
    }
}

/// Seals and opens national IDs with the lab's key (swift-crypto: `AES.GCM.seal`/`open`, `HMAC<SHA256>`,
/// `HKDF<SHA256>`; the same primitives as Apple CryptoKit, BoringSSL underneath on Linux).
///
/// One 32-byte master key, from `TLD_NATIONAL_ID_KEY` (base64) or a key file, gives two keys by
/// HKDF-SHA256 (RFC 5869) with distinct `info` labels: one to encrypt, one to hash for look-up. The
/// key is never logged and ``description`` says nothing about it.
///
/// ```swift
/// let protector = try NationalIDProtector(masterKeyBase64: env["TLD_NATIONAL_ID_KEY"]!)
/// let p = try protector.protect("010190-1234")       // a made-up CPR-shaped number
/// try protector.firstFourDigits(of: p)               // "0101"
/// ```
public struct NationalIDProtector: Sendable, CustomStringConvertible {
    // Raw key bytes (`SymmetricKey` is not `Sendable`); a `SymmetricKey` is made for each use.
    private let encryptionKeyBytes: Data
    private let lookupKeyBytes: Data
    private var encryptionKey: SymmetricKey { SymmetricKey(data: encryptionKeyBytes) }
    private var lookupKey: SymmetricKey { SymmetricKey(data: lookupKeyBytes) }

    /// The environment variable holding the base64 master key.
    public static let environmentVariable = "TLD_NATIONAL_ID_KEY"

    public init(masterKey: Data) throws(NationalIDError) {
        guard masterKey.count == 32 else { throw .badKey("the master key must be 32 bytes, not \(masterKey.count)") }
        let master = SymmetricKey(data: masterKey)
        encryptionKeyBytes = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: master, info: Data("tld national-id aes-gcm v1".utf8), outputByteCount: 32
        ).withUnsafeBytes { Data($0) }
        lookupKeyBytes = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: master, info: Data("tld national-id hmac v1".utf8), outputByteCount: 32
        ).withUnsafeBytes { Data($0) }
    }

    public init(masterKeyBase64: String) throws(NationalIDError) {
        guard let data = Data(base64Encoded: masterKeyBase64.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw .badKey("the master key is not base64")
        }
        try self.init(masterKey: data)
    }

    /// The key from `TLD_NATIONAL_ID_KEY`, else from the file at `keyFile` (base64 text), else a new
    /// random key written to `keyFile` with mode 0600 (first run of a new lab database).
    public static func load(environment: [String: String], keyFile: String) throws(NationalIDError) -> NationalIDProtector {
        if let value = environment[environmentVariable], !value.isEmpty {
            return try NationalIDProtector(masterKeyBase64: value)
        }
        if let text = try? String(contentsOfFile: keyFile, encoding: .utf8) {
            return try NationalIDProtector(masterKeyBase64: text)
        }
        let key = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        // Written to a private temporary file and renamed into place: a crash never leaves a
        // half-written or world-readable key file.
        let temporary = keyFile + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
        let created = FileManager.default.createFile(
            atPath: temporary, contents: Data(key.base64EncodedString().utf8), attributes: [.posixPermissions: 0o600])
        guard created, rename(temporary, keyFile) == 0 else { throw .badKey("cannot create the key file \(keyFile)") }
        return try NationalIDProtector(masterKey: key)
    }

    public var description: String { "NationalIDProtector(AES-256-GCM, HMAC-SHA256; key hidden)" }

    /// The ID's 10 digits: `DDMMYY-SSSS` or `DDMMYYSSSS`, with a real day and month.
    public static func digits(of nationalID: String) throws(NationalIDError) -> String {
        let digits = nationalID.filter { $0 != "-" && $0 != " " }
        guard digits.utf8.count == 10, digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            throw .malformed
        }
        let bytes = Array(digits.utf8).map { Int($0) - 48 }
        let day = bytes[0] * 10 + bytes[1]
        let month = bytes[2] * 10 + bytes[3]
        guard (1...31).contains(day), (1...12).contains(month) else { throw .malformed }
        return digits
    }

    public func protect(_ nationalID: String) throws(NationalIDError) -> ProtectedNationalID {
        let digits = try Self.digits(of: nationalID)
        do {
            let box = try AES.GCM.seal(Data(digits.utf8), using: encryptionKey)
            guard let combined = box.combined else { throw NationalIDError.cannotOpen }
            return ProtectedNationalID(sealed: combined, lookup: lookupHash(digits: digits))
        } catch {
            throw .cannotOpen
        }
    }

    /// The keyed hash to find a wearer by national ID.
    public func lookup(_ nationalID: String) throws(NationalIDError) -> Data {
        lookupHash(digits: try Self.digits(of: nationalID))
    }

    private func lookupHash(digits: String) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: Data(digits.utf8), using: lookupKey))
    }

    /// The full ID; only for the registry report and a customer's own records.
    public func reveal(_ protected: ProtectedNationalID) throws(NationalIDError) -> String {
        do {
            let box = try AES.GCM.SealedBox(combined: protected.sealed)
            return String(decoding: try AES.GCM.open(box, using: encryptionKey), as: UTF8.self)
        } catch {
            throw .cannotOpen
        }
    }

    /// The first four digits (birth day and month), as printed on packing slips (DOMAIN.md §2).
    public func firstFourDigits(of protected: ProtectedNationalID) throws(NationalIDError) -> String {
        String(try reveal(protected).prefix(4))
    }
}

/// Why a national ID could not be protected or opened. Messages never contain the ID or the key.
public enum NationalIDError: Error, Sendable, Hashable, CustomStringConvertible {
    case malformed
    case badKey(String)
    case cannotOpen

    public var description: String {
        switch self {
        case .malformed: "the national ID is not 10 digits of the form DDMMYY-SSSS"
        case let .badKey(reason): "national-ID key: \(reason)"
        case .cannotOpen: "the national ID cannot be decrypted with this key (wrong key or damaged record)"
        }
    }
}
