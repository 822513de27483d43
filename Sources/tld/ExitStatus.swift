import ArgumentParser
import Foundation
import LabStore
import LabWorkflow

/// The process's exit status for run-time refusals, per sysexits(3): 65 data error, 66 no input,
/// 69 unavailable, 73 can't create, 75 temporary failure (busy, locked). Errors not listed keep
/// ArgumentParser's handling (64 for usage errors, 1 otherwise).
func sysexitStatus(for error: any Error) -> Int32? {
    switch error {
    case let error as WriterLockError:
        if case .inUse = error { return 75 }
        return 73
    case let error as NationalIDError:
        switch error {
        case .keyMissing, .keyUnreadable: return 66
        case .keyFileExists, .cannotWriteKey: return 73
        case .wrongKey, .malformed, .badKey, .cannotOpen: return 65
        }
    case let error as LabStoreError:
        switch error {
        case .notALabDatabase: return 65
        case .databaseBusy: return 75
        default: return nil
        }
    case let error as ResilientReadoutError:
        return error.isNoAnswer ? 69 : nil
    case is ManifestValidation.Problem:
        return 65
    case let error as ManifestFileError:
        if case .unreadable = error { return 66 }
        return 65
    default:
        return nil
    }
}

extension TLD {
    /// ArgumentParser's `main`, with the exit statuses above.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if let status = sysexitStatus(for: error) {
                FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
                Foundation.exit(status)
            }
            exit(withError: error)
        }
    }
}
