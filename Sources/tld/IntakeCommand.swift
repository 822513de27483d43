import ArgumentParser
import Foundation
import LabStore
import LabWorkflow

struct Intake: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Take in a customer's returned cards at the bench: scan each card, see at once whether it belongs.",
        discussion: """
            Reads one line per scan from standard input: a keyboard-wedge barcode scanner types the card \
            number and Enter, or type it yourself. Each scan is checked (known card, issued to this customer, \
            not scanned already, period ended) and answered with a message and a colour: green taken in, \
            yellow look (returned early, scanned twice), red and a beep: put the card aside (unknown, not \
            issued, another customer's).

            Other lines:
              handover CARD NAME [ID]
                                   the customer reports CARD was worn by NAME (say it before you scan the
                                   card); with the person's national ID (DDMMYY-SSSS) the lab enrols them
              missing              list this customer's cards whose period ended and are not back
              done                 close the return and list what is missing
              help                 this list
            End of input leaves the return open: run the command again to go on.

            When standard input is not a terminal (a pipe, a file), there is no prompt, colour or beep, \
            and every outcome is one line starting with OK, WARN or ERROR.
            """)

    @Option(help: "Customer number, e.g. K-1001.")
    var customer: String

    @Option(help: ArgumentHelp("Day the envelope arrived, YYYY-MM-DD (default: today).", valueName: "date"))
    var arrived: CalendarDay?

    @Option(help: ArgumentHelp("Read the scans and commands from this file (one per line, e.g. a scanner's log) instead of standard input.", valueName: "file"))
    var input: String?

    @OptionGroup var store: StoreOptions
    @OptionGroup var key: NationalIDKeyOptions
    @OptionGroup var logging: LoggingOptions

    func run() throws {
        let logger = makeLogger(verbose: logging.verbose)
        var fileLines: IndexingIterator<[String]>?
        if let input {
            guard let data = FileManager.default.contents(atPath: input), let text = String(data: data, encoding: .utf8) else {
                throw ToolError.unreadable(path: input, reason: "no such file, or not UTF-8 text")
            }
            var lines = text.components(separatedBy: "\n").map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }
            if lines.last == "" { lines.removeLast() }
            fileLines = lines.makeIterator()
        }
        func nextLine() -> String? {
            if fileLines != nil { return fileLines?.next() }
            return readLine(strippingNewline: true)
        }
        let labStore = try store.openExisting(logger: logger)
        guard let c = try labStore.customer(id: customer) else { throw ToolError.refused("no customer \(customer) in \(store.path) (see tld customer list)") }
        // A handover may enrol a person: the key is checked before anything is written.
        let protector = try key.protector(store: labStore, database: store.path)
        var station = try IntakeStation.open(store: labStore, customerID: customer, arrivedOn: arrived ?? today(), logger: logger)
        let bench = BenchOutput(interactive: input == nil && isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1)
        bench.say("Return #\(station.customerReturn.id?.rawValue ?? 0) of \(bench.echo(c.id)) \(bench.echo(c.name)), arrived \(station.customerReturn.arrivedOn). Scan cards; 'help' for commands.")
        while true {
            bench.prompt()
            guard let line = nextLine() else { break }
            let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            switch words.first?.lowercased() {
            case nil:
                continue
            case "help", "?":
                bench.say("scan a card number | handover CARD NAME | missing | done")
            case "missing":
                try bench.listMissing(station.missingCards())
            case "handover":
                let handover: HandoverLine
                do { handover = try HandoverLine.parse(Array(words.dropFirst())) } catch {
                    bench.show(.error, error.description)
                    continue
                }
                let sealed = try handover.nationalID.map { try protector.protect($0) }
                // The birth date the ID carries, as for every other wearer (tld wearer add, tld import).
                let born = try handover.nationalID.flatMap { NationalIDBirthDate.birthDate(cprDigits: try NationalIDProtector.digits(of: $0)) }
                station.reportHandover(cardID: handover.cardID, to: handover.name, nationalID: sealed, birthDate: born)
                bench.show(.warning, "handover of \(handover.cardID) to \(handover.name) noted"
                           + (sealed == nil ? "" : " (will be enrolled)") + ": recorded when the card is scanned")
            case "done":
                _ = try station.close()
                bench.say("Return closed: \(station.accepted.count) cards taken in.")
                try bench.listMissing(station.missingCards())
                return
            default:
                let outcome = try station.scan(line)
                bench.show(outcome.cue, outcome.message)
            }
        }
        bench.say("End of input: \(station.accepted.count) cards taken in; the return stays open.")
        try bench.listMissing(station.missingCards())
    }
}

/// The bench's terminal: colour and a bell on a terminal, plain tagged lines otherwise.
struct BenchOutput {
    let interactive: Bool

    func prompt() {
        guard interactive else { return }
        FileHandle.standardOutput.write(Data("scan> ".utf8))
    }

    func say(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Text that may hold what was typed or scanned: control characters shown escaped, never sent raw.
    func echo(_ text: String) -> String { ControlCharacters.escaped(text) }

    func show(_ cue: IntakeCue, _ message: String) {
        let tag: String
        switch cue {
        case .success: tag = interactive ? "\u{1B}[1;32m✓ " : "OK    "
        case .warning: tag = interactive ? "\u{1B}[1;33m! " : "WARN  "
        case .error: tag = interactive ? "\u{07}\u{1B}[1;31m✗ " : "ERROR "
        }
        say(tag + echo(message) + (interactive ? "\u{1B}[0m" : ""))
    }

    func listMissing(_ issues: [CardIssue]) {
        if issues.isEmpty { say("No cards missing."); return }
        say("Missing (\(issues.count)):")
        for i in issues { say("  card \(i.cardID)  period \(i.periodStart)–\(i.periodEnd)") }
    }
}
