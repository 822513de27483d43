import ArgumentParser
import Dosimetry
import Foundation
import LabStore
import LabWorkflow
import TLSimulator

struct ScenarioFromReturns: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenario",
        abstract: "Write a simulator scenario of the returned cards waiting for readout.",
        discussion: """
            With --from-returns, writes a scenario file (simulators/scenarios/README.md, format 1) for \
            the simulated reader: every card the lab has taken in and not read yet (returned or \
            inspected, on an open issue), each with its days since anneal from the lab's anneal records, \
            plus the lab's calibration dosimeters (irradiated to a known dose in S-Cs) and control \
            dosimeters. Then `tld readout --simulate --scenario FILE --new-shipment` reads them as the \
            lab's returned cards, so a whole day at the lab runs on the simulator.

            The true doses are given (--dose-mSv, the same for every worn card) or drawn (--draw SEED, \
            reproducible: mostly background-level doses, a few higher ones). They stay in the scenario \
            file, for comparison only: the readout never sees them.

            The calibration and control dosimeters are those of the lab's last batch manifest that had \
            them, or of --manifest FILE (the readout manifest format), else a standard set of three \
            calibration dosimeters (2 mSv S-Cs) and two controls.

            Example: tld scenario --from-returns --out day.json --draw 7
            """)

    @Flag(help: "Make the scenario from the open returns (the only source so far).")
    var fromReturns = false

    @Option(help: ArgumentHelp("Scenario file to write.", valueName: "file"))
    var out: String

    @Option(name: .customLong("dose-mSv"), help: ArgumentHelp("True Hp(10) and Hp(0.07) of every worn card, mSv.", valueName: "mSv"))
    var dose: Double?

    @Option(help: ArgumentHelp("Draw the true doses from this seed (default 1).", valueName: "seed"))
    var draw: UInt64?

    @Option(help: ArgumentHelp("Calibration and control dosimeters: JSON manifest (as tld readout --manifest).", valueName: "file"))
    var manifest: String?

    @Option(help: ArgumentHelp("Serial number of the simulated reader.", valueName: "serial"))
    var readerSerial: String = "TL00042"

    @OptionGroup var store: StoreOptions
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if !fromReturns { throw ValidationError("Give --from-returns (the scenario is made from the open returns).") }
        if dose != nil && draw != nil { throw ValidationError("Give --dose-mSv or --draw, not both.") }
    }

    func run() throws {
        if let dose, !(dose.isFinite && dose >= 0 && dose <= 10_000) {
            throw runFailure("--dose-mSv \(dose) is not a dose from 0 to 10000 mSv", exit: SysExit.dataError)
        }
        let labStore = try store.openEvaluation(logger: makeLogger(verbose: logging.verbose))
        let returned = try labStore.expectedCards()
        guard !returned.isEmpty else {
            throw runFailure("no returned card waits for readout (take returns in with tld intake first)", exit: SysExit.dataError)
        }
        let now = Date()
        func days(since date: Date?) -> Double { min(3650, max(1, Days(from: date ?? now, to: now).value.rounded())) }
        var rng = SplitMix64(seed: draw ?? 1)
        var cards: [ScenarioCard] = []
        for e in returned {
            let h = dose ?? rng.drawnDose()
            cards.append(ScenarioCard(id: e.cardID, role: .worker, hp10MilliSievert: h, hp007MilliSievert: h, quality: "S-Cs",
                                      daysSinceAnneal: days(since: ReturnedCards.annealDate(e, given: nil))))
        }
        let longest = cards.map(\.daysSinceAnneal).max() ?? 90
        var labCards: [ShipmentCard]
        var source: String
        if let manifest {
            do { labCards = try ManifestFile.load(path: manifest).filter { $0.role != .worker } } catch {
                throw runFailure("\(error)", exit: SysExit.dataError)
            }
            source = manifest
        } else if let last = try labStore.batches().reversed().first(where: { b in
            guard let id = b.id else { return false }
            return try labStore.manifest(batch: id).contains { $0.role == .calibration }
        }), let id = last.id {
            labCards = try labStore.manifest(batch: id).filter { $0.role != .worker }.map {
                ShipmentCard(cardID: $0.cardID, role: $0.role, annealedAt: nil, deliveredHp10MilliSievert: $0.deliveredHp10MilliSievert,
                             deliveredHp007MilliSievert: $0.deliveredHp007MilliSievert, referenceField: $0.referenceField)
            }
            source = "the manifest of batch \(last.groupID)"
        } else {
            labCards = ["90000019", "90000027", "90000035"].map {
                ShipmentCard(cardID: $0, role: .calibration, annealedAt: nil, deliveredHp10MilliSievert: 2, deliveredHp007MilliSievert: 2, referenceField: "S-Cs")
            } + ["80000011", "80000029"].map { ShipmentCard(cardID: $0, role: .control, annealedAt: nil) }
            source = "the standard set"
        }
        var lab: [ScenarioCard] = []
        for c in labCards where !returned.contains(where: { $0.cardID == c.cardID }) {
            switch c.role {
            case .calibration:
                // Calibration dosimeters follow the 8 + 8-day protocol (docs/dose-algorithm.md section 4).
                lab.append(ScenarioCard(id: c.cardID, role: .calibration, hp10MilliSievert: c.deliveredHp10MilliSievert ?? 2,
                                        hp007MilliSievert: c.deliveredHp007MilliSievert ?? 2, quality: c.referenceField ?? "S-Cs",
                                        daysSinceAnneal: c.annealedAt.map { days(since: $0) } ?? 16))
            case .control:
                lab.append(ScenarioCard(id: c.cardID, role: .control, hp10MilliSievert: 0, hp007MilliSievert: 0, quality: "S-Cs",
                                        daysSinceAnneal: c.annealedAt.map { days(since: $0) } ?? longest))
            case .worker: break
            }
        }
        let scenario = Scenario(
            seed: draw ?? 1, reader: ReaderDescription(model: "TLR-6600S", serial: readerSerial, firmware: "1.4.2"),
            elementMilliseconds: 0, storageCelsius: 20, backgroundNanoSievertPerHour: 80, cards: lab + cards)
        do { try scenario.validate() } catch { throw runFailure("the scenario would not be valid: \(error)", exit: SysExit.dataError) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do { try encoder.encode(scenario).write(to: URL(fileURLWithPath: out), options: .atomic) } catch {
            throw runFailure("cannot write \(out): \(error.localizedDescription)", exit: SysExit.cantCreate)
        }
        print("Scenario \(out): \(cards.count) returned card(s), \(lab.filter { $0.role == .calibration }.count) calibration and "
              + "\(lab.filter { $0.role == .control }.count) control dosimeter(s) (from \(source)); "
              + (dose.map { "true dose \($0) mSv each" } ?? "true doses drawn with seed \(draw ?? 1)") + ".")
        print("Read it with: tld readout --simulate --scenario \(out) --new-shipment")
    }
}
