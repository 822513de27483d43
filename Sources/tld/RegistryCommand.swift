import ArgumentParser
import Foundation
import LabStore
import LabWorkflow

/// `tld registry export|validate|log`: the report to the national dose registry.
struct RegistryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registry",
        abstract: "Export doses to the national dose registry, validate an export file, list the export log.",
        discussion: """
            The file format is docs/registry-export.md: CSV with a header (counts and totals), one DAT \
            record per person and period (the full national ID — the one place the lab reveals it — \
            name, birth date, customer, period, dosimeter type, Hp(10), Hp(0.07), detection limit, \
            status MEASURED, BELOW_DL, ASSIGNED, NOT_RETURNED or NO_RESULT) and a trailer. A record \
            once exported is not exported again; a period whose result changed (a late card read, a \
            corrected or assigned dose) goes out as a correction that names the record it replaces.

            Examples:
              tld registry export --from 2027-01-01 --to 2027-03-31 --out registry-2027Q1.csv
              tld registry validate registry-2027Q1.csv
              tld registry validate registry-2027Q1.csv --compare
              tld registry log
            """,
        subcommands: [Export.self, Validate.self, Log.self])

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the records of the periods ending between --from and --to not sent yet (and corrections).",
            discussion: """
                Final results only: measured, below the detection limit, assigned, no valid result, and \
                cards not returned three months after their period. The file is created with mode 0600 \
                and never written over; it holds full national IDs: send it only over the registry's \
                secure channel and delete the copy afterwards. The export log keeps what went out \
                (record numbers, file name, SHA-256), never the IDs. Nothing of the file is logged.
                """)
        @Option(help: ArgumentHelp("First period end included.", valueName: "YYYY-MM-DD")) var from: CalendarDay
        @Option(help: ArgumentHelp("Last period end included.", valueName: "YYYY-MM-DD")) var to: CalendarDay
        @Option(help: ArgumentHelp("The file to create (never overwritten).", valueName: "file")) var out: String
        @Option(help: ArgumentHelp("The day of the export (default today): decides which unreturned cards count as lost.", valueName: "YYYY-MM-DD"))
        var on: CalendarDay?
        @OptionGroup var store: StoreOptions
        @OptionGroup var key: NationalIDKeyOptions
        @OptionGroup var logging: LoggingOptions

        func validate() throws {
            if from > to { throw ValidationError("--from \(from) is after --to \(to).") }
        }

        func run() throws {
            let labStore = try store.openDoseRecords(logger: makeLogger(verbose: logging.verbose))
            let protector = try key.protector(store: labStore, database: store.path)
            if FileManager.default.fileExists(atPath: out) {
                throw runFailure("\(out) already exists: an export file is never written over", exit: .cantCreate)
            }
            let created = ISO8601DateFormatter().string(from: Date())
            var wrote = false
            let outcome: RegistryExport.Outcome?
            do {
                outcome = try RegistryExport(store: labStore, protector: protector).run(
                    from: from, to: to, on: on ?? today(), createdAt: created, fileName: (out as NSString).lastPathComponent
                ) { data in
                    try ExclusiveFile.write(data, to: out)
                    wrote = true
                }
            } catch {
                // Not in the log, so not sent: the file goes too.
                if wrote { unlink(out) }
                throw error
            }
            guard let outcome else {
                print("Nothing to export: every final result of the periods ending \(from)–\(to) has been sent.")
                return
            }
            print("Registry export \(outcome.entry.id): \(outcome.entry.recordCount) record(s) (\(outcome.originals) new, "
                  + "\(outcome.corrections) correction(s)) written to \(out), SHA-256 \(outcome.entry.sha256).")
        }
    }

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check an export file against docs/registry-export.md (exit 65 and every problem, by line, if it fails).",
            discussion: """
                With --compare the file is also read back against the lab's database: every record must be \
                one the export log holds for that export (number, person by the national ID's look-up \
                hash, original or correction) and every field must be what the person's dose record \
                gives for that period today (doses at the file's 4 decimals). A record changed since \
                and corrected by a later export counts as superseded. Problems never quote an ID, a \
                name or a dose.

                Examples:
                  tld registry validate registry-2027Q1.csv
                  tld registry validate registry-2027Q1.csv --compare --database lab.sqlite
                """)
        @Argument(help: "The export file.") var file: String
        @Flag(help: "Read the records back against the lab's database, field by field.") var compare = false
        @OptionGroup var store: StoreOptions
        @OptionGroup var key: NationalIDKeyOptions
        @OptionGroup var logging: LoggingOptions

        func run() throws {
            let text: String
            do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
                throw runFailure("cannot read \(file): \(error.localizedDescription)", exit: .noInput)
            }
            switch RegistryFile.parse(text) {
            case let .success((header, records)):
                let corrections = records.filter { $0.corrects != nil }.count
                print("\(file): valid \(RegistryFile.formatName) version \(RegistryFile.formatVersion), export \(header.exportNumber), "
                      + "periods ending \(header.from)–\(header.to): \(records.count) record(s), \(corrections) correction(s).")
                guard compare else { return }
                let labStore = try store.openDoseRecords(logger: makeLogger(verbose: logging.verbose))
                let protector = try key.protector(store: labStore, database: store.path)
                let outcome = try RegistryReimport(store: labStore, protector: protector).compare(header: header, records: records)
                for p in outcome.problems { FileHandle.standardError.write(Data("\(file): \(p)\n".utf8)) }
                guard outcome.problems.isEmpty else {
                    throw runFailure("\(file) does not match the lab's records (\(outcome.problems.count) problem(s))", exit: .dataError)
                }
                print("\(file): the same records as the lab's: \(outcome.matched) record(s) identical field by field"
                      + (outcome.superseded > 0 ? ", \(outcome.superseded) superseded by a later correction." : "."))
            case let .failure(list):
                for p in list.problems { FileHandle.standardError.write(Data("\(file): \(p)\n".utf8)) }
                throw runFailure("\(file) is not a valid registry export (\(list.problems.count) problem(s))", exit: .dataError)
            }
        }
    }

    struct Log: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the registry exports: what went out when.")
        @Option(help: "table, csv or json.") var format: ListFormat = .table
        @OptionGroup var store: StoreOptions
        @OptionGroup var logging: LoggingOptions

        func run() throws {
            let labStore = try store.openDoseRecords(logger: makeLogger(verbose: logging.verbose))
            let listing = RecordListing(
                columns: ["export", "created", "from", "to", "file", "records", "sha256"],
                rows: try labStore.registryExports().map {
                    ["\($0.id)", ISO8601DateFormatter().string(from: $0.createdAt), $0.from.description, $0.to.description, $0.fileName,
                     "\($0.recordCount)", $0.sha256]
                })
            print(listing.render(format), terminator: "")
        }
    }
}

/// Creates a file that must not exist yet (`O_CREAT | O_EXCL`, mode 0600), writes it and fsyncs it.
enum ExclusiveFile {
    struct Failed: Error, CustomStringConvertible, ExitStatusProviding {
        let description: String
        var exitStatus: SysExit { .cantCreate }
    }

    static func write(_ data: Data, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failed(description: "cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var written = 0
        let ok = data.withUnsafeBytes { buffer -> Bool in
            guard let base = buffer.baseAddress else { return true }
            while written < buffer.count {
                let n = Foundation.write(fd, base + written, buffer.count - written)
                if n < 0 { if errno == EINTR { continue }; return false }
                written += n
            }
            return true
        }
        guard ok, fsync(fd) == 0 else {
            unlink(path)
            throw Failed(description: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}
