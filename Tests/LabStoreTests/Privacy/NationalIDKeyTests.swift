import Foundation
import TestSupport
import Testing
@testable import LabStore
@testable import LabStoreSQLite

/// Issue 11, finding 2: the national-ID key is never created over a file, never replaced, checked
/// against the database before use, and rotated in one transaction.
@Suite("National-ID key: file, check value, rotation", .serialized)
struct NationalIDKeyTests {
    static func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
    }

    @Test("a key file is created with mode 0600 and never written over")
    func createOnce() throws {
        let dir = try TemporaryDirectory("key-file")
        defer { dir.cleanup() }
        let path = dir.path("lab.key")
        let key = NationalIDProtector.newMasterKey()
        let old = umask(0o022)
        defer { umask(old) }
        try NationalIDKeyFile.create(path: path, key: key)
        #expect(try Self.mode(path) == 0o600)
        #expect(try NationalIDKeyFile.read(path: path) == key)
        #expect(throws: NationalIDError.keyFileExists(path: path)) {
            try NationalIDKeyFile.create(path: path, key: NationalIDProtector.newMasterKey())
        }
        #expect(try NationalIDKeyFile.read(path: path) == key)
    }

    @Test("a missing, non-UTF-8, non-key or directory key file is reported, never replaced")
    func unreadable() throws {
        let dir = try TemporaryDirectory("key-bad")
        defer { dir.cleanup() }
        #expect(throws: NationalIDError.keyMissing(path: dir.path("none.key"))) { try NationalIDKeyFile.read(path: dir.path("none.key")) }
        let garbage = Data([0xFF, 0xFE, 0x00, 0x80])
        try garbage.write(to: URL(fileURLWithPath: dir.path("bin.key")))
        try Data("not a key\n".utf8).write(to: URL(fileURLWithPath: dir.path("text.key")))
        try FileManager.default.createDirectory(atPath: dir.path("dir.key"), withIntermediateDirectories: false)
        for name in ["bin.key", "text.key", "dir.key"] {
            #expect(throws: NationalIDError.self) { try NationalIDProtector.load(environment: [:], keyFile: dir.path(name)) }
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.path("bin.key"))) == garbage)
    }

    @Test("a new lab gets a key; once IDs are sealed, a missing key stops and none is made")
    func newLabOnly() throws {
        let dir = try TemporaryDirectory("keyring")
        defer { dir.cleanup() }
        let store = try SQLiteLabStore.open(path: dir.path("lab.sqlite"), logger: .init(label: "test"))
        let keyFile = dir.path("lab.sqlite.key")
        let protector = try NationalIDKeyring.protector(environment: [:], keyFile: keyFile, store: store)
        #expect(try Self.mode(keyFile) == 0o600)
        #expect(try store.nationalIDKeyCheck() == protector.keyCheckValue)
        _ = try store.saveCustomer(Customer(id: "K-1", name: "Klinik"))
        _ = try store.addWearer(customerID: "K-1", name: "Anna", nationalID: try protector.protect("010190-1234"))
        // The same key again: fine.
        #expect(try NationalIDKeyring.protector(environment: [:], keyFile: keyFile, store: store).keyCheckValue == protector.keyCheckValue)
        // The key file gone: refused, and no new key file.
        try FileManager.default.removeItem(atPath: keyFile)
        #expect(throws: NationalIDError.keyMissing(path: keyFile)) {
            try NationalIDKeyring.protector(environment: [:], keyFile: keyFile, store: store)
        }
        #expect(!FileManager.default.fileExists(atPath: keyFile))
        // Another key (file or environment): "does not belong to this database".
        try NationalIDKeyFile.create(path: keyFile, key: NationalIDProtector.newMasterKey())
        #expect(throws: NationalIDError.wrongKey) { try NationalIDKeyring.protector(environment: [:], keyFile: keyFile, store: store) }
        let other = NationalIDProtector.newMasterKey().base64EncodedString()
        #expect(throws: NationalIDError.wrongKey) {
            try NationalIDKeyring.protector(environment: [NationalIDProtector.environmentVariable: other], keyFile: keyFile, store: store)
        }
        #expect(try store.sealedNationalIDCount() == 1)
    }

    @Test("a database from before the check value: the key is tried on a sealed ID, then its check value stored")
    func legacyDatabase() throws {
        let store = try SQLiteLabStore.inMemory(logger: .init(label: "test"))
        let key = NationalIDProtector.newMasterKey()
        let protector = try NationalIDProtector(masterKey: key)
        _ = try store.saveCustomer(Customer(id: "K-1", name: "Klinik"))
        _ = try store.addWearer(customerID: "K-1", name: "Anna", nationalID: try protector.protect("010190-1234"))
        let env = [NationalIDProtector.environmentVariable: NationalIDProtector.newMasterKey().base64EncodedString()]
        #expect(throws: NationalIDError.wrongKey) { try NationalIDKeyring.protector(environment: env, keyFile: "/nonexistent/k", store: store) }
        #expect(try store.nationalIDKeyCheck() == nil)
        let right = [NationalIDProtector.environmentVariable: key.base64EncodedString()]
        _ = try NationalIDKeyring.protector(environment: right, keyFile: "/nonexistent/k", store: store)
        #expect(try store.nationalIDKeyCheck() == protector.keyCheckValue)
    }

    @Test("rotation re-seals every ID and look-up hash and replaces the check value, in one transaction")
    func rotation() throws {
        let store = try SQLiteLabStore.inMemory(logger: .init(label: "test"))
        let old = try NationalIDProtector(masterKey: NationalIDProtector.newMasterKey())
        let new = try NationalIDProtector(masterKey: NationalIDProtector.newMasterKey())
        _ = try store.recordNationalIDKeyCheck(old.keyCheckValue)
        _ = try store.saveCustomer(Customer(id: "K-1", name: "Klinik"))
        let ids = ["010190-1234", "020290-2345", "030390-3456"]
        for (i, id) in ids.enumerated() { _ = try store.addWearer(customerID: "K-1", name: "W\(i)", nationalID: try old.protect(id)) }
        // A failure half-way changes nothing.
        var calls = 0
        #expect(throws: LabStoreError.self) {
            try store.resealNationalIDs(expectedCheck: old.keyCheckValue, newCheck: new.keyCheckValue) { p in
                calls += 1
                if calls == 2 { throw NationalIDError.cannotOpen }
                return try new.protect(try old.reveal(p))
            }
        }
        #expect(try store.nationalIDKeyCheck() == old.keyCheckValue)
        #expect(try store.wearers(customerID: "K-1").allSatisfy { (try? old.reveal($0.protectedID)) != nil })
        // The real rotation.
        #expect(try NationalIDKeyring.rotate(from: old, to: new, store: store) == 3)
        #expect(try store.nationalIDKeyCheck() == new.keyCheckValue)
        let wearers = try store.wearers(customerID: "K-1")
        #expect(Set(try wearers.map { try new.reveal($0.protectedID) }) == Set(ids.map { $0.replacingOccurrences(of: "-", with: "") }))
        #expect(wearers.allSatisfy { (try? old.reveal($0.protectedID)) == nil })
        // Look-up by the new hash finds the same wearer (no duplicate).
        let again = try store.addWearer(customerID: "K-1", name: "W0", nationalID: try new.protect(ids[0]))
        #expect(try store.wearers(customerID: "K-1").count == 3 && wearers.contains { $0.id == again.id })
        // Rotating again from the old key is refused.
        #expect(throws: (any Error).self) { try NationalIDKeyring.rotate(from: old, to: new, store: store) }
    }

    @Test("the check value shown to the operator is 8 groups of 4 hex digits and reveals no key bytes")
    func display() throws {
        let p = try NationalIDProtector(masterKey: Data(repeating: 0x42, count: 32))
        let shown = NationalIDKeyring.displayCheckValue(p.keyCheckValue)
        #expect(shown.split(separator: "-").count == 8 && shown.count == 39)
        #expect(!shown.contains("4242"))
    }
}
