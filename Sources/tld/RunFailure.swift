import ArgumentParser
import Foundation

/// A run-time error of a command that prints its own one-line message: written to stderr as
/// `tld: error: …` (no usage text), and the exit code to end with (sysexits, ``SysExit``).
func runFailure(_ message: String, exit code: SysExit) -> ExitCode {
    FileHandle.standardError.write(Data(("tld: error: " + message + "\n").utf8))
    return ExitCode(code.rawValue)
}
