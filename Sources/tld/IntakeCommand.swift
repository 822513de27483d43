import ArgumentParser
import DeviceIO
import Foundation
import Instruments
import LabStore
import LabWorkflow

struct Intake: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Take in a customer's returned cards at the bench: scan each card, see at once whether it belongs.",
        discussion: """
            Reads card numbers from every attached barcode scanner at once and from the lines typed on \
            standard input, as one stream: scanners in USB serial (CDC), HID POS and keyboard mode that \
            `tld devices` lists are used without configuration (a keyboard-mode scanner is taken for this \
            program alone, so its scans never type into the terminal or another window; give its layout \
            with --keyboard-layout), and a scanner plugged in during the return starts working \
            at once; one pulled out is reported (a scan it had half sent is dropped: scan that card again). \
            Answers to a scanner's scans name the scanner. Use --scanner to choose or exclude scanners.

            Each scan is checked (check digit first, then known card, \
            issued to this customer, not scanned already, period ended) and answered with a message and a \
            colour: green taken in, yellow look (returned early, scanned twice), red and a beep: a misread \
            ("misread: scan again" — the number fails its check digit or has a digit too few or too many; \
            the card is very likely this customer's) or put the card aside (not a card of this lab, not \
            issued, another customer's).

            Other lines:
              handover CARD NAME [ID]
                                   the customer reports CARD was worn by NAME (say it before you scan the
                                   card); with the person's national ID (DDMMYY-SSSS) the lab enrols them
              missing              list this customer's cards whose period ended and are not back, with
                                   the wearer's name, enrolment and period
              done                 close the return, list what is missing and print the summary
                                   (taken in, early, late, put aside with owner, misreads)
              help                 this list
            End of input leaves the return open: run the command again to go on.

            Exit status: 0 when every line was taken; 65 when any line was refused (a misread, a card put \
            aside, an unreadable scan, a handover line not noted) — the summary says which; the cards taken \
            in are recorded either way.

            When standard input is not a terminal (a pipe, a file), there is no prompt, colour or beep, \
            and every outcome is one line starting with OK, WARN or ERROR.
            """)

    @Option(help: "Customer number, e.g. K-1001.")
    var customer: String

    @Option(help: ArgumentHelp("Day the envelope arrived, YYYY-MM-DD (default: today).", valueName: "date"))
    var arrived: CalendarDay?

    @Option(help: ArgumentHelp("Read the scans and commands from this file (one per line, e.g. a scanner's log) instead of standard input.", valueName: "file"))
    var input: String?

    @Option(name: .customLong("scanner"), help: ArgumentHelp(
        "Which barcode scanners to read: 'all' (the default), 'none' (typed lines only), a scanner's USB serial number or device path (only it; repeat for more), or 'except:SERIAL' (all but it).",
        valueName: "scanner"))
    var scanners: [ScannerChoice] = []

    @Option(help: ArgumentHelp("The keyboard layout keyboard-mode scanners are set to: us (their factory setting) or dk.", valueName: "layout"))
    var keyboardLayout: KeyboardLayout = .us

    @OptionGroup var store: StoreOptions
    @OptionGroup var key: NationalIDKeyOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = makeLogger(verbose: logging.verbose)
        var fileLines: [String]?
        if let input {
            guard let data = FileManager.default.contents(atPath: input), let text = String(data: data, encoding: .utf8) else {
                throw ToolError.unreadable(path: input, reason: "no such file, or not UTF-8 text")
            }
            var lines = text.components(separatedBy: "\n").map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }
            if lines.last == "" { lines.removeLast() }
            fileLines = lines
        }
        let labStore = try store.openLabRecords(logger: logger)
        guard let c = try labStore.customer(id: customer) else { throw ToolError.refused("no customer \(customer) in \(store.databaseDisplayName) (see tld customer list)") }
        // A handover may enrol a person: the key is checked before anything is written.
        let protector = try key.protector(store: labStore, database: store.path)
        var station = try IntakeStation.open(store: labStore, customerID: customer, arrivedOn: arrived ?? today(), logger: logger)
        let bench = BenchOutput(interactive: input == nil && isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1)
        bench.say("Return #\(station.customerReturn.id?.rawValue ?? 0) of \(bench.echo(c.id)) \(bench.echo(c.name)), arrived \(station.customerReturn.arrivedOn). Scan cards; 'help' for commands.")
        let inputs = BenchInputs(lines: fileLines)
        let hub = await inputs.startScanners(ScannerChoice.selection(scanners), keyboardLayout: keyboardLayout, logger: logger)
        var refused = 0
        func finish(_ headline: String) async throws {
            await hub?.stop()
            bench.say(headline)
            bench.listMissing(try station.missingList())
            bench.summary(station.tally)
            if refused > 0 { throw IntakeRefusedLines(count: refused) }
        }
        bench.prompt()
        input: for await next in inputs.stream {
            let line: String
            switch next {
            case .endOfTyping:
                break input
            case let .scanner(.typed(text, _)):
                // Typed at a person's speed on a keyboard-mode device: a line like any typed one.
                bench.interrupt()
                line = text
            case let .scanner(event):
                bench.interrupt()
                switch event {
                case let .scan(.card(id), source):
                    let outcome = try station.scan(id.rawValue)
                    bench.show(outcome.cue, outcome.message, from: source)
                    if outcome.cue == .error { refused += 1 }
                case let .scan(.rejected(raw, reason), source):
                    // A number that fails its check digit is judged by the station (misread); other
                    // rejections (product codes, web addresses, noise) are bad reads of this scanner.
                    if case .notACardID = reason {
                        // The raw code is shown with its AIM identifier (`]C0…`), if the scanner sent one.
                        let code = raw.hasPrefix("]") && raw.count > 3 ? String(raw.dropFirst(3)) : raw
                        let outcome = try station.scan(code)
                        bench.show(outcome.cue, outcome.message, from: source)
                        if outcome.cue == .error { refused += 1 }
                    } else {
                        let outcome = try station.refuse(code: raw, message: reason.description)
                        bench.show(outcome.cue, reason.description, from: source)
                        refused += 1
                    }
                case let .connected(source):
                    bench.say("Scanner ready: \(bench.echo(source.description)) \(bench.echo(source.path ?? ""))")
                case let .disconnected(source, reason):
                    bench.show(.warning, "\(source) \(reason): a scan it had half sent is dropped — scan that card again")
                case let .unusable(source, reason):
                    bench.show(.warning, "\(source) cannot be read: \(reason)")
                case .typed:
                    break
                }
                bench.prompt()
                continue
            case let .typed(typed):
                line = typed
            }
            var closing = false
            defer { if !closing { bench.prompt() } }
            let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            switch words.first?.lowercased() {
            case nil:
                continue
            case "help", "?":
                bench.say("scan a card number | handover CARD NAME | missing | done")
            case "missing":
                bench.listMissing(try station.missingList())
            case "handover":
                let handover: HandoverLine
                do { handover = try HandoverLine.parse(Array(words.dropFirst())) } catch {
                    bench.show(.error, error.description)
                    refused += 1
                    continue
                }
                let sealed = try handover.nationalID.map { try protector.protect($0) }
                // The birth date the ID carries, as for every other wearer (tld wearer add, tld import).
                let born = try handover.nationalID.flatMap { NationalIDBirthDate.birthDate(cprDigits: try NationalIDProtector.digits(of: $0)) }
                station.reportHandover(cardID: handover.cardID, to: handover.name, nationalID: sealed, birthDate: born)
                bench.show(.warning, "handover of \(handover.cardID) to \(handover.name) noted"
                           + (sealed == nil ? "" : " (will be enrolled)") + ": recorded when the card is scanned")
            case "done":
                closing = true
                _ = try station.close()
                try await finish("Return closed: \(station.accepted.count) cards taken in.")
                return
            default:
                let outcome = try station.scan(line)
                bench.show(outcome.cue, outcome.message)
                if outcome.cue == .error { refused += 1 }
            }
        }
        try await finish("End of input: \(station.accepted.count) cards taken in; the return stays open.")
    }
}

