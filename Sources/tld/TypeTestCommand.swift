import ArgumentParser
import Dosimetry
import Foundation
import LabReports
import LabStore
import LabStoreSQLite
import LabWorkflow
import Logging
import SimulatedFacility
import TLSimulator

/// `tld typetest`: irradiate cards in the simulator's reference fields, read and evaluate them blind
/// with the lab's workflow, and judge every result against the trumpet curve.
struct TypeTest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "typetest",
        abstract: "Type test of the dosimetry system against the trumpet curve (simulated reference fields).",
        discussion: """
            The simulated irradiation facility irradiates cards in the reference fields — X-ray \
            N-40 to N-150, W-60 and W-80, ¹³⁷Cs and ⁶⁰Co gamma, ⁹⁰Sr/⁹⁰Y and ⁸⁵Kr beta — at 0° and 60°, \
            at conventional true doses from 0.1 mSv to 1 Sv, together with the lab's S-Cs calibration \
            dosimeters and control cards. The lab reads the magazine over its driver (in process, no \
            pty) and evaluates it blind. Each photon result (Hp(10), Hp(0.07)) and each beta Hp(0.07) \
            is judged against (1/F)(1 − 2H₀/(H₀ + H)) ≤ Hm/H ≤ F(1 + H₀/(2H₀ + H)).

            Writes typetest.txt (the table, also printed) and typetest.svg (the plot) to --output. \
            Exits with status 1 when a result falls outside the curve.
            """)

    @Option(help: ArgumentHelp("Conventional true doses per field, mSv, comma-separated.", valueName: "list"))
    var doses: String = "0.1,1,10,100,1000"

    @Option(help: "Cards per field and dose.")
    var cardsPerPoint: Int = 1

    @Option(help: ArgumentHelp("H₀, the lower limit of the dose range, mSv.", valueName: "mSv"))
    var h0: Double = 0.085

    @Option(help: "F of the trumpet curve.")
    var factor: Double = 1.5

    @Option(help: ArgumentHelp("Directory for typetest.txt and typetest.svg.", valueName: "dir"))
    var output: String = "."

    @Option(help: "Seed of the simulated irradiation and reader.")
    var seed: UInt64 = 4037

    @Option(help: ArgumentHelp("Keep the type test's readings and doses in this SQLite file (default: in memory).", valueName: "path"))
    var database: String?

    @Flag(help: "Also print the mean element readings per field (the characterization behind the algorithm's response table).")
    var characterize = false

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        try PostgresUnsupported.refuseFileOption(database, command: "typetest")
        let logger = makeLogger(verbose: logging.verbose)
        let doseList = doses.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !doseList.isEmpty, doseList.allSatisfy({ $0 > 0 && $0 <= 10_000 }) else {
            throw ValidationError("--doses must list doses between 0 and 10 000 mSv")
        }
        let scenario = try TypeTestIrradiation.scenario(
            fields: TypeTestIrradiation.referenceFields, dosesMilliSievert: doseList, cardsPerPoint: cardsPerPoint, seed: seed)
        let store: any DoseStore = try database.map { path throws(LabStoreError) in try SQLiteLabStore.open(path: path, logger: logger) }
            ?? SQLiteLabStore.inMemory(logger: logger)
        let test = LabWorkflow.TypeTest(curve: TrumpetCurve(factor: factor, lowerDoseLimit: MilliSievert(h0)), logger: logger)
        note("type test: \(scenario.cards.count) cards (\(TypeTestIrradiation.referenceFields.count) fields × \(doseList.count) doses × \(cardsPerPoint))")
        let bar = ProgressBar()
        let outcome = try await test.run(
            reader: SimulatedFacility.reader(scenario), cards: SimulatedFacility.cards(scenario), store: store, progress: bar.update)
        bar.finish()

        let table = TypeTestReport.table(outcome)
        print(table, terminator: "")
        if characterize {
            print("\nCharacterization (mean S-Cs-calibrated element reading per unit stated dose):")
            for c in TypeTestReport.characterization(outcome) { print(c.line) }
        }
        let dir = URL(fileURLWithPath: output, isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data(table.utf8).write(to: dir.appendingPathComponent("typetest.txt"))
        try Data(TrumpetPlot.svg(outcome.judgements, curve: outcome.curve).utf8).write(to: dir.appendingPathComponent("typetest.svg"))
        note("wrote \(dir.appendingPathComponent("typetest.txt").path) and \(dir.appendingPathComponent("typetest.svg").path)")
        if !outcome.passes { throw ExitCode(1) }
    }
}
