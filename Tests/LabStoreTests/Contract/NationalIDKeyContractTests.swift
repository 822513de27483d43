import Foundation
import Testing
@testable import LabStore

/// The national-ID key role (``NationalIDKeyStore``) on every backend that has it: the check value is
/// recorded once, a key is tested against a sealed ID, and a rotation is all or nothing.
/// (NationalIDKeyTests holds the key-file cases, on SQLite.)
@Suite("Store contract: national-ID key check value and rotation")
struct NationalIDKeyContractTests {
    @Test("the check value is recorded once: a second, different value does not replace it", arguments: StoreBackend.masterDataRole)
    func checkValue(backend: StoreBackend) throws {
        let fixture = try backend.makeFixture()
        let store = try fixture.openMasterData()
        let one = try NationalIDProtector(masterKey: NationalIDProtector.newMasterKey()).keyCheckValue
        let two = try NationalIDProtector(masterKey: NationalIDProtector.newMasterKey()).keyCheckValue
        #expect(try store.nationalIDKeyCheck() == nil)
        #expect(try store.recordNationalIDKeyCheck(one) == one)
        #expect(try store.recordNationalIDKeyCheck(two) == one)
        #expect(try fixture.openMasterData().nationalIDKeyCheck() == one)
        #expect(try store.sealedNationalIDCount() == 0)
        #expect(try store.someSealedNationalID() == nil)
    }

    @Test("a database from before the check value: the key is tried on a sealed ID, then its check value stored",
          arguments: StoreBackend.masterDataRole)
    func legacyDatabase(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openMasterData()
        let key = NationalIDProtector.newMasterKey()
        let protector = try NationalIDProtector(masterKey: key)
        _ = try store.addCustomer(Customer(id: "K-1", name: "Klinik", deliveryAddress: "Vej 1"))
        let first = try protector.protect("010190-1234")
        _ = try store.addWearer(customerID: "K-1", name: "Anna", nationalID: first, birthDate: nil)
        _ = try store.addWearer(customerID: "K-1", name: "Bo", nationalID: try protector.protect("020290-2345"), birthDate: nil)
        #expect(try store.someSealedNationalID() == first, "the first wearer's")
        #expect(try store.sealedNationalIDCount() == 2)
        let env = [NationalIDProtector.environmentVariable: NationalIDProtector.newMasterKey().base64EncodedString()]
        #expect(throws: NationalIDError.wrongKey) { try NationalIDKeyring.protector(environment: env, keyFile: "/nonexistent/k", store: store) }
        #expect(try store.nationalIDKeyCheck() == nil)
        let right = [NationalIDProtector.environmentVariable: key.base64EncodedString()]
        _ = try NationalIDKeyring.protector(environment: right, keyFile: "/nonexistent/k", store: store)
        #expect(try store.nationalIDKeyCheck() == protector.keyCheckValue)
    }

    @Test("rotation re-seals every ID and look-up hash and replaces the check value, in one transaction",
          arguments: StoreBackend.masterDataRole)
    func rotation(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openMasterData()
        let old = try NationalIDProtector(masterKey: NationalIDProtector.newMasterKey())
        let new = try NationalIDProtector(masterKey: NationalIDProtector.newMasterKey())
        _ = try store.recordNationalIDKeyCheck(old.keyCheckValue)
        _ = try store.addCustomer(Customer(id: "K-1", name: "Klinik", deliveryAddress: "Vej 1"))
        let ids = ["010190-1234", "020290-2345", "030390-3456"]
        for (i, id) in ids.enumerated() {
            _ = try store.addWearer(customerID: "K-1", name: "W\(i)", nationalID: try old.protect(id), birthDate: nil)
        }
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
        #expect(try store.allWearers().allSatisfy { (try? old.reveal($0.protectedID)) != nil })
        // A wrong expected check value: refused, nothing changed.
        #expect(throws: LabStoreError.self) {
            try store.resealNationalIDs(expectedCheck: new.keyCheckValue, newCheck: new.keyCheckValue) { $0 }
        }
        #expect(try store.nationalIDKeyCheck() == old.keyCheckValue)
        // The real rotation.
        #expect(try NationalIDKeyring.rotate(from: old, to: new, store: store) == 3)
        #expect(try store.nationalIDKeyCheck() == new.keyCheckValue)
        let wearers = try store.allWearers()
        #expect(Set(try wearers.map { try new.reveal($0.protectedID) }) == Set(ids.map { $0.replacingOccurrences(of: "-", with: "") }))
        #expect(wearers.allSatisfy { (try? old.reveal($0.protectedID)) == nil })
        // Look-up by the new hash finds the same wearer.
        let lookup = try new.protect(ids[0]).lookup
        #expect(try store.wearer(customerID: "K-1", lookup: lookup)?.name == "W0")
        #expect(throws: LabStoreError.self) {
            try store.addWearer(customerID: "K-1", name: "W0", nationalID: try new.protect(ids[0]), birthDate: nil)
        }
        // Rotating again from the old key is refused.
        #expect(throws: (any Error).self) { try NationalIDKeyring.rotate(from: old, to: new, store: store) }
    }
}
