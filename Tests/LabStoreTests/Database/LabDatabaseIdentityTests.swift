import Foundation
import GRDB
import TestSupport
import Testing
@testable import LabStore
@testable import LabStoreSQLite

/// Issue 11, findings 4 and 6: a file that is not a lab database is refused and left untouched; a lab
/// database carries the lab's SQLite application ID; two programs opening a new file at once both
/// end with one migrated database.
@Suite("Lab database identity and a concurrent first start", .serialized)
struct LabDatabaseIdentityTests {
    static let logger = StoreFixture.logger

    /// Runs the sqlite3 command-line tool (another program) on `path`.
    static func sqlite3(_ path: String, _ sql: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        p.arguments = [path, sql]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        p.waitUntilExit()
        return String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func files(_ dir: TemporaryDirectory) throws -> [String: Data] {
        var all: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.url.path) {
            all[name] = try Data(contentsOf: dir.url.appendingPathComponent(name))
        }
        return all
    }

    @Test("another program's SQLite file is refused before any migration and left byte for byte as it was")
    func foreignTables() throws {
        let dir = try TemporaryDirectory("foreign-db")
        defer { dir.cleanup() }
        let path = dir.path("notes.sqlite")
        _ = try Self.sqlite3(path, "CREATE TABLE note (id INTEGER PRIMARY KEY, text TEXT); INSERT INTO note (text) VALUES ('hello');")
        let before = try Self.files(dir)
        #expect {
            _ = try LabDatabase.open(path: path, logger: Self.logger)
        } throws: { error in
            guard case let LabStoreError.notALabDatabase(p, reason)? = error as? LabStoreError else { return false }
            return p == path && reason.contains("note")
        }
        #expect(try Self.files(dir) == before)
        #expect(try Self.sqlite3(path, "SELECT name FROM sqlite_master WHERE type = 'table'") == "note")
    }

    @Test("another application ID, or a file that is not SQLite at all, is refused and left untouched")
    func otherApplicationIDAndGarbage() throws {
        let dir = try TemporaryDirectory("foreign-id")
        defer { dir.cleanup() }
        let other = dir.path("other.sqlite")
        _ = try Self.sqlite3(other, "PRAGMA application_id = 42; PRAGMA user_version = 1;")
        let garbage = dir.path("garbage.sqlite")
        try Data((0..<4096).map { UInt8($0 % 251) }).write(to: URL(fileURLWithPath: garbage))
        let before = try Self.files(dir)
        for path in [other, garbage] {
            #expect(throws: LabStoreError.self) { _ = try LabDatabase.open(path: path, logger: Self.logger) }
        }
        #expect(try Self.files(dir) == before)
    }

    @Test("a new database gets the lab's application ID; a lab database made before the ID gets it and opens")
    func applicationID() throws {
        let dir = try TemporaryDirectory("lab-id")
        defer { dir.cleanup() }
        let path = dir.path("tld.sqlite")
        do { _ = try LabDatabase.open(path: path, logger: Self.logger) }
        #expect(try Self.sqlite3(path, "PRAGMA application_id") == "\(LabDatabaseIdentity.applicationID)")
        #expect(LabDatabaseIdentity.applicationID == 0x544C_444C)
        // As a database of the earlier program (no ID): accepted, and stamped.
        _ = try Self.sqlite3(path, "PRAGMA application_id = 0")
        #expect(try Self.sqlite3(path, "PRAGMA application_id") == "0")
        let reopened = try LabDatabase.open(path: path, logger: Self.logger)
        #expect(try reopened.appliedMigrations() == LabMigrations.names)
        #expect(try Self.sqlite3(path, "PRAGMA application_id") == "\(LabDatabaseIdentity.applicationID)")
    }

    @Test("six programs opening a new file at the same moment all get the migrated database", arguments: 1...10)
    func concurrentFirstStart(round: Int) async throws {
        let dir = try TemporaryDirectory("first-start")
        defer { dir.cleanup() }
        let path = dir.path("tld.sqlite")
        let results = await withTaskGroup(of: String?.self) { group in
            for _ in 0..<6 {
                group.addTask {
                    // Each on its own thread, as separate programs would be.
                    await withCheckedContinuation { continuation in
                        Thread.detachNewThread {
                            do {
                                let db = try LabDatabase.open(path: path, logger: Self.logger)
                                continuation.resume(returning: try db.appliedMigrations() == LabMigrations.names ? nil : "not fully migrated")
                            } catch {
                                continuation.resume(returning: "\(error)")
                            }
                        }
                    }
                }
            }
            var all: [String?] = []
            for await r in group { all.append(r) }
            return all
        }
        #expect(results.allSatisfy { $0 == nil }, "round \(round): \(results.compactMap { $0 })")
    }
}
