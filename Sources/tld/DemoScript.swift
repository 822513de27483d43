import ArgumentParser
import Foundation
import Instruments
import LabStore
import LabStorePostgres
import LabStoreSQLite
import LabWorkflow

/// `tld demo` as a script of the lab's own commands: "A day at the lab" of the README, from an empty
/// database to the next dispatch, every step a `tld` command line run in this process exactly as a user
/// would type it (parsed by the same parser, run by the same code). The lab's records come from an
/// import file, written to the demo's folder first; nothing is seeded behind the commands' backs.
///
/// Which steps still need doing is read from the lab's records (public store calls), so a demo that
/// was killed at any moment simply runs again: a step already done is skipped, and each command is
/// itself safe to run again (import, cards add, dispatch) or resumes (readout).
struct DemoScript {
    let out: String
    let database: String
    let keyFile: String?
    let speedMilliseconds: Double
    let reviewLevelMilliSievert: Double?
    let physicistReviews: Bool

    // The demo's calendar (DOMAIN.md: periods start on the 1st or the 15th).
    static let ordered = "2026-12-08"
    /// The dispatch runs before the return: the new enrolments' first cards (within 5 working days of
    /// the order), then the cards of the periods starting 1 January, 15 January and 1 February, each sent 5
    /// working days ahead (a lab runs `tld dispatch` every working day; these are the days it sends).
    static let dispatchesBeforeReturn = ["2026-12-14", "2026-12-28", "2027-01-08", "2027-01-25"]
    static let arrival = "2027-02-03"
    static let readoutDay = "2027-02-04"
    /// After the return: the periods starting 15 February and 1 March.
    static let dispatchesAfterReturn = ["2027-02-08", "2027-02-22"]
    static let reminderDay = "2027-03-05"
    static let chargesDay = "2027-05-10"
    static let customer = "K-1001"
    /// The result list covers the periods that ended before the envelope came back.
    static let returnedFrom = "2026-12-01"
    static let returnedPeriodEnd = "2027-01-31"
    static let technician = "demo technician"
    static let physicist = "demo physicist"

    /// Stock: 60 whole-body cards (1000001…1000060), 20 finger cards (2000001…2000020), 10 neutron
    /// cards (3000001…3000010), 10 shoulder cards (4000001…4000010); then a Luhn check digit.
    static let stock: [(type: String, elements: Int, first: String, last: String)] = [
        ("whole-body", 4, "1000001", "1000060"), ("finger", 1, "2000001", "2000020"), ("neutron", 4, "3000001", "3000010"),
        ("shoulder", 4, "4000001", "4000010"),
    ]

    func path(_ name: String) -> String { out.hasSuffix("/") ? out + name : out + "/" + name }

    // MARK: Running one command

