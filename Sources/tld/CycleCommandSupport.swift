import ArgumentParser
import Foundation
import LabStore
import LabWorkflow
import Logging

/// A run-time failure of a lab-cycle command: one line on stderr (no usage text) and a sysexits(3)
/// exit code — 65 data error, 66 no input, 70 software, 73 can't create, 74 I/O, 75 temporary failure.
struct CycleFailure: Error, CustomStringConvertible {
    let description: String
    let code: Int32
    init(_ description: String, code: Int32 = 65) {
        self.description = description
        self.code = code
    }

    static let dataError: Int32 = 65, noInput: Int32 = 66, software: Int32 = 70, cantCreate: Int32 = 73
    static let ioError: Int32 = 74, temporary: Int32 = 75

    /// The failure for an error from the store or a workflow.
    static func from(_ error: any Error) -> CycleFailure {
        switch error {
        case let f as CycleFailure: return f
        case let e as ToolError: return CycleFailure(e.description, code: e.status.rawValue)
        case let e as CommandFailure: return CycleFailure(e.description, code: e.status.rawValue)
        case let e as LabStoreError:
            switch e {
            case .databaseBusy: return CycleFailure("the lab database is busy (another tld is writing): try again; nothing was changed", code: temporary)
            case .databaseUnreachable: return CycleFailure("\(e.description): try again when it is back", code: temporary)
            case .cannotOpen: return CycleFailure(e.description, code: noInput)
            case .corruptRow, .storage, .unexpected, .migrationFailed, .databaseIsNewer: return CycleFailure(e.description, code: software)
            default: return CycleFailure(e.description, code: dataError)
            }
        case let e as DispatchError: return CycleFailure(e.description, code: dataError)
        case let e as DocumentFolderError: return CycleFailure(e.description, code: cantCreate)
        case let e as ChargesError: return CycleFailure(e.description, code: dataError)
        case let e as CalendarDayError: return CycleFailure(e.description, code: dataError)
        default: return CycleFailure("\(error)", code: software)
        }
    }
}

/// Runs a command body, turning any failure into one line on stderr and its exit code.
func reportingFailures<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch {
        let failure = CycleFailure.from(error)
        FileHandle.standardError.write(Data("tld: error: \(failure.description)\n".utf8))
        throw ExitCode(failure.code)
    }
}

/// The async form of ``reportingFailures(_:)``.
func reportingFailures<T>(_ body: () async throws -> T) async throws -> T {
    do { return try await body() } catch {
        let failure = CycleFailure.from(error)
        FileHandle.standardError.write(Data("tld: error: \(failure.description)\n".utf8))
        throw ExitCode(failure.code)
    }
}

/// A dosimeter type on the command line: whole-body, finger, neutron, shoulder.
enum DosimeterTypeArgument: String, ExpressibleByArgument, CaseIterable {
    case wholeBody = "whole-body", finger, neutron, shoulder

    var type: DosimeterType {
        switch self {
        case .wholeBody: .wholeBody
        case .finger: .finger
        case .neutron: .neutron
        case .shoulder: .shoulder
        }
    }
}

/// Output format of a listing.
enum ListingFormat: String, ExpressibleByArgument, CaseIterable { case table, csv, json }

/// Writes a document file whole or not at all: to a temporary name beside it, then renamed over it
/// (rename(2) is atomic), so a kill never leaves half a document; or fails with exit code 73. No
/// fsync: documents are made again from the database by the next run, which is what is durable.
func writeDocument(_ bytes: [UInt8], to path: String) throws {
    let url = URL(fileURLWithPath: path)
    let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid())").path
    do {
        try Data(bytes).write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, path) == 0 else {
            throw CycleFailure("cannot write \(path): \(String(cString: strerror(errno)))", code: CycleFailure.cantCreate)
        }
    } catch let failure as CycleFailure {
        try? FileManager.default.removeItem(atPath: temporary)
        throw failure
    } catch {
        try? FileManager.default.removeItem(atPath: temporary)
        throw CycleFailure("cannot write \(path): \(error.localizedDescription)", code: CycleFailure.cantCreate)
    }
}

/// Removes what killed runs left of their documents in `directory` (hidden `.NAME.partial-PID` files).
func removePartialDocuments(in directory: String) {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    for name in names where name.hasPrefix(".") && name.contains(".partial-") {
        try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: directory).appendingPathComponent(name).path)
    }
}
