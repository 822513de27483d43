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
    private let checkKeyBytes: Data
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
        checkKeyBytes = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: master, info: Data("tld national-id key check v1".utf8), outputByteCount: 32
        ).withUnsafeBytes { Data($0) }
    }

    public init(masterKeyBase64: String) throws(NationalIDError) {
        guard let data = Data(base64Encoded: masterKeyBase64.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw .badKey("the master key is not base64")
        }
        try self.init(masterKey: data)
    }

    /// The key from `TLD_NATIONAL_ID_KEY`, else from the file at `keyFile` (base64 text). Never
    /// creates or replaces a key: a missing file is ``NationalIDError/keyMissing(path:)``, an
    /// unreadable one ``NationalIDError/keyUnreadable(path:reason:)``. A new lab's key is made by
    /// ``NationalIDKeyring`` (which also checks the key belongs to the database).
    public static func load(environment: [String: String], keyFile: String) throws(NationalIDError) -> NationalIDProtector {
        if let value = environment[environmentVariable], !value.isEmpty {
            do { return try NationalIDProtector(masterKeyBase64: value) } catch {
                throw .keyUnreadable(path: "$\(environmentVariable)", reason: "it is not the base64 of 32 bytes")
            }
        }
        let key = try NationalIDKeyFile.read(path: keyFile)
        do { return try NationalIDProtector(masterKey: key) } catch {
            throw .keyUnreadable(path: keyFile, reason: "it does not hold the base64 of 32 bytes")
        }
    }

    /// The key check value: HMAC-SHA256 of a fixed label under its own HKDF-derived key. Stored in the
    /// database when the first ID is sealed, so a wrong key is refused before it seals or looks up
    /// anything. It reveals nothing about the key (HMAC is a PRF, RFC 2104).
    public var keyCheckValue: Data {
        Data(HMAC<SHA256>.authenticationCode(for: Data("tld national-id key check v1".utf8), using: SymmetricKey(data: checkKeyBytes)))
    }

    /// A new random 32-byte master key.
    public static func newMasterKey() -> Data {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
    }

    public var description: String { "NationalIDProtector(AES-256-GCM, HMAC-SHA256; key hidden)" }

    /// The ID's 10 digits: `DDMMYY-SSSS` or `DDMMYYSSSS`, with a real birth date (``NationalIDFormat``).
    public static func digits(of nationalID: String) throws(NationalIDError) -> String {
        do { return try NationalIDFormat.digits(of: nationalID) } catch { throw .malformed }
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
    /// No key file at `path` (and no `TLD_NATIONAL_ID_KEY`), while the database holds sealed IDs.
    case keyMissing(path: String)
    /// The key file (or variable) exists but cannot be read or is not a key.
    case keyUnreadable(path: String, reason: String)
    /// The key's check value is not the one stored in the database: another lab's or an old key.
    case wrongKey
    /// A key file would be created where a file already is (never replaced).
    case keyFileExists(path: String)
    /// The key file could not be created or made durable.
    case cannotWriteKey(path: String, reason: String)

    public var description: String {
        switch self {
        case .malformed: "the national ID is not 10 digits of the form DDMMYY-SSSS"
        case let .badKey(reason): "national-ID key: \(reason)"
        case .cannotOpen: "the national ID cannot be decrypted with this key (wrong key or damaged record)"
        case let .keyMissing(path):
            "the national-ID key file \(path) is missing and the database holds sealed national IDs: "
                + "restore it from the key backup (or set \(NationalIDProtector.environmentVariable)); nothing was changed"
        case let .keyUnreadable(path, reason):
            "the national-ID key \(path) cannot be used: \(reason); nothing was changed (the key file was left as it is)"
        case .wrongKey:
            "this national-ID key does not belong to this database (its check value differs): use the lab's key or restore it from the backup; nothing was changed"
        case let .keyFileExists(path):
            "\(path) already exists: a key file is never written over"
        case let .cannotWriteKey(path, reason):
            "cannot write the key file \(path): \(reason)"
        }
    }
}
