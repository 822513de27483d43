import ArgumentParser
import Foundation
import LabStore
import LabWorkflow

/// `tld retention report|archive`: how long each person's records are kept, and an archive of them.
struct RetentionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention",
        abstract: "Each person's retention date, and an archive export of their dose records.",
        discussion: """
            A person's monitoring records are kept until they are (or would be) 75 years old, and at \
            least 30 years after their last monitored period (the Czech monitoring programme, §9; \
            docs/dose-records.md). A person without a birth date has no retention date: kept. The \
            database refuses to delete a wearer or an enrolment before the retention date (SQLite \
            triggers), and never deletes issues, doses or assigned doses.

            Examples:
              tld retention report [--on 2027-01-01] [--format csv]
              tld retention archive --out archive/ --past-retention      # the people whose retention date has passed
              tld retention archive --out archive/ --wearer 3
              tld retention archive --out archive/ --enrolment TILM-00000007
            """,
        subcommands: [Report.self, Archive.self])

    static func shown(_ person: PersonRetention, store: any DoseRecordsStore, protector: NationalIDProtector) throws -> String {
        guard let id = person.wearers.first?.id, let w = try store.wearer(id: id) else { return "" }
        return shownNationalID(w, protector: protector)
    }

    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every person with their last period and retention date, earliest first.")
        @Option(help: ArgumentHelp("The day asked about (default today): who is past the retention date.", valueName: "YYYY-MM-DD"))
        var on: CalendarDay?
        @Option(help: "table, csv or json.") var format: ListFormat = .table
        @OptionGroup var store: StoreOptions
        @OptionGroup var key: NationalIDKeyOptions
        @OptionGroup var logging: LoggingOptions

        func run() throws {
            let labStore = try store.openDoseRecords(logger: makeLogger(verbose: logging.verbose))
            let protector = try key.protector(store: labStore, database: store.path)
            let day = on ?? today()
            let people = try labStore.personRetention().sorted {
                ($0.retentionDate?.description ?? "9999", $0.wearers.first?.name ?? "") < ($1.retentionDate?.description ?? "9999", $1.wearers.first?.name ?? "")
            }
            var rows: [[String]] = []
            for p in people {
                let state = p.retentionDate.map { $0 <= day ? "past: may be archived and deleted" : "keep" } ?? "keep: no birth date"
                rows.append([p.wearers.map { $0.name }.first ?? "", try RetentionCommand.shown(p, store: labStore, protector: protector),
                             p.wearers.map { "\($0.id.rawValue)@\($0.customerID)" }.joined(separator: " "), p.birthDate?.description ?? "",
                             "\(p.periods)", p.lastPeriodEnd?.description ?? "", p.retentionDate?.description ?? "", state])
            }
            let listing = RecordListing(columns: ["name", "national_id", "wearers", "birth_date", "periods", "last_period_end", "retention_date", "state"],
                                        rows: rows)
            print(listing.render(format), terminator: "")
            if format == .table {
                print("\(people.count) person(s) on \(day); \(people.filter { ($0.retentionDate ?? day.adding(days: 1)) <= day }.count) past the retention date. "
                      + "Retention: age 75 and at least 30 years after the last period.")
            }
        }
    }

    struct Archive: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write each person's dose record to a JSON file in --out (one file per person).",
            discussion: """
                The file holds the person's names, wearer numbers and customers, the first 4 digits of \
                the national ID, the birth date, every period with its doses, status and assigned-dose \
                details, the yearly and lifetime sums, and the retention date. Files are created with \
                mode 0600 and never written over. Give --past-retention (everyone whose retention date \
                is on or before --on), or one person: --wearer, --national-id or --enrolment.
                """)
        @Option(help: ArgumentHelp("Folder for the archive files (created if missing).", valueName: "dir")) var out: String
        @Flag(help: "Everyone whose retention date is on or before --on.") var pastRetention = false
        /// One person, chosen as in every command about one person (tld history): same options, help and errors.
        @OptionGroup var person: PersonOptions
        @Option(help: ArgumentHelp("The day of the archive (default today).", valueName: "YYYY-MM-DD")) var on: CalendarDay?
        @OptionGroup var store: StoreOptions
        @OptionGroup var key: NationalIDKeyOptions
        @OptionGroup var logging: LoggingOptions

        func validate() throws {
            if pastRetention == person.isGiven {
                throw ValidationError("Give --past-retention or one person (--wearer, --national-id or --enrolment).")
            }
        }

        func run() throws {
            let labStore = try store.openDoseRecords(logger: makeLogger(verbose: logging.verbose))
            let protector = try key.protector(store: labStore, database: store.path)
            let day = on ?? today()
            let everyone = try labStore.personRetention()
            var chosen: [PersonRetention]
            if pastRetention {
                chosen = everyone.filter { ($0.retentionDate.map { $0 <= day }) ?? false }
            } else {
                let lookup = Array(try person.lookup(store: labStore, protector: protector).lookup)
                chosen = everyone.filter { $0.lookup == lookup }
                if chosen.isEmpty { throw ToolError.refused("no wearer has this national ID") }
            }
            do { try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true) } catch {
                throw runFailure("cannot create \(out): \(error.localizedDescription)", exit: .cantCreate)
            }
            var written: [String] = []
            for p in chosen {
                let periods = try labStore.doseRecord(nationalIDLookup: Data(p.lookup))
                let first = p.wearers.first?.id.rawValue ?? 0
                let name = "person-\(first).json"
                let path = URL(fileURLWithPath: out).appendingPathComponent(name).path
                let json = Archive.json(p, shown: try RetentionCommand.shown(p, store: labStore, protector: protector), periods: periods, on: day)
                try ExclusiveFile.write(Data(json.utf8), to: path)
                written.append(name)
            }
            print("Archived \(written.count) person(s) to \(out)" + (written.isEmpty ? "." : ": " + written.joined(separator: ", ")))
        }

        struct Record: Encodable {
            var archivedOn: String
            var names: [String]
            var wearers: [String]
            var nationalID: String
            var birthDate: String?
            var lastPeriodEnd: String?
            var retentionDate: String?
            var periods: [History.JSONRecord.Period]
            var yearlyPersonalHp10MilliSievert: [String: Double]
            var lifetimePersonalHp10MilliSievert: Double
        }

        static func json(_ p: PersonRetention, shown: String, periods: [DoseRecordPeriod], on day: CalendarDay) -> String {
            let record = Record(
                archivedOn: day.description, names: Array(Set(p.wearers.map(\.name))).sorted(),
                wearers: p.wearers.map { "\($0.id.rawValue)@\($0.customerID)" }, nationalID: shown, birthDate: p.birthDate?.description,
                lastPeriodEnd: p.lastPeriodEnd?.description, retentionDate: p.retentionDate?.description,
                periods: periods.map(History.jsonPeriod),
                yearlyPersonalHp10MilliSievert: Dictionary(uniqueKeysWithValues: DoseRecordSums.years(periods).compactMap { s in
                    if case let .year(y) = s.window { return ("\(y)", s.personalHp10MilliSievert) }
                    return nil
                }),
                lifetimePersonalHp10MilliSievert: DoseRecordSums.summary(periods, window: .lifetime).personalHp10MilliSievert)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            return (try? encoder.encode(record)).map { String(decoding: $0, as: UTF8.self) + "\n" } ?? "{}\n"
        }
    }
}
