import Foundation
import LabStore
import Logging

/// Creating and dropping databases and schemas on a server (tests give each case its own database; an
/// administrator may set up a lab's database the same way). Runs on a connection to `server`'s
/// database, which is not changed.
public enum PostgresDatabaseAdmin {
    /// A database name this tool creates: lower-case letters, digits and `_`, 1–63 characters,
    /// starting with a letter (no quoting needed, nothing to inject).
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first), name.unicodeScalars.count <= 63 else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    /// Creates the empty database `name` and returns the URL of it (same server and user).
    public static func createDatabase(named name: String, on server: PostgresURL, logger: Logger) throws(LabStoreError) -> PostgresURL {
        guard isValidName(name) else { throw LabStoreError.invalidRecord("database name \"\(name)\"") }
        let admin = try PostgresLabStore.open(url: server, logger: logger, migrate: false)
        defer { admin.close() }
        try admin.withSession("create database") { session in try session.execute("CREATE DATABASE \(name)") }
        var url = server
        url.database = name
        return url
    }

    /// Creates the empty schema `name` in `server`'s database and returns the URL of it (tests: a
    /// schema per case is much cheaper than a database per case).
    public static func createSchema(named name: String, on server: PostgresURL, logger: Logger) throws(LabStoreError) -> PostgresURL {
        guard isValidName(name) else { throw LabStoreError.invalidRecord("schema name \"\(name)\"") }
        let admin = try PostgresLabStore.open(url: server, logger: logger, migrate: false)
        defer { admin.close() }
        try admin.withSession("create schema") { session in try session.execute("CREATE SCHEMA \(name)") }
        var url = server
        url.schema = name
        return url
    }

    /// Drops the database `name`, closing other sessions on it (PostgreSQL 13 and later).
    public static func dropDatabase(named name: String, on server: PostgresURL, logger: Logger) throws(LabStoreError) {
        guard isValidName(name) else { throw LabStoreError.invalidRecord("database name \"\(name)\"") }
        let admin = try PostgresLabStore.open(url: server, logger: logger, migrate: false)
        defer { admin.close() }
        try admin.withSession("drop database") { session in try session.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
    }
}
