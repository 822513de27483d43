import Foundation
import LabStore

/// A PostgreSQL client program a backup runs (`pg_dump`, `pg_restore`), of a major version that can
/// talk to the server: pg_dump works with servers of its own and older major versions
/// (https://www.postgresql.org/docs/current/app-pgdump.html, "Notes"), and pg_restore reads archives
/// of its own and older versions. Debian installs each major version's programs in
/// `/usr/lib/postgresql/<major>/bin` (postgresql-client-<major>); `/usr/bin/pg_dump` is a wrapper.
public struct PostgresClientTool: Sendable, Equatable {
    public let path: String
    /// The program's `--version` line, e.g. "pg_dump (PostgreSQL) 15.10 (Debian 15.10-0+deb12u1)".
    public let version: String
    public let major: Int

    /// `$TLD_PG_BINDIR`: look only in this folder (a lab with its own PostgreSQL build; tests).
    public static let binDirVariable = "TLD_PG_BINDIR"

    /// Finds `name` of the server's major version (`serverMajor`), else the newest installed one that
    /// is newer; in `$TLD_PG_BINDIR` only when that is set, else in `/usr/lib/postgresql/*/bin`, then on PATH.
    ///
    /// - Throws: ``BackupFailure/unavailable(_:)`` (exit 69) when there is none.
    public static func find(_ name: String, serverMajor: Int, environment: [String: String]) throws(BackupFailure) -> PostgresClientTool {
        var candidates: [String] = []
        let looked: String
        if let folder = environment[binDirVariable], !folder.isEmpty {
            candidates = [(folder as NSString).appendingPathComponent(name)]
            looked = "in \(folder) ($\(binDirVariable))"
        } else {
            let root = "/usr/lib/postgresql"
            let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted(by: >)
            candidates = versions.map { "\(root)/\($0)/bin/\(name)" }
            for folder in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
                candidates.append("\(folder)/\(name)")
            }
            looked = "in \(root)/*/bin and on PATH"
        }
        var usable: [PostgresClientTool] = []
        var seen = Set<String>()
        for path in candidates where FileManager.default.isExecutableFile(atPath: path) {
            let real = (path as NSString).resolvingSymlinksInPath
            guard !seen.contains(real) else { continue }
            seen.insert(real)
            guard let tool = try? probe(path), tool.major >= serverMajor else { continue }
            usable.append(tool)
        }
        if let exact = usable.first(where: { $0.major == serverMajor }) { return exact }
        if let newest = usable.max(by: { $0.major < $1.major }) { return newest }
        throw .unavailable("\(name) for PostgreSQL \(serverMajor) (or newer) is not installed (looked \(looked)): install postgresql-client-\(serverMajor)")
    }

    /// Runs `path --version` and reads the major version from it.
    static func probe(_ path: String) throws -> PostgresClientTool {
        let result = try run(path, ["--version"], environment: [:])
        let line = result.output.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        // "pg_dump (PostgreSQL) 15.10 …": the first number after ") ".
        guard result.status == 0, let close = line.range(of: ") "),
              let major = Int(line[close.upperBound...].prefix(while: \.isNumber)) else {
            throw BackupFailure.unavailable("\(path) --version printed \"\(line)\"")
        }
        return PostgresClientTool(path: path, version: line, major: major)
    }

    /// Runs the program with `arguments` (and `environment` added to this process's); throws
    /// ``BackupFailure/io(_:)`` with its last error lines when it fails. Returns its standard output.
    @discardableResult
    public func run(_ arguments: [String], environment: [String: String]) throws(BackupFailure) -> String {
        let result: (status: Int32, output: String, errors: String)
        do {
            result = try Self.run(path, arguments, environment: environment)
        } catch {
            throw .io("cannot run \(path): \(error)")
        }
        guard result.status == 0 else {
            let lines = result.errors.split(whereSeparator: \.isNewline).suffix(3).joined(separator: " / ")
            throw .io("\((path as NSString).lastPathComponent) failed (exit \(result.status)): \(lines.isEmpty ? "no message" : lines)")
        }
        return result.output
    }

    /// Runs a program, its output and errors written to files in a private folder (no pipe to fill up).
    private static func run(_ path: String, _ arguments: [String], environment: [String: String]) throws
        -> (status: Int32, output: String, errors: String) {
        let folder = try LabBackup.privateFolder(in: NSTemporaryDirectory())
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let outPath = (folder as NSString).appendingPathComponent("out")
        let errPath = (folder as NSString).appendingPathComponent("err")
        for file in [outPath, errPath] where !FileManager.default.createFile(atPath: file, contents: nil, attributes: [.posixPermissions: 0o600]) {
            throw BackupFailure.cannotCreate("cannot create \(file)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, given in given }
        process.standardInput = FileHandle.nullDevice
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        process.standardOutput = out
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        try? out.close()
        try? err.close()
        let output = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let errors = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return (process.terminationStatus, output, errors)
    }
}
