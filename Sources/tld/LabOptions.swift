import ArgumentParser
import Foundation
import LabStore
import LabWorkflow

/// Where the key that seals national IDs comes from.
struct NationalIDKeyOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "File with the base64 national-ID master key, used when $TLD_NATIONAL_ID_KEY is not set (default: the database path + .key). Created (mode 0600) only for a new lab with no wearers; never replaced.",
        valueName: "path"))
    var keyFile: String?

    func path(database: String) -> String { keyFile ?? database + ".key" }

    /// The key, checked against `store`'s check value; a new lab gets a new key file.
    func protector(store: some NationalIDKeyStore, database: String) throws -> NationalIDProtector {
        try requireNamedKey(database: database)
        return try NationalIDKeyring.protector(environment: ProcessInfo.processInfo.environment, keyFile: path(database: database), store: store)
    }
}

extension CalendarDay: ExpressibleByArgument {
    public init?(argument: String) {
        guard let day = try? CalendarDay(parsing: argument) else { return nil }
        self = day
    }
}

/// Today on the lab's calendar (UTC).
func today() -> CalendarDay {
    CalendarDay(utcDayOf: Date())
}
