import ArgumentParser
import Foundation

/// Where the lab's SQLite store is.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "SQLite database file (default: $TLD_DATABASE, else ./tld.sqlite).", valueName: "path"))
    var database: String?

    var path: String {
        if let database { return database }
        if let env = ProcessInfo.processInfo.environment["TLD_DATABASE"], !env.isEmpty { return env }
        return "tld.sqlite"
    }
}

/// Logging verbosity for the whole tool.
struct LoggingOptions: ParsableArguments {
    @Flag(name: .shortAndLong, help: "Log protocol-level detail (retries, NAKs, damaged frames) to stderr.")
    var verbose = false
}

/// A failure to report as one clear line (no usage text: the command line itself was fine).
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
