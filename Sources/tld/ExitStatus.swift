import ArgumentParser
import DeviceIO
import Foundation
import LabStore
import LabWorkflow

/// The exit codes of sysexits.h (FreeBSD sysexits(3); the same values in glibc's <sysexits.h>).
enum SysExit: Int32, Sendable {
    case usage = 64        // EX_USAGE: the command was used incorrectly
    case dataError = 65    // EX_DATAERR: the input data was incorrect
    case noInput = 66      // EX_NOINPUT: an input file did not exist or was not readable
    case unavailable = 69  // EX_UNAVAILABLE: a service (the reader) is unavailable
    case software = 70     // EX_SOFTWARE: an internal software error
    case cantCreate = 73   // EX_CANTCREAT: an output file cannot be created
    case ioError = 74      // EX_IOERR: an error while doing I/O
    case tempFail = 75     // EX_TEMPFAIL: try again later (database locked, reader busy)
    case noPermission = 77 // EX_NOPERM: insufficient permission
    case config = 78       // EX_CONFIG: something was found in an unconfigured or misconfigured state
}

/// An error of a command that knows its sysexits code (conform a command's own error types here).
protocol ExitStatusProviding: Error {
    var exitStatus: SysExit { get }
}

/// Failures of the tool itself, each with its exit code.
enum ToolError: Error, CustomStringConvertible {
    /// The lab's database file does not exist (and this command does not create one).
    case noDatabase(path: String)
    /// An input file cannot be read.
    case unreadable(path: String, reason: String)
    /// The lab's data refuses the request (no such record, a rule of the lab).
    case refused(String)

    var description: String {
        switch self {
        case let .noDatabase(path):
            "no lab database at \(path): give --database or set TLD_DATABASE (tld import, tld customer add or tld cards add set up a new lab)"
        case let .unreadable(path, reason): "cannot read \(path): \(reason)"
        case let .refused(reason): reason
        }
    }

    var status: SysExit {
        switch self {
        case .noDatabase, .unreadable: .noInput
        case .refused: .dataError
        }
    }
}

/// The exit code and one-line message of an error a command threw while running.
enum ExitStatus {
    static func status(of error: any Error) -> SysExit {
        switch error {
        case let e as any ExitStatusProviding: return e.exitStatus
        case let e as ToolError: return e.status
        case let e as CommandFailure: return e.status
        case let e as CycleFailure: return SysExit(rawValue: e.code) ?? .software
        case let e as DemoStepFailed: return status(of: e.underlying)
        case let e as LabStoreError: return status(of: e)
        case let e as NationalIDError:
            switch e {
            case .malformed, .wrongKey: return .dataError
            case .badKey, .cannotOpen: return .config
            case .keyMissing, .keyUnreadable: return .noInput
            case .keyFileExists, .cannotWriteKey: return .cantCreate
            }
        case let e as WriterLockError:
            if case .inUse = e { return .tempFail }
            return .cantCreate
        case let e as ResilientReadoutError where e.isNoAnswer: return .unavailable
        case is ManifestValidation.Problem: return .dataError
        case let e as ManifestFileError:
            if case .unreadable = e { return .noInput }
            return .dataError
        case let e as LabImport.Failure:
            switch e {
            case .rejected: return .dataError
            case let .store(s): return status(of: s)
            case .nationalID: return .config
            }
        case is UnenrolmentError, is CalendarDayError, is ImportRejected: return .dataError
        case is ReadoutFailed: return .tempFail  // interrupted: the same command resumes
        case is ValidationError: return .usage
        case let e as SerialError:
            switch e {
            case .notFound, .notATerminal, .unsupportedBaudRate: return .unavailable
            case .permissionDenied: return .noPermission
            case .busy, .timedOut: return .tempFail
            case .disconnected, .closed, .cancelled, .system: return .ioError
            }
        case let e as CocoaError where e.code == .fileReadNoSuchFile: return .noInput
        default: return .software
        }
    }

    static func status(of error: LabStoreError) -> SysExit {
        switch error {
        case let .cannotOpen(_, reason):
            // Opening writes (journal mode, pending migrations): another program's lock shows up here
            // as GRDB's "SQLite error 5" (SQLITE_BUSY) or 6 (SQLITE_LOCKED) text; try again later.
            return reason.contains("SQLite error 5:") || reason.contains("SQLite error 6:") ? .tempFail : .ioError
        case .migrationFailed, .unexpected: return .software
        case .databaseIsNewer: return .config
        case .databaseBusy, .databaseUnreachable: return .tempFail
        case .notALabDatabase: return .dataError
        case let .storage(_, failure, _):
            switch failure {
            case .io, .full: return .ioError
            case .cannotOpen: return .noInput
            case .permission: return .noPermission
            case .other: return .software
            }
        default: return .dataError
        }
    }
}

extension TLD {
    /// Runs the command line. A command-line mistake prints the usage (ArgumentParser, exit 64); an
    /// error while running prints one line `tld: error: …` and exits with its sysexits code.
    static func main() async {
        var command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exit(withError: error)
        }
        do {
            try PostgresGate.check(command)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error where error is CleanExit || error is ExitCode {
            exit(withError: error)
        } catch let error where !(error is ValidationError) && [.success, .validationFailure].contains(exitCode(for: error)) {
            // ArgumentParser's own requests and parse errors (a command group run without a
            // subcommand prints its help): its usual output and code.
            exit(withError: error)
        } catch {
            // One line; only a rejected import file lists its bad rows below it.
            FileHandle.standardError.write(Data("tld: error: \(error)\n".utf8))
            Foundation.exit(ExitStatus.status(of: error).rawValue)
        }
    }
}
