import ArgumentParser
import Dosimetry
import Foundation
import LabStore
import LabWorkflow

extension ElementRole: ExpressibleByArgument {}

/// `tld calibration`: the lab's append-only calibration history — list it, or enter a reader's
/// calibration factor from a certificate or an irradiation by hand. Needs only the ``DoseStore`` role,
/// so it runs on SQLite and PostgreSQL alike.
struct CalibrationCommand: ParsableCommand, PostgresGate.Supported {
    static let configuration = CommandConfiguration(
        commandName: "calibration",
        abstract: "The calibration history: list a reader's calibration factors or a card element's correction, or add a reader factor (SQLite or PostgreSQL).",
        discussion: """
            Calibration values are never changed or deleted (the database refuses it): a new value for \
            the same reader and element role is a new record, and the one in force on a day is the one \
            with the latest valid-from date not after it. `tld evaluate` and `tld readout` store the \
            factors a batch's calibration dosimeters give (docs/dose-algorithm.md) and use the stored \
            ones for a batch without calibration dosimeters.
            """,
        subcommands: [CalibrationList.self, CalibrationAdd.self])
}

struct CalibrationList: ParsableCommand, PostgresGate.Supported {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the calibration history of a reader (--reader) or of one card element's correction coefficient (--card, --element).",
        discussion: """
            Every record, oldest valid-from first, with the one in force on --on DAY (default today) \
            marked `*`. Example: tld calibration list --reader TL00042 --on 2027-01-05
            """)

    @Option(help: ArgumentHelp("The reader's serial number: its calibration factors, counts per mSv by element role.", valueName: "serial"))
    var reader: String?

    @Option(help: ArgumentHelp("A card: its elements' correction coefficients (with --element).", valueName: "card"))
    var card: String?

    @Option(help: ArgumentHelp("The element (1–4) of --card.", valueName: "n"))
    var element: Int?

    @Option(name: .customLong("on"), help: ArgumentHelp("Mark the value in force on this day (default today, UTC).", valueName: "YYYY-MM-DD"))
    var on: CalendarDay?

    @OptionGroup var store: StoreOptions
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        switch (reader, card, element) {
        case (_?, nil, nil): break
        case (nil, _?, let e?): guard (1...4).contains(e) else { throw ValidationError("--element must be 1–4.") }
        default: throw ValidationError("Give --reader SERIAL, or --card CARD with --element N.")
        }
    }

    func run() throws {
        let lab = try store.openLabStore(logger: makeLogger(verbose: logging.verbose))
        // The end of the day: a value valid from that day is in force on it.
        let at = (on ?? today()).startDate.addingTimeInterval(86_400 - 0.001)
        var subjects: [(title: String, kind: CalibrationKind, subject: String)] = []
        if let reader {
            subjects = ElementRole.allCases.map { ("reader \(reader), \($0.rawValue) element", CalibrationKind.countsPerMilliSievert($0), reader) }
        } else if let card, let element {
            subjects = [("card \(card) element \(element), correction coefficient", .elementCorrection,
                         ElementCorrection.recordSubject(card: card, element: element))]
        }
        var found = 0
        for (title, kind, subject) in subjects {
            let history = try lab.calibrations(kind: kind, subject: subject)
            guard !history.isEmpty else { continue }
            found += history.count
            let inForce = try lab.calibration(kind: kind, subject: subject, at: at)?.id
            print("\(title) (\(kind.rawValue)):")
            for record in history {
                let mark = record.id == inForce ? "*" : " "
                let created = record.createdAt.map { " entered \(Self.format($0))" } ?? ""
                print("  \(mark) \(record.value) \(record.unit)  valid from \(Self.format(record.validFrom))  record \(record.id.map { "\($0.rawValue)" } ?? "?")\(created)  \(record.source)")
            }
        }
        let what = reader.map { "reader \($0)" } ?? "card \(card ?? "") element \(element ?? 0)"
        print(found == 0 ? "No calibration records for \(what)." : "\(found) record\(found == 1 ? "" : "s"); * = in force on \((on ?? today()).description).")
    }

    static func format(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }
}

struct CalibrationAdd: ParsableCommand, PostgresGate.Supported {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a reader's calibration factor (counts per mSv for one element role) in force from a day, with its source.",
        discussion: """
            For a reader calibrated outside a batch (a certificate, an irradiation at a secondary \
            standards laboratory): the factor is used for batches read on that reader without \
            calibration dosimeters from --valid-from on, within the calibration's validity \
            (docs/dose-algorithm.md). The record is appended; an earlier one stays in the history. \
            Example: tld calibration add --reader TL00042 --role deep --counts-per-msv 52000 \
            --valid-from 2027-01-04 --source "DFM certificate 2027-0113"
            """)

    @Option(help: ArgumentHelp("The reader's serial number.", valueName: "serial"))
    var reader: String

    @Option(help: ArgumentHelp("The element role the factor is for (\(ElementRole.allCases.map(\.rawValue).joined(separator: ", "))).", valueName: "role"))
    var role: ElementRole

    @Option(name: .customLong("counts-per-msv"), help: ArgumentHelp("The factor: net counts per mSv (positive).", valueName: "x"))
    var countsPerMilliSievert: Double

    @Option(name: .customLong("valid-from"), help: ArgumentHelp("The first day it is in force (UTC).", valueName: "YYYY-MM-DD"))
    var validFrom: CalendarDay

    @Option(help: ArgumentHelp("Where the value comes from (certificate, irradiation record, operator).", valueName: "text"))
    var source: String

    @OptionGroup var store: StoreOptions
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard countsPerMilliSievert.isFinite, countsPerMilliSievert > 0 else { throw ValidationError("--counts-per-msv must be a positive number.") }
        guard !reader.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--reader must not be empty.") }
        guard !source.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--source must say where the value comes from.") }
    }

    func run() throws {
        let lab = try store.openLabStore(logger: makeLogger(verbose: logging.verbose))
        let saved = try lab.saveCalibration(CalibrationRecord(
            kind: .countsPerMilliSievert(role), subject: reader, value: countsPerMilliSievert, unit: "counts/mSv",
            validFrom: validFrom.startDate, source: source))
        print("Added calibration record \(saved.id.map { "\($0.rawValue)" } ?? "?"): reader \(reader), \(role.rawValue) element, "
              + "\(saved.value) counts/mSv, valid from \(validFrom.description).")
    }
}
