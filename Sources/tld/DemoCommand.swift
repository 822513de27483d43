import ArgumentParser
import Foundation

struct Demo: AsyncParsableCommand, PostgresGate.Supported {
    static let configuration = CommandConfiguration(
        abstract: "Run \"A day at the lab\" on the simulated reader: the lab's own commands, from an empty database to the next dispatch.",
        discussion: """
            The demo is a script of tld commands, each printed as `$ tld …` before it runs, exactly as the \
            README's "A day at the lab" types them: it writes the import file lab-import.csv to --out and \
            imports it (3 customers, their wearers and enrolments), adds card stock and price lists, \
            dispatches the January and February cards, takes in K-1001's returned envelope (one card \
            missing, another customer's card, a misread, a second scan, a card handed over to another \
            person), inspects the cards (one damaged: manual QA), reads them with the lab's calibration \
            and control dosimeters on the simulated TL reader (a pseudo-terminal, as a real USB-serial \
            reader), reviews and releases the doses, writes the result list, anneals the cards with a \
            background check (one needs a second anneal), zeroes and inspects them (the damaged one is \
            retired), dispatches the March cards, and lists the reminders and the charges.

            Every step is kept in the database as it happens. If the demo is interrupted at any moment \
            (even kill -9), run the same command again: it goes on from where it stopped, and no reading \
            is lost, no card is zeroed or reissued before its dose is released, nothing is sent twice.

            It runs on the default SQLite file or on PostgreSQL (--database postgres://… or TLD_DATABASE, \
            with the national-ID key named: --key-file or TLD_NATIONAL_ID_KEY), every step on the same \
            backend.
            """)

    @Option(help: ArgumentHelp("Folder for the import file, the documents and the simulator's files.", valueName: "dir"))
    var out: String = "tld-demo"

    @Option(help: ArgumentHelp("Wall-clock milliseconds per element read on the simulator.", valueName: "ms"))
    var speedMs: Double = 0

    @Option(help: ArgumentHelp("Set every demo customer's review level to this Hp(10) per period, mSv (tld levels set), before the readout.", valueName: "mSv"))
    var reviewLevel: Double?

    @Flag(help: "Leave the flagged doses to a physicist (tld review) instead of accepting them; run the demo again afterwards to finish.")
    var physicistReviews = false

    @OptionGroup var store: StoreOptions
    @OptionGroup var key: NationalIDKeyOptions
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard speedMs.isFinite, speedMs >= 0, speedMs <= 10_000 else { throw ValidationError("--speed-ms must be 0 to 10000 ms.") }
        if let reviewLevel, !(reviewLevel.isFinite && reviewLevel >= 0 && reviewLevel <= 10) {
            throw ValidationError("--review-level must be 0 to 10 mSv.")
        }
    }

    func run() async throws {
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let script = DemoScript(out: out, database: store.path, keyFile: key.keyFile, speedMilliseconds: speedMs,
                                reviewLevelMilliSievert: reviewLevel, physicistReviews: physicistReviews)
        do {
            try await script.run()
        } catch let failure as DemoStepFailed {
            // A command that printed its own message ends with its exit code; others say why here.
            if let code = failure.underlying as? ExitCode {
                FileHandle.standardError.write(Data("tld: the demo stopped at `\(failure.commandLine)`\n".utf8))
                throw code
            }
            throw failure
        }
    }
}
