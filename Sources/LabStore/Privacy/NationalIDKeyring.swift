import Foundation

/// The national-ID key of one lab database: found, checked against the database, and created only
/// for a brand-new lab.
///
/// ```swift
/// let protector = try NationalIDKeyring.protector(environment: env, keyFile: "tld.sqlite.key", store: store)
/// ```
///
/// Rules (issue 11, finding 2):
/// - the key comes from `TLD_NATIONAL_ID_KEY`, else from the key file; a key file is never created
///   over an existing file or replaced (``NationalIDKeyFile``);
/// - a missing or unreadable key stops the command before it writes anything; only a lab that has no
///   sealed ID and no recorded key check yet gets a new key file;
/// - the key's check value (``NationalIDProtector/keyCheckValue``) must equal the one stored in the
///   database; a database from before the check value existed is checked by opening one sealed ID,
///   and then gets the check value.
public enum NationalIDKeyring {
    /// The checked protector for the database behind `store`.
    /// - Throws: ``NationalIDError`` (missing, unreadable or wrong key; key file not creatable) or
    ///   ``LabStoreError``.
    public static func protector(
        environment: [String: String], keyFile: String, store: some NationalIDKeyStore
    ) throws -> NationalIDProtector {
        let stored = try store.nationalIDKeyCheck()
        let protector: NationalIDProtector
        do {
            protector = try NationalIDProtector.load(environment: environment, keyFile: keyFile)
        } catch .keyMissing(let path) {
            // Only a new lab may get a new key: nothing sealed, no key recorded.
            guard stored == nil, try store.sealedNationalIDCount() == 0 else { throw NationalIDError.keyMissing(path: path) }
            let key = NationalIDProtector.newMasterKey()
            do {
                try NationalIDKeyFile.create(path: keyFile, key: key)
                protector = try NationalIDProtector(masterKey: key)
            } catch .keyFileExists {
                // Another command of the same new lab made it a moment ago: use that one.
                protector = try NationalIDProtector.load(environment: [:], keyFile: keyFile)
            }
        }
        try check(protector, store: store, stored: stored)
        return protector
    }

    /// Refuses a key that does not belong to the database; records the check value when none is stored.
    static func check(_ protector: NationalIDProtector, store: some NationalIDKeyStore, stored: Data?) throws {
        let mine = protector.keyCheckValue
        if let stored {
            guard stored == mine else { throw NationalIDError.wrongKey }
            return
        }
        if let sealed = try store.someSealedNationalID() {
            guard (try? protector.reveal(sealed)) != nil else { throw NationalIDError.wrongKey }
        }
        guard try store.recordNationalIDKeyCheck(mine) == mine else { throw NationalIDError.wrongKey }
    }

    /// Re-seals every stored national ID (and its look-up hash) from `current` to `new` in one
    /// transaction and stores the new key's check value. The new key must already be durable (its
    /// file created and fsynced) before this is called. Returns how many IDs were re-sealed.
    public static func rotate(
        from current: NationalIDProtector, to new: NationalIDProtector, store: some NationalIDKeyStore
    ) throws -> Int {
        try store.resealNationalIDs(expectedCheck: current.keyCheckValue, newCheck: new.keyCheckValue) { old in
            try new.protect(try current.reveal(old))
        }
    }

    /// The check value as the operator sees it: hexadecimal in groups of four, the first 16 bytes.
    public static func displayCheckValue(_ value: Data) -> String {
        let hex = value.prefix(16).map { String($0, radix: 16, uppercase: true).leftPadded(to: 2) }.joined()
        return stride(from: 0, to: hex.count, by: 4).map { i in
            let start = hex.index(hex.startIndex, offsetBy: i)
            return String(hex[start..<hex.index(start, offsetBy: 4)])
        }.joined(separator: "-")
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