    /// Prints `$ tld …` and runs the command line in this process, with the demo's database (and key).
    func tld(_ arguments: [String], key: Bool = false) async throws {
        say("\n$ tld " + arguments.map(Self.shellQuoted).joined(separator: " "))
        var full = arguments + ["--database", database]
        if key, let keyFile { full += ["--key-file", keyFile] }
        var command = try TLD.parseAsRoot(full)
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            fflush(nil)
            throw DemoStepFailed(commandLine: "tld " + arguments.joined(separator: " "), underlying: error)
        }
        fflush(nil)
    }

    func say(_ text: String) {
        fflush(nil)
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func shellQuoted(_ word: String) -> String {
        let plain = word.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "-_./=:,+@".unicodeScalars.contains($0) }
        return plain && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The lab's records, read between the steps: the SQLite file or the PostgreSQL database the demo runs on.
    func store() throws -> any LabRecordStore {
        if PostgresURL.isPostgres(database) {
            return try PostgresLabStore.open(url: try PostgresURL(parsing: database), logger: makeLogger(verbose: false))
        }
        return try SQLiteLabStore.open(path: database, logger: makeLogger(verbose: false))
    }

    static func day(_ text: String) -> CalendarDay { (try? CalendarDay(parsing: text)) ?? CalendarDay(daysSinceEpoch: 0) }

    // MARK: The day

    func run() async throws {
        try await setUpTheLab()
        for day in Self.dispatchesBeforeReturn { try await dispatch(on: day) }
        try await takeInTheReturn()
        try await inspectOnArrival()
        try await readTheReturnedCards()
        if try await reviewAndRelease() == false { return }
        try await tld(["results", "--customer", Self.customer, "--from", Self.returnedFrom, "--period-end", Self.returnedPeriodEnd,
                       "--out", path("results")], key: true)
        try await annealZeroAndInspect()
        for day in Self.dispatchesAfterReturn { try await dispatch(on: day) }
        try await tld(["overdue", "--on", Self.reminderDay, "--customer", Self.customer])
        try await tld(["charges", "--on", Self.chargesDay, "--customer", Self.customer])
        // A PostgreSQL URL is named without its password.
        let shown = PostgresURL.isPostgres(database) ? ((try? PostgresURL(parsing: database))?.description ?? "postgres://…") : database
        say("\nThe documents are in \(out)/ (dispatch-*, results/); the database is \(shown).")
    }

    /// Import of the lab's customers, wearers and enrolments; card stock; price lists.
    func setUpTheLab() async throws {
        let importFile = path("lab-import.csv")
        if !FileManager.default.fileExists(atPath: importFile) {
            try Data(DemoImportFile.text.utf8).write(to: URL(fileURLWithPath: importFile), options: .atomic)
        }
        say("== Setting up the lab from \(importFile)")
        try await tld(["import", importFile, "--ordered", Self.ordered], key: true)
        for s in Self.stock {
            guard let first = CardID.make(payload: s.first), let last = CardID.make(payload: s.last) else { continue }
            try await tld(["cards", "add", "--type", s.type, "--elements", "\(s.elements)", "--range", "\(first.rawValue)-\(last.rawValue)"])
        }
        let prices = [("whole-body", "125.00", "450.00"), ("finger", "99.50", "300.00"), ("neutron", "210.00", "900.00"), ("shoulder", "125.00", "450.00")]
        // A price list entry is keyed by type and valid-from day: setting it again changes nothing.
        for (type, card, compensation) in prices {
            try await tld(["prices", "set", "--type", type, "--from", "2026-01-01", "--card", card, "--compensation", compensation])
        }
    }

    func dispatch(on day: String) async throws {
        say("\n== Dispatch of \(day)")
        try await tld(["dispatch", "--on", day, "--out", path("dispatch-\(day)")], key: true)
    }

    /// The customer's envelope: every card of the period but one (missing), another customer's card, a
    /// misread number, a second scan, and a card the customer reports as worn by someone else.
    func takeInTheReturn() async throws {
        let labStore = try store()
        // Every card whose period ended before the envelope arrived (DOMAIN.md §3: all cards come back).
        let arrival = Self.day(Self.arrival)
        let due = try labStore.issues(customerID: Self.customer).filter { $0.periodEnd < arrival }
        let scanFile = path("return-\(Self.customer)-\(Self.arrival).txt")
        if !FileManager.default.fileExists(atPath: scanFile) {
            guard due.count >= 3 else { throw DemoStepFailed(commandLine: "intake", underlying: CommandFailure("the demo's dispatch sent too few cards")) }
            let cards = due.map(\.cardID).sorted()
            let other = try labStore.issues(customerID: "K-1002").first?.cardID ?? "10000982"
            // The second card was worn by another person, whom the customer reports (a made-up ID).
            var lines = ["handover \(cards[1]) Kristensen, Karen 080888-8888"]
            lines += cards.dropLast()          // the last card stays out: missing
            lines.insert(other, at: 2)         // another customer's card: put aside
            lines.insert("10000033", at: 4)    // a misread: the check digit fails
            lines.append(cards[0])             // scanned twice
            lines += ["missing", "done"]
            try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: scanFile), options: .atomic)
        }
        let stillOut = try labStore.outstandingIssues(customerID: Self.customer).filter { $0.periodEnd < arrival }
        let open = try labStore.openReturns().contains { $0.customerID == Self.customer }
        guard stillOut.count == due.count || open else { return }
        say("\n== Intake: the envelope of \(Self.customer) arrives on \(Self.arrival) (scans in \(scanFile))")
        do {
            try await tld(["intake", "--customer", Self.customer, "--arrived", Self.arrival, "--input", scanFile], key: true)
        } catch let failed as DemoStepFailed where failed.underlying is IntakeRefusedLines {
            // The envelope holds a foreign card and a misread on purpose: intake says so (exit 65).
            say("(exit 65: \(failed.underlying) — as this envelope intends)")
        }
    }

    /// The card of the envelope that arrives with a cracked pellet: the lowest card number taken in
    /// (chosen from the records, not from the cards' states, so a rerun picks the same card).
    func damagedCard() throws -> String? {
        let arrival = Self.day(Self.arrival)
        return try store().issues(customerID: Self.customer)
            .filter { $0.returnID != nil && $0.periodEnd < arrival }.map(\.cardID).min()
    }

    /// Arrival inspection: one card has a cracked pellet (readout with manual QA), the others are fit.
    func inspectOnArrival() async throws {
        let returned = try store().cards(state: .returned).map(\.id).sorted()
        guard !returned.isEmpty else { return }
        say("\n== Inspection on arrival")
        let damaged = try damagedCard()
        if let damaged, returned.contains(damaged) {
            try await tld(["inspect", damaged, "--stage", "arrival", "--outcome", "manual-qa", "--damage", "cracked-pellet:3",
                           "--remark", "pellet 3 cracked on arrival", "--who", Self.technician])
        }
        let fit = returned.filter { $0 != damaged }
        if !fit.isEmpty {
            try await tld(["inspect"] + fit + ["--stage", "arrival", "--outcome", "fit", "--who", Self.technician])
        }
    }

    /// The returned cards, with the lab's calibration and control dosimeters, on the simulated reader.
    func readTheReturnedCards() async throws {
        let scenario = path("readout-\(Self.readoutDay).json")
        let inspected = try store().cards(state: .inspected)
        guard !inspected.isEmpty else {
            try await tld(["evaluate", "--on", Self.readoutDay])  // a readout killed after its last curve: finish the evaluation
            return
        }
        if let level = reviewLevelMilliSievert {
            // The levels apply to the periods ending from the first day of the returned periods on.
            for customer in ["K-1001", "K-1002", "K-1003"] {
                try await tld(["levels", "set", "--customer", customer, "--review-mSv", "\(level)", "--report-mSv", "10", "--valid-from", Self.returnedFrom])
            }
        }
        say("\n== Readout of the returned cards on the simulated reader")
        if !FileManager.default.fileExists(atPath: scenario) {
            try await tld(["scenario", "--from-returns", "--out", scenario, "--draw", "7"])
        }
        try await tld(["readout", "--simulate", "--scenario", scenario, "--sim-state", path("readout-sim-state.json"),
                       "--speed-ms", String(speedMilliseconds), "--on", Self.readoutDay])
    }

    /// The physicist's review of the flagged doses, then the release. Returns false when the demo stops
    /// for a physicist (`--physicist-reviews`).
    func reviewAndRelease() async throws -> Bool {
        let flagged = try store().dosesNeedingReview()
        if !flagged.isEmpty {
            say("\n== Review")
            try await tld(["review", "--no-curves", "--on", Self.readoutDay], key: true)
            if physicistReviews {
                say("\n\(flagged.count) doses wait for a physicist: run tld review, then tld demo again.")
                return false
            }
            for dose in flagged {
                guard let id = dose.id?.rawValue else { continue }
                try await tld(["review", "--accept", "\(id)", "--who", Self.physicist, "--why", "glow curves inspected: shapes normal",
                               "--on", Self.readoutDay], key: true)
            }
        }
        try await tld(["release", "--who", Self.physicist, "--on", Self.readoutDay])
        return true
    }

    /// Anneal with a background check on the reader (one card keeps a residual signal and is annealed
    /// again), zeroing, and the inspection before reissue (the damaged card is retired).
    func annealZeroAndInspect() async throws {
        let lab: any CardCycleStore = try store()  // read between the steps; each command opens its own connection
        var round = 0
        while try !lab.cards(state: .released).isEmpty && round < 4 {
            round += 1
            say("\n== Anneal, round \(round)")
            var arguments = ["anneal", "--all-released", "--method", "reader", "--simulate", "--work", path("anneal-\(round)")]
            // The damaged card kept a residual signal at its first background check: annealed again.
            if let damaged = try damagedCard(), try lab.cards(state: .released).contains(where: { $0.id == damaged }),
               try lab.annealChecks(cardID: damaged).isEmpty {
                arguments += ["--residual", "\(damaged)=0.5"]
            }
            try await tld(arguments)
        }
        if try !lab.cards(state: .annealed).isEmpty {
            say("\n== Zeroing")
            try await tld(["zero", "--all-annealed"])
        }
        let zeroed = try lab.cards(state: .zeroed).map(\.id).sorted()
        guard !zeroed.isEmpty else { return }
        say("\n== Inspection before reissue")
        let damaged = try zeroed.filter { id in try lab.inspections(cardID: id).contains { $0.outcome == .manualQA } }
        if !damaged.isEmpty {
            try await tld(["inspect"] + damaged + ["--stage", "reissue", "--outcome", "retire", "--damage", "cracked-pellet:3",
                                                   "--remark", "discarded: cracked pellet", "--who", Self.technician])
        }
        let fit = zeroed.filter { !damaged.contains($0) }
        if !fit.isEmpty { try await tld(["inspect"] + fit + ["--stage", "reissue", "--outcome", "fit", "--who", Self.technician]) }
    }
}

/// A demo step that failed: which command line, and why.
struct DemoStepFailed: Error, CustomStringConvertible {
    let commandLine: String
    let underlying: any Error
    var description: String { "the demo stopped at `\(commandLine)`: \(underlying)" }
}
