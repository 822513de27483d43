import ArgumentParser
import Foundation
import LabStore
import LabWorkflow

/// `tld curves export`: stored raw glow curves out of the database.
struct CurvesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "curves", abstract: "Stored raw glow curves.", subcommands: [Export.self])

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the stored raw glow curves of a batch, a card or a wear period as CSV or as a Risø BINX file.",
            discussion: """
                CSV: one row per channel (batch, card, element, read_at, channel, time_s, temperature_C, \
                counts), the reader's measured temperatures. BINX (version 8, read by R Luminescence's \
                read_BIN2R and the Risø Analyst): one TL record per element; SAMPLE is the card, \
                POSITION the element; a BINX TL record has only a start and end temperature, so the \
                measured per-channel temperatures are kept by the CSV only (docs/binx.md).

                --period-from/--period-to: the cards of the issues whose wear period ends in that range \
                (inclusive; the day a period counts on the dose record and result list), each read in the \
                batch that read it for that issue. The lab's calibration and control dosimeters belong to \
                no period (export their batch).

                Examples:
                  tld curves export --batch MAG-0001 --format binx --out batch.binx
                  tld curves export --card 10000032 --format csv --out card.csv
                  tld curves export --period-from 2027-01-01 --period-to 2027-01-31 --format binx --out january.binx
                  tld glow fit batch.binx --record 3
                """)

        @Option(help: "The batch: its group ID or number.")
        var batch: String?

        @Option(help: "The card ID (every batch it was read in).")
        var card: String?

        @Option(help: ArgumentHelp("First day of the range the wear periods end in (YYYY-MM-DD).", valueName: "day"))
        var periodFrom: CalendarDay?

        @Option(help: ArgumentHelp("Last day of the range the wear periods end in (YYYY-MM-DD; default: --period-from).", valueName: "day"))
        var periodTo: CalendarDay?

        @Option(help: "csv or binx.")
        var format: CurveFormat = .csv

        @Option(help: "The file to write.")
        var out: String

        @OptionGroup var store: StoreOptions
        @OptionGroup var logging: LoggingOptions

        enum CurveFormat: String, ExpressibleByArgument, CaseIterable { case csv, binx }

        func validate() throws {
            let given = [batch != nil, card != nil, periodFrom != nil].filter { $0 }.count
            if periodTo != nil && periodFrom == nil { throw ValidationError("--period-to goes with --period-from") }
            guard given == 1 else { throw ValidationError("give exactly one of --batch, --card and --period-from") }
            if let from = periodFrom, let to = periodTo, to < from {
                throw ValidationError("--period-to \(to) is before --period-from \(from)")
            }
        }

        func run() throws {
            do {
                try export()
            } catch let failure as GlowCommandFailure {
                FileHandle.standardError.write(Data("tld curves export: \(failure.message)\n".utf8))
                throw ExitCode(failure.exitCode)
            }
        }

        func export() throws {
            let labStore = try store.openLabRecords(logger: makeLogger(verbose: logging.verbose))
            let selection: CurveExport.Selection
            let what: String
            if let batch {
                (selection, what) = (.batch(batch), "batch \(batch)")
            } else if let from = periodFrom {
                let to = periodTo ?? from
                (selection, what) = (.period(from: from, through: to), "wear periods ending \(from) to \(to)")
            } else {
                (selection, what) = (.card(card ?? ""), "card \(card ?? "")")
            }
            let curves: [CurveExport.Curve]
            do { curves = try CurveExport(store: labStore).curves(selection) } catch let e as WorkflowError {
                throw GlowCommandFailure("\(e)", exitCode: 65)
            }
            guard !curves.isEmpty else {
                throw GlowCommandFailure("no stored curves for \(what)", exitCode: 65)
            }
            let data: Data
            switch format {
            case .csv: data = Data(CurveExport.csv(curves).utf8)
            case .binx: data = Data(try CurveExport.binx(curves))
            }
            do { try data.write(to: URL(fileURLWithPath: out), options: .atomic) } catch {
                throw GlowCommandFailure("cannot write \(out): \(error.localizedDescription)", exitCode: 73)
            }
            print("\(curves.count) curves written to \(out) (\(format.rawValue))")
        }
    }
}
