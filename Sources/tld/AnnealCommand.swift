import ArgumentParser
import Foundation
import LabStore
import LabStoreSQLite
import LabWorkflow
import TLSimulator

struct AnnealCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anneal",
        abstract: "Record an anneal of released cards and its background check; cards above background are annealed again.",
        discussion: """
            Only cards whose dose is released can be annealed (the database refuses the others). After \
            the anneal (the reader's own cycle, or a batch in the oven) every card is read again at \
            background level: with --simulate on the simulated reader, or from a batch read with \
            tld readout --device … --group GROUP (give --check-batch GROUP; put calibration dosimeters \
            in its manifest). A card whose read-back is at most --background-level mSv is annealed; one \
            above it stays released: anneal it again. Then zero the annealed cards (tld zero) and \
            inspect them before reissue (tld inspect --stage reissue), which returns them to stock.

            Runs on a SQLite file or on PostgreSQL (--database postgres://…).

            Examples:
              tld anneal --all-released --method oven --profile "400 °C 1 h + 100 °C 2 h" --simulate
              tld anneal 10000016 --simulate --residual 10000016=0.5      (a card that kept a signal)
              tld anneal --all-released --method reader --check-batch AC-0427
            """)

    enum Method: String, ExpressibleByArgument, CaseIterable {
        case reader, oven
        var method: AnnealMethod { self == .reader ? .reader : .oven }
    }

    /// `CARD=mSv`: the residual Hp(10) a card keeps in the simulated check.
    struct Residual: ExpressibleByArgument {
        var card: String
        var milliSievert: Double
        init?(argument: String) {
            let parts = argument.split(separator: "=").map(String.init)
            guard parts.count == 2, let v = Double(parts[1]), v.isFinite, v >= 0 else { return nil }
            card = parts[0]
            milliSievert = v
        }
    }

    @Argument(help: ArgumentHelp("Cards to anneal (or --all-released).", valueName: "card"))
    var cards: [String] = []

    @Flag(help: "Every card whose dose is released and that is not annealed yet.")
    var allReleased = false

    @Option(help: "reader (the reader's anneal cycle) or oven (an oven batch).")
    var method: Method = .reader

    @Option(help: ArgumentHelp("The temperature programme (needed for an oven batch), e.g. \"400 °C 1 h + 100 °C 2 h\".", valueName: "text"))
    var profile: String?

    @Option(help: ArgumentHelp("Hp(10) a card may read after the anneal and still count as at background, mSv.", valueName: "mSv"))
    var backgroundLevel: Double = 0.1

    @Flag(help: "Read the background check on the simulated reader.")
    var simulate = false

    @Option(help: ArgumentHelp("With --simulate: a card that keeps a residual signal, CARD=mSv (repeatable).", valueName: "card=mSv"))
    var residual: [Residual] = []

    @Option(help: ArgumentHelp("With --simulate: folder for the simulator's magazine files (default: tld-anneal).", valueName: "dir"))
    var work: String = "tld-anneal"

    @Option(help: ArgumentHelp("The batch group of a background check read with tld readout --device.", valueName: "group"))
    var checkBatch: String?

    @OptionGroup var store: StoreOptions
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard allReleased != !cards.isEmpty else { throw ValidationError("give card numbers or --all-released (not both)") }
        guard simulate != (checkBatch != nil) else { throw ValidationError("give --simulate or --check-batch GROUP for the background check") }
        guard backgroundLevel > 0, backgroundLevel.isFinite else { throw ValidationError("--background-level must be above 0 mSv") }
        if method == .oven && (profile ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("an oven batch needs its --profile, e.g. \"400 °C 1 h + 100 °C 2 h\"")
        }
        if !residual.isEmpty && !simulate { throw ValidationError("--residual is for the simulated check (--simulate)") }
    }

    func run() async throws {
        try await reportingFailures {
            let logger = makeLogger(verbose: logging.verbose)
            let labStore = try store.openEvaluation(logger: logger)
            let ids = allReleased ? try labStore.cards(state: .released).map(\.id) : cards
            guard !ids.isEmpty else { print("No released card waits for an anneal."); return }
            try Self.checkReleased(ids, store: labStore)
            let started = Date()
            let batch: ReadoutBatch
            if simulate {
                batch = try await simulatedCheck(ids, store: labStore)
            } else {
                let group = checkBatch ?? ""
                guard let found = try labStore.batches().last(where: { $0.groupID == group }) else {
                    throw CycleFailure("no readout batch \(group): read the annealed cards with tld readout --device … --group \(group) first",
                                       code: CycleFailure.noInput)
                }
                batch = found
            }
            guard let batchID = batch.id else { throw CycleFailure("the check batch has no id", code: CycleFailure.software) }
            let read = try AnnealCheckEvaluator(evaluator: BatchEvaluator(store: labStore, logger: logger)).residuals(batchID: batchID)
            let residuals = read.filter { ids.contains($0.key) }
            let notRead = ids.filter { read[$0] == nil }
            if !notRead.isEmpty {
                throw CycleFailure("the check batch \(batch.groupID) has no reading of \(notRead.joined(separator: " ")): nothing was recorded")
            }
            let p = batch.timeTemperatureProfile
            let text = profile ?? "reader anneal \(p.annealCelsius) °C \(p.annealSeconds) s"
            let checks = try labStore.recordAnneal(
                AnnealRecord(method: method.method, profile: "\(text); check batch \(batch.groupID)", startedAt: started, endedAt: Date()),
                residuals: residuals, backgroundLevelMilliSievert: backgroundLevel)
            for c in checks {
                print("card \(c.cardID): reads \(String(format: "%.3f", c.residualHp10MilliSievert)) mSv after the anneal: "
                      + (c.passed ? "at background → annealed (next: tld zero)" : "ABOVE the background level \(backgroundLevel) mSv → anneal it again"))
            }
            let again = checks.filter { !$0.passed }.map(\.cardID)
            if !again.isEmpty { print("Anneal again: tld anneal \(again.joined(separator: " ")) …") }
        }
    }

    /// Every card must be released (and not annealed yet); otherwise nothing is annealed.
    static func checkReleased(_ ids: [String], store: any CardCycleStore) throws {
        var problems: [String] = []
        for id in ids {
            guard let card = try store.card(id: id) else { problems.append("card \(id): not in the lab's stock"); continue }
            switch card.state {
            case .released: continue
            case .issued, .returned, .inspected, .read:
                problems.append("card \(id): its dose is not released (state \(card.state.rawValue)); the database refuses to anneal "
                                + "or zero a card before its dose is released: review and release it first")
            case .annealed: problems.append("card \(id): already annealed and at background; zero it with tld zero")
            case .zeroed, .available, .retired: problems.append("card \(id): it is \(card.state.rawValue), there is nothing to anneal")
            }
        }
        guard problems.isEmpty else {
            throw CycleFailure(problems.joined(separator: "\ntld: ") + "\ntld: nothing was annealed")
        }
    }

    /// The background check on the simulated reader: the lab's three calibration dosimeters (2 mSv
    /// from the reference field, so the batch calibrates itself) and the annealed cards, read at once.
    /// Resumable: the check's group and files are named after the anneal's sequence number.
    func simulatedCheck(_ ids: [String], store labStore: any EvaluationStore) async throws -> ReadoutBatch {
        do { try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true) } catch {
            throw CycleFailure("cannot create \(work): \(error.localizedDescription)", code: CycleFailure.cantCreate)
        }
        let group = String(format: "AC-%04d", try labStore.annealRecords().count + 1)
        // The files are named after the anneal and its cards (FNV-1a of the card list), so a stale file
        // of another lab or card set in the same folder is never read for this check.
        let digest = ids.joined(separator: ",").utf8.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01B3 }
        let name = "anneal-check-\(group)-\(String(digest, radix: 16))"
        let scenarioPath = URL(fileURLWithPath: work).appendingPathComponent(name + ".json").path
        let residuals = Dictionary(residual.map { ($0.card, $0.milliSievert) }, uniquingKeysWith: { $1 })
        var list: [ScenarioCard] = ["90000019", "90000027", "90000035"].map {
            ScenarioCard(id: $0, role: .calibration, hp10MilliSievert: 2, hp007MilliSievert: 2, quality: "S-Cs", daysSinceAnneal: 1)
        }
        list += ids.map { id in
            let r = residuals[id] ?? 0
            return ScenarioCard(id: id, role: .worker, hp10MilliSievert: r, hp007MilliSievert: r, quality: "S-Cs", daysSinceAnneal: 0.02)
        }
        let scenario = Scenario(seed: UInt64(20_270_000 + (try labStore.annealRecords().count)),
                                reader: ReaderDescription(model: "TLR-6600S", serial: "TL00042", firmware: "1.4.2"),
                                elementMilliseconds: 0, storageCelsius: 20, backgroundNanoSievertPerHour: 80, cards: list)
        try SimulatedReadout.writeOnce(scenario, to: scenarioPath)
        let written = try Scenario.load(path: scenarioPath)
        print("Background check \(group): \(ids.count) cards on the simulated reader")
        return try await SimulatedReadout.run(
            scenarioPath: scenarioPath, statePath: URL(fileURLWithPath: work).appendingPathComponent(name + "-state.json").path,
            manifest: SimulatedShipment.manifest(of: written, now: Date()), groupID: group,
            store: labStore, logger: makeLogger(verbose: logging.verbose), evaluate: false, speedMilliseconds: 0)
    }
}
