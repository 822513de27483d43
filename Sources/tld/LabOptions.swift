import ArgumentParser
import Foundation
import LabStore

/// Where the key that seals national IDs comes from.
struct NationalIDKeyOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "File with the base64 national-ID master key, used when $TLD_NATIONAL_ID_KEY is not set (default: the database path + .key; created with mode 0600 if missing).",
        valueName: "path"))
    var keyFile: String?

    func protector(database: String) throws -> NationalIDProtector {
        try NationalIDProtector.load(environment: ProcessInfo.processInfo.environment, keyFile: keyFile ?? database + ".key")
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
    CalendarDay(daysSinceEpoch: Int((Date().timeIntervalSince1970 / 86_400).rounded(.down)))
}
