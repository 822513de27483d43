import ArgumentParser
import Foundation
import LabStore

/// Where the passphrase of an encrypted backup comes from: a file, or $TLD_BACKUP_PASSPHRASE (never
/// the command line, where `ps` shows it).
struct BackupPassphraseOptions: ParsableArguments {
    static let environmentVariable = "TLD_BACKUP_PASSPHRASE"
    /// A passphrase shorter than this is refused when encrypting (scrypt slows guessing, not a
    /// guessable passphrase).
    static let minimumLength = 12

    @Option(help: ArgumentHelp(
        "File whose first line is the backup passphrase (else $TLD_BACKUP_PASSPHRASE).", valueName: "file"))
    var passphraseFile: String?

    /// The passphrase, or nil when neither the file nor the variable gives one.
    func passphrase() throws -> String? {
        if let passphraseFile {
            guard let data = FileManager.default.contents(atPath: passphraseFile) else {
                throw ToolError.unreadable(path: passphraseFile, reason: "no such file, or not readable")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw ToolError.unreadable(path: passphraseFile, reason: "it is not UTF-8 text")
            }
            let line = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let passphrase = line.hasSuffix("\r") ? String(line.dropLast()) : line
            guard !passphrase.isEmpty else { throw CommandFailure("\(passphraseFile): the first line is empty", status: .dataError) }
            return passphrase
        }
        if let value = ProcessInfo.processInfo.environment[Self.environmentVariable], !value.isEmpty { return value }
        return nil
    }
}

extension BackupFailure: ExitStatusProviding {
    var exitStatus: SysExit {
        switch self {
        case .cannotCreate: .cantCreate
        case .noInput: .noInput
        case .badBackup, .differences: .dataError
        case .noPassphrase, .usage: .usage
        case .unavailable: .unavailable
        case let .encryption(failure):
            switch failure {
            case .io: .ioError
            case .notEncrypted, .badFile, .wrongPassphrase: .dataError
            }
        case let .store(error): ExitStatus.status(of: error)
        case .io: .ioError
        }
    }
}
