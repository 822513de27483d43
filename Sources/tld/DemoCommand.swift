import ArgumentParser
import Foundation
import LabReports
import LabStore
import LabWorkflow
import Logging
import TLSimulator

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a whole lab cycle on the simulated reader: intake, inspection, readout, review, anneal, zeroing, reissue.",
        discussion: """
            A customer's envelope comes back with one card missing, one damaged and one belonging to \
            another customer. The demo takes it in at the bench, inspects the cards, reads them on the \
            simulated TL reader (a pseudo-terminal, as a real USB-serial reader), evaluates and reviews \
            the doses, anneals the cards and checks them at background level (one needs a second \
            anneal), zeroes them, inspects them again (the damaged one is retired), reissues cards for \
            the next period, and writes the packing slip and the result list to --out.

            Every step is kept in the database as it happens. If the demo is interrupted at any moment \
            (even kill -9), run the same command again: it goes on from where it stopped, and no reading \
            is lost, no card is zeroed or reissued before its dose is released.
            """)

    @Option(help: ArgumentHelp("Folder for the packing slip, the result list and the simulator's files.", valueName: "dir"))
    var out: String = "tld-demo"

    @Option(help: ArgumentHelp("Wall-clock milliseconds per element read on the simulator.", valueName: "ms"))
    var speedMs: Double = 0

    @Option(help: ArgumentHelp("Hp(10) a card may show after annealing and still count as at background, mSv.", valueName: "mSv"))
    var backgroundLevel: Double = 0.1

    @Option(help: ArgumentHelp("Hp(10) above which a dose goes to review, mSv.", valueName: "mSv"))
    var reviewLevel: Double = 1.0

    @Flag(help: "Leave the flagged doses to a physicist (tld review) instead of accepting them; run the demo again afterwards to finish their cards.")
    var physicistReviews = false

    @OptionGroup var store: StoreOptions
    @OptionGroup var key: NationalIDKeyOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = makeLogger(verbose: logging.verbose)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let lock = try WriterLock.acquire(for: store.path, holder: "tld demo")
        defer { lock.release() }
        let labStore = try store.openOrCreate(logger: logger)
        // Before anything is written: a missing, unreadable or wrong key stops the demo here.
        let protector = try key.protector(store: labStore, database: store.path)
        func file(_ name: String) -> String { URL(fileURLWithPath: out).appendingPathComponent(name).path }

        // 1. The lab's records and the first shipment.
        try DemoLab.seed(labStore, protector: protector)

        // 2. Intake of the returned envelope.
        let (scans, handover) = try DemoLab.scans(labStore)
        // Cards of the returned period still out (the script's cards only: Berg's stays missing).
        let pending = try labStore.outstandingIssues(customerID: DemoLab.customer)
            .filter { $0.periodEnd <= DemoLab.day("2026-10-31") && scans.contains($0.cardID) }
        let openReturn = try labStore.openReturns().contains { $0.customerID == DemoLab.customer }
        if !pending.isEmpty || openReturn {
            print("== Intake: return of \(DemoLab.customer), arrived \(DemoLab.arrival)")
            var station = try IntakeStation.open(store: labStore, customerID: DemoLab.customer, arrivedOn: DemoLab.arrival, logger: logger)
            if let h = handover { station.reportHandover(cardID: h.card, to: h.name, nationalID: try protector.protect(h.nationalID)) }
            for code in scans {
                let outcome = try station.scan(code)
                print("  \(outcome.cue == .success ? "OK   " : outcome.cue == .warning ? "WARN " : "ERROR") \(outcome.message)")
            }
            for m in try station.missingCards() { print("  missing: card \(m.cardID), period \(m.periodStart)–\(m.periodEnd)") }
            _ = try station.close()
        }

        // 3. Inspection on arrival.
        let damaged = try DemoLab.damagedCard(labStore)
        for card in try labStore.cards(state: .returned) {
            let isDamaged = card.id == damaged
            _ = try labStore.saveInspection(CardInspection(
                cardID: card.id, issueID: nil, stage: .arrival, outcome: isDamaged ? .manualQA : .fit,
                damages: isDamaged ? [Damage(.crackedPellet, element: 3)] : [],
                remark: isDamaged ? "pellet 3 cracked on arrival" : "", inspectedBy: "demo technician", inspectedAt: Date()))
            print("== Inspection: card \(card.id) \(isDamaged ? "damaged (cracked pellet 3): readout with manual QA" : "fit for readout")")
        }

        // 4. Readout of the magazine on the simulated reader.
        let toRead = try labStore.cards(state: .inspected).map(\.id)
        if !toRead.isEmpty {
            let scenarioPath = file("readout-scenario.json")
            try SimulatedReadout.writeOnce(DemoLab.readoutScenario(cards: toRead), to: scenarioPath)
            let scenario = try Scenario.load(path: scenarioPath)
            print("== Readout: \(scenario.cards.count) cards on the simulated reader (\(toRead.count) returned, 5 calibration/control)")
            let batch = try await SimulatedReadout.run(
                scenarioPath: scenarioPath, statePath: file("readout-sim-state.json"),
                manifest: SimulatedShipment.manifest(of: scenario, now: Date()), groupID: DemoLab.readoutGroup,
                store: labStore, logger: logger, evaluate: true, speedMilliseconds: speedMs)
            if let id = batch.id { try labStore.markCardsRead(batch: id) }
        }

        // 5. Review: the policy sends high and damaged cards to the physicist, who accepts them here.
        let review = DoseReview(store: labStore, reviewLevelMilliSievert: reviewLevel, logger: logger)
        if let batch = try labStore.batches().last(where: { $0.groupID == DemoLab.readoutGroup }), let id = batch.id {
            try review.applyPolicy(batch: id)
            let flagged = try labStore.dosesNeedingReview().filter { $0.batchID == id }
            if physicistReviews && !flagged.isEmpty {
                print("== Review: \(flagged.count) doses wait for a physicist: run tld review")
            }
            for d in flagged where !physicistReviews {
                guard let doseID = d.id else { continue }
                _ = try review.accept(doseID: doseID, who: "demo physicist", why: "glow curves inspected: shapes normal")
                print("== Review: card \(d.cardID) (\(d.flags.isEmpty ? "review policy" : d.flags.joined(separator: ","))) accepted")
            }
            try review.releaseUnflagged(batch: id)
            let released = try labStore.markReleasedCards()
            if !released.isEmpty { print("== Released: \(released.count) cards") }
        }

        // 6. Anneal and background check, again for a card still above background.
        let checker = AnnealCheckEvaluator(evaluator: BatchEvaluator(store: labStore, logger: logger))
        for round in 1...4 {
            let group = "AC\(round)-DEMO"
            if try labStore.annealRecords().contains(where: { $0.profile.hasSuffix(group) }) { continue }
            let released = try labStore.cards(state: .released).map(\.id)
            guard !released.isEmpty else { break }
            let scenarioPath = file("anneal-check-\(round).json")
            try SimulatedReadout.writeOnce(DemoLab.annealCheckScenario(cards: released, round: round), to: scenarioPath)
            let scenario = try Scenario.load(path: scenarioPath)
            let started = Date()
            let batch = try await SimulatedReadout.run(
                scenarioPath: scenarioPath, statePath: file("anneal-check-\(round)-sim-state.json"),
                manifest: SimulatedShipment.manifest(of: scenario, now: Date()), groupID: group,
                store: labStore, logger: logger, evaluate: false, speedMilliseconds: speedMs)
            guard let batchID = batch.id else { continue }
            let residuals = try checker.residuals(batchID: batchID).filter { released.contains($0.key) }
            let profile = batch.timeTemperatureProfile
            let checks = try labStore.recordAnneal(
                AnnealRecord(method: .reader, profile: "reader anneal \(profile.annealCelsius) °C \(profile.annealSeconds) s; check batch \(group)",
                             startedAt: started, endedAt: Date()),
                residuals: residuals, backgroundLevelMilliSievert: backgroundLevel)
            for c in checks {
                print("== Anneal check \(round): card \(c.cardID) reads \(String(format: "%.3f", c.residualHp10MilliSievert)) mSv: "
                      + (c.passed ? "at background" : "ABOVE background \(backgroundLevel) mSv, anneal again"))
            }
        }

        // 7. Zeroing, inspection before reissue.
        let annealed = try labStore.cards(state: .annealed).map(\.id)
        if !annealed.isEmpty {
            try labStore.zeroCards(annealed)
            print("== Zeroed: \(annealed.count) cards")
        }
        for card in try labStore.cards(state: .zeroed) {
            let retire = card.id == damaged
            _ = try labStore.saveInspection(CardInspection(
                cardID: card.id, issueID: nil, stage: .beforeReissue, outcome: retire ? .retire : .fit,
                damages: retire ? [Damage(.crackedPellet, element: 3)] : [], remark: retire ? "discarded: cracked pellet" : "",
                inspectedBy: "demo technician", inspectedAt: Date()))
            print("== Inspection before reissue: card \(card.id) \(retire ? "retired" : "fit")")
        }

        // 8. Reissue for the next period, and the documents.
        let reissue = Reissue(store: labStore, logger: logger)
        let (shipment, plan) = try reissue.run(customerID: DemoLab.customer, dispatchDay: DemoLab.reissueDay)
        if shipment != nil { print("== Reissue: \(plan.requests.count) cards for the next period") }
        if !plan.shortOfCards.isEmpty { print("== Reissue: no card in stock for \(plan.shortOfCards.joined(separator: ", "))") }
        let documents = ReportBuilder(store: labStore, protector: protector)
        guard let latest = try labStore.shipments(customerID: DemoLab.customer).last(where: { $0.dispatchedOn == DemoLab.reissueDay }) else {
            throw ValidationError("no reissue shipment: not enough cards?")
        }
        let slip = try documents.packingSlip(shipment: latest)
        let results = try documents.resultList(customerID: DemoLab.customer, from: DemoLab.day("2026-10-01"),
                                               to: DemoLab.day("2026-10-31"), today: DemoLab.reissueDay)
        let files: [(String, String)] = [
            ("packing-slip-\(DemoLab.customer).txt", slip.text()), ("packing-slip-\(DemoLab.customer).html", slip.html()),
            ("results-\(DemoLab.customer).txt", results.text()), ("results-\(DemoLab.customer).html", results.html()),
            ("results-\(DemoLab.customer).csv", results.csv()),
        ]
        for (name, text) in files { try Data(text.utf8).write(to: URL(fileURLWithPath: file(name)), options: .atomic) }
        for (name, text) in [("packing-slip-\(DemoLab.customer).pdf", slip.text()), ("results-\(DemoLab.customer).pdf", results.text())] {
            try Data(TextPDF.render(text)).write(to: URL(fileURLWithPath: file(name)), options: .atomic)
        }
        print("\n" + slip.text())
        print(results.text())
        print("Written to \(out): " + files.map(\.0).joined(separator: ", ") + ", and the slip and the list as PDF")
        print("Database: \(store.path)")
    }
}
