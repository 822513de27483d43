import ArgumentParser
import DeviceIO
import Foundation
import Instruments
import LabReports
import LabStore
import LabStoreSQLite
import LabWorkflow
import Logging
import TLSimulator

struct Readout: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read a magazine of returned TL cards, store every glow curve, and report the doses.",
        discussion: """
            Each element's raw glow curve is stored durably (SQLite, committed) before the reader is told \
            to release it. If the run is interrupted (Ctrl-C, a crash, a pulled cable), run the same \
            command again: it resumes the open batch of that reader, fetches a curve the reader still \
            holds, records an element whose heating was cut off as lost, and reads no card twice.

            With --simulate, a simulated TL reader is started on a pseudo-terminal and the driver talks \
            to it over that device exactly as over a real USB-serial port. The true doses of the \
            simulated shipment stay in its scenario file (see --scenario), so results can be compared.

            If the reader is disconnected during the batch (cable pulled, adapter reset), tld waits for \
            it to come back (--reconnect-timeout), by the same path or, for a USB reader, by its serial \
            number under whatever device node it gets, and resumes the batch. A reader fault (jam, door \
            open, heater or high-voltage fault) stops the batch: fix the reader, then run the same command \
            with --clear-faults.

            If the lab's database becomes unavailable during the batch (PostgreSQL stopped, restarting or \
            unreachable; SQLite locked by another program), the element in hand is not released: the reader \
            keeps its curve. tld says so once ("database unavailable …, the curve of card X element N is held \
            by the reader"), tries the database again with a growing pause (0.25 s doubling up to 5 s) for up \
            to --database-retry-seconds, says when it is back, and goes on with the same batch: the held curve \
            is stored, and only then released. If the database does not come back in time, the readout stops \
            (exit 75) with the batch open: run the same command again to resume.

            The batch's reader calibration comes from the calibration dosimeters read in it; without \
            them, the latest stored calibration of the same reader is used.

            One readout at a time per database and per simulator state file: a second one stops at once \
            with "in use by process N" (exit 75) and changes nothing. A device that does not answer the \
            first HELLO stops at once (exit 69); a manifest with an invalid value is refused before any \
            batch is opened (exit 65).

            Returned cards are attributed to the issues they were worn on (card, wearer, period) from the \
            lab's records, with their last anneal from the lab's anneal records: no manifest is needed for \
            them (calibration and control dosimeters still come from --manifest or the scenario). A card \
            the lab does not expect (not on an open issue that was returned or inspected) is read and \
            stored, and its dose is held for review with the reason "unexpected card". Every dose goes \
            through the customer's review policy (tld levels). The batch is evaluated when every card has \
            a dose or a recorded reason why not; if the run is interrupted after reading, the next run \
            (or tld evaluate) finishes the evaluation. With --simulate --scenario FILE from \
            `tld scenario --from-returns`, a day's returns are read on the simulator.

            With --database postgres://user@host/db (or TLD_DATABASE=postgres://…), the curves go to a \
            PostgreSQL database that several benches write into at once (one open batch per reader, \
            enforced by the database; a curve is committed with synchronous_commit on before the reader \
            releases it). The batch is evaluated there as on SQLite, with the cards attributed from the \
            lab's records, and its doses checked against the monitoring levels (tld cases). The \
            simulator's state file defaults to ./tld-sim-state.json there.
            """)

    @Flag(help: "Start the simulated reader on a pseudo-terminal and read its magazine.")
    var simulate = false

    @Option(help: ArgumentHelp("Serial device of a real reader (e.g. /dev/ttyUSB0 or /dev/tl-lab/reader-SERIAL).", valueName: "path"))
    var device: String?

    @Option(help: ArgumentHelp("With --simulate: scenario file of the simulated shipment (default: the built-in example of 50 cards).", valueName: "file"))
    var scenario: String?

    @Option(help: ArgumentHelp("With --simulate: where the simulated reader keeps its magazine state (default: tld-sim-state.json beside the database).", valueName: "file"))
    var simState: String?

    @Flag(help: "With --simulate: put a new copy of the shipment in the simulated magazine (forgets which cards were read).")
    var newShipment = false

    @Option(help: ArgumentHelp("With --simulate: wall-clock milliseconds per element read (default from the scenario).", valueName: "ms"))
    var speedMs: Double?

    @Option(help: ArgumentHelp("With --device: JSON list of the cards expected (role, anneal date, delivered dose of calibration dosimeters).", valueName: "file"))
    var manifest: String?

    @Option(help: ArgumentHelp("Group ID of a new batch, at most 16 characters (default: B + date and time).", valueName: "id"))
    var groupID: String?

    @Option(help: ArgumentHelp("How long to wait for a disconnected reader to come back before stopping (0 = stop at once).", valueName: "seconds"))
    var reconnectTimeout: Double = 180

    @Option(help: ArgumentHelp("How long to wait for the lab's database to come back when it becomes unavailable mid-batch, holding the reader's curve (0 = stop at once, exit 75).", valueName: "seconds"))
    var databaseRetrySeconds: Double = 300

    @Flag(help: "The operator has fixed a reader fault (jam, door, heater, high voltage): clear the reader's latched fault events and continue the batch.")
    var clearFaults = false

    @Option(help: "Result format: table, csv or json.")
    var format: DoseTableFormat = .table

    @OptionGroup var labDay: LabDayOptions
    @OptionGroup var store: StoreOptions
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if simulate == (device != nil) { throw ValidationError("Give exactly one of --simulate or --device PATH.") }
        if !simulate && (scenario != nil || simState != nil || newShipment || speedMs != nil) {
            throw ValidationError("--scenario, --sim-state, --new-shipment and --speed-ms go with --simulate.")
        }
        if let g = groupID, g.isEmpty || g.count > 16 { throw ValidationError("--group-id must be 1 to 16 characters.") }
        if !(reconnectTimeout >= 0 && reconnectTimeout.isFinite) { throw ValidationError("--reconnect-timeout must be 0 or more seconds.") }
        if !(databaseRetrySeconds >= 0 && databaseRetrySeconds.isFinite) { throw ValidationError("--database-retry-seconds must be 0 or more seconds.") }
    }

    func run() async throws {
        let logger = makeLogger(verbose: logging.verbose)
        // The simulated readout and a readout with a manifest bring their own list of cards (make run
        // on a fresh machine); a real reader without one reads into the lab's existing database.
        let creates = simulate || manifest != nil
        let onPostgres = store.isPostgres
        if !creates, !onPostgres, !FileManager.default.fileExists(atPath: store.path) { throw ToolError.noDatabase(path: store.path) }
        // One writer per SQLite database and per simulator state file (exit 75 when another run has
        // them). On PostgreSQL several benches write at once: the database keeps one open batch per reader.
        let lock = onPostgres ? nil : try WriterLock.acquire(for: store.path, holder: "tld readout")
        defer { lock?.release() }
        var stateLock: WriterLock?
        defer { stateLock?.release() }
        let databaseName = onPostgres ? try store.postgresURL().description : store.path
        // The readout and evaluation roles: the whole lab store on SQLite, PostgreSQL's roles there.
        let labStore: any EvaluationStore = onPostgres ? try store.openPostgres(logger: logger)
            : try creates ? store.openOrCreate(logger: logger) : store.openExisting(logger: logger)
        var job = ReadoutJob(store: labStore, logger: logger)
        // The evaluation's level checks date their cases on the lab day (--on); the readings keep the clock.
        job.evaluator = BatchEvaluator(store: labStore, logger: logger, now: labDay.clock)
        var server: PtyReaderServer?
        defer { server?.stop() }

        let devicePath: String
        let opener: ResilientReadout.Opener
        var shipment: [ShipmentCard] = []
        if simulate {
            let sc: Scenario
            do { sc = try scenario.map { path throws(ScenarioError) in try Scenario.load(path: path) } ?? Scenario.builtin() } catch {
                throw CommandFailure("scenario \(scenario ?? "builtin"): \(error)", status: .dataError)
            }
            let statePath = simState ?? (onPostgres ? "tld-sim-state.json" : URL(fileURLWithPath: store.path).deletingLastPathComponent()
                .appendingPathComponent("tld-sim-state.json").path)
            stateLock = try WriterLock.acquire(for: statePath, holder: "tld readout")
            if newShipment { try? FileManager.default.removeItem(atPath: statePath) }
            let pace: ReaderEngine.Pace = speedMs.map { .elementMilliseconds($0) } ?? .scenario
            let srv = PtyReaderServer(engine: try ReaderEngine(scenario: sc, statePath: statePath, pace: pace))
            devicePath = try srv.start()
            server = srv
            opener = Self.simulatorOpener(srv)
            shipment = SimulatedShipment.manifest(of: sc, now: Date())
            note("simulated TL reader \(sc.reader.model) #\(sc.reader.serial) on \(devicePath) (state: \(statePath))")
        } else {
            devicePath = device ?? ""
            opener = .serialDevice(path: devicePath, logger: logger)
            if let manifest { shipment = try ManifestFile.load(path: manifest) }
        }

        let bar = ProgressBar()
        let readout = ResilientReadout(
            job: job, opener: opener,
            policy: .init(reconnectTimeout: .milliseconds(Int64((reconnectTimeout * 1000).rounded())), clearFaultsAtStart: clearFaults,
                          databaseRetryTimeout: .milliseconds(Int64((databaseRetrySeconds * 1000).rounded()))),
            logger: logger)
        let result: ReadoutJob.Result
        let tally: RunTally?
        do {
            let run = try await readout.run(manifest: shipment, groupID: groupID, progress: bar.update, notify: { notice in
                bar.finish()
                note(notice.description)
            })
            (result, tally) = (run.result, run.tally)
            bar.finish()
        } catch let error as SerialError where !simulate {
            bar.finish()
            throw CommandFailure("cannot open the reader at \(devicePath): \(error)", status: ExitStatus.status(of: error))
        } catch let error as ResilientReadoutError where error.isNoAnswer {
            bar.finish()
            throw error  // nothing was opened: no "resume" hint (exit 69)
        } catch let error as ManifestValidation.Problem {
            bar.finish()
            throw error  // refused before any batch was opened (exit 65)
        } catch {
            bar.finish()
            throw ReadoutFailed(reason: "\(error)", database: databaseName,
                                hint: ReaderRecovery(error).faultEvents != nil ? "fix the reader, then run the same command with --clear-faults to resume."
                                    : "run the same command again to resume.")
        }

        switch result {
        case let .nothingToRead(identity, lastBatch):
            guard let last = lastBatch, let id = last.id else {
                note("The reader \(identity.model) #\(identity.serial) has no card to read.")
                return
            }
            note("The reader #\(identity.serial) has no card to read; its last batch \(last.groupID) is complete.")
            if simulate { note("(Run with --new-shipment to load the simulated shipment again.) Results of \(last.groupID):") }
            try ReadoutEvaluationReport.show(labStore, batch: id, logger: logger)
            print(DoseTable.render(try ResultRows.rows(store: labStore, batch: id), as: format), terminator: "")
        case let .read(outcome):
            let s = outcome.summary
            // The whole run, across reconnects and database outages (the job's own summary and its
            // `resumed` cover the last segment only: after an outage that segment always "resumes").
            let t = tally ?? RunTally(cardIDs: s.cardIDs, elementsStored: s.elementsStored, elementsLost: s.elementsLost, elementsBefore: outcome.elementsBefore)
            if tally.map({ $0.elementsBefore > 0 }) ?? outcome.resumed {
                var msg = "Resumed batch \(outcome.batch.groupID): \(t.elementsBefore) element readings were already stored"
                if tally == nil, let card = s.resumedCardID { msg += "; continued card \(card), which was still in the reader" }
                note(msg + " before this run.")
            }
            note("Batch \(outcome.batch.groupID): \(t.cardIDs.count) cards read in this run, \(t.elementsStored) elements stored, "
                 + "\(t.elementsLost) lost; link: \(outcome.link.retransmissions) retransmissions, \(outcome.link.damagedFrames) damaged frames. "
                 + "Database: \(databaseName)")
            guard let id = outcome.batch.id else { return }
            try ReadoutEvaluationReport.show(labStore, batch: id, logger: logger)
            print(DoseTable.render(try ResultRows.rows(store: labStore, batch: id), as: format), terminator: "")
        }
    }
}

extension DoseTableFormat: ExpressibleByArgument {}

extension Readout: PostgresGate.Supported {}

struct ReadoutFailed: Error, CustomStringConvertible {
    let reason: String
    let database: String
    var hint = "run the same command again to resume."
    var description: String {
        "readout stopped: \(reason)\nEvery element stored so far is safe in \(database); \(hint)"
    }
}

extension Readout {
    /// The simulator's current pseudo-terminal (it changes when an `unplug` fault re-plugs the reader).
    static func simulatorOpener(_ server: PtyReaderServer) -> ResilientReadout.Opener {
        ResilientReadout.Opener { _ in
            guard let path = server.devicePath else { throw SerialError.notFound(path: "the simulated reader's pty (unplugged)") }
            return try await SerialPortTransport.open(path: path)
        }
    }

}

func makeLogger(verbose: Bool) -> Logger {
    var logger = Logger(label: "tld") { label in StreamLogHandler.standardError(label: label) }
    logger.logLevel = verbose ? .debug : .warning
    return logger
}
