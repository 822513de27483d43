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
            abstract: "Write the stored raw glow curves of a batch or a card as CSV or as a Risø BINX file.",
            discussion: """
                CSV: one row per channel (batch, card, element, read_at, channel, time_s, temperature_C, \
                counts), the reader's measured temperatures. BINX (version 8, read by R Luminescence's \
                read_BIN2R and the Risø Analyst): one TL record per element; SAMPLE is the card, \
                POSITION the element; a BINX TL record has only a start and end temperature, so the \
                measured per-channel temperatures are kept by the CSV only (docs/binx.md).

                Examples:
                  tld curves export --batch MAG-0001 --format binx --out batch.binx
                  tld curves export --card 10000032 --format csv --out card.csv
                  tld glow fit batch.binx --record 3
                """)

        @Option(help: "The batch: its group ID or number.")
        var batch: String?

        @Option(help: "The card ID (every batch it was read in).")
        var card: String?

        @Option(help: "csv or binx.")
        var format: CurveFormat = .csv

        @Option(help: "The file to write.")
        var out: String

        @OptionGroup var store: StoreOptions
        @OptionGroup var logging: LoggingOptions

        enum CurveFormat: String, ExpressibleByArgument, CaseIterable { case csv, binx }

        func validate() throws {
            guard (batch == nil) != (card == nil) else { throw ValidationError("give exactly one of --batch and --card") }
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
            let labStore = try store.openExisting(logger: makeLogger(verbose: logging.verbose))
            let selection: CurveExport.Selection = batch.map { .batch($0) } ?? .card(card ?? "")
            let curves: [CurveExport.Curve]
            do { curves = try CurveExport(store: labStore).curves(selection) } catch let e as WorkflowError {
                throw GlowCommandFailure("\(e)", exitCode: 65)
            }
            guard !curves.isEmpty else {
                throw GlowCommandFailure("no stored curves for \(batch.map { "batch \($0)" } ?? "card \(card ?? "")")", exitCode: 65)
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
