import ArgumentParser
import Foundation

/// A run-time error of the evaluation commands: one line on stderr ("Error: …", no usage text) and
/// the sysexits code (65 data error, 66 no input, 69 unavailable, 73 can't create).
func runFailure(_ message: String, exit code: Int32) -> ExitCode {
    FileHandle.standardError.write(Data(("Error: " + message + "\n").utf8))
    return ExitCode(code)
}

/// sysexits(3) codes used by these commands.
enum SysExit {
    static let dataError: Int32 = 65
    static let noInput: Int32 = 66
    static let unavailable: Int32 = 69
    static let cantCreate: Int32 = 73
}