/// The bench's terminal: colour and a bell on a terminal, plain tagged lines otherwise.
struct BenchOutput {
    let interactive: Bool

    func prompt() {
        guard interactive else { return }
        FileHandle.standardOutput.write(Data("scan> ".utf8))
    }

    /// A scanner's answer while the prompt waits for typing: start a fresh line.
    func interrupt() {
        guard interactive else { return }
        FileHandle.standardOutput.write(Data("\r\u{1B}[K".utf8))
    }

    func say(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Text that may hold what was typed or scanned: control characters shown escaped, never sent raw.
    func echo(_ text: String) -> String { ControlCharacters.escaped(text) }

    func show(_ cue: IntakeCue, _ message: String, from source: ScannerHub.Source? = nil) {
        let message = source.map { "\(message) [\($0)]" } ?? message
        let tag: String
        switch cue {
        case .success: tag = interactive ? "\u{1B}[1;32m✓ " : "OK    "
        case .warning: tag = interactive ? "\u{1B}[1;33m! " : "WARN  "
        case .error: tag = interactive ? "\u{07}\u{1B}[1;31m✗ " : "ERROR "
        }
        say(tag + echo(message) + (interactive ? "\u{1B}[0m" : ""))
    }

    func listMissing(_ missing: [IntakeMissingCard]) {
        if missing.isEmpty { say("No cards missing."); return }
        say("Missing (\(missing.count)):")
        for m in missing { say("  " + echo(m.line)) }
    }

    func summary(_ tally: IntakeTally) {
        say("Summary of this session:")
        for line in tally.lines { say("  " + echo(line)) }
    }
}

/// Lines of an intake were refused: exit 65 after the summary, so a script sees that the envelope
/// needs a look (the accepted cards are recorded).
struct IntakeRefusedLines: Error, ExitStatusProviding, CustomStringConvertible {
    let count: Int
    var exitStatus: SysExit { .dataError }
    var description: String { "\(count) line\(count == 1 ? " was" : "s were") refused (misread, put aside or not noted): see the ERROR lines and the summary" }
}

/// One `--scanner` value: all, none, one scanner (serial number or path), or all but one.
enum ScannerChoice: ExpressibleByArgument, Hashable {
    case all
    case none
    case only(String)
    case except(String)

    init?(argument: String) {
        switch argument {
        case "": return nil
        case "all": self = .all
        case "none": self = .none
        default:
            if argument.hasPrefix("except:") {
                let name = String(argument.dropFirst("except:".count))
                guard !name.isEmpty else { return nil }
                self = .except(name)
            } else {
                self = .only(argument)
            }
        }
    }

    /// The bench's selection from all the values given (none given: every scanner).
    static func selection(_ choices: [ScannerChoice]) -> ScannerSelection {
        if choices.contains(.none) { return .none }
        let only = choices.compactMap { if case let .only(name) = $0 { name } else { nil } }
        let excluded = choices.compactMap { if case let .except(name) = $0 { name } else { nil } }
        return ScannerSelection(all: only.isEmpty || choices.contains(.all), only: only, excluded: excluded)
    }
}

extension KeyboardLayout: ExpressibleByArgument {}
