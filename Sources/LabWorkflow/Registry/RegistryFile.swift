import Foundation
import LabReports
import LabStore

/// The registry export file (docs/registry-export.md): RFC 4180 CSV, UTF-8, CRLF, one record type per
/// line in the first field, modelled on the published registry formats (ANRDR's HDR/DAT records, the
/// NRC's header + one dose record per person and period, corrections that reference the record they
/// replace; ../shared/notes/registry-formats.md):
///
/// ```
/// HDR,TLD-REGISTRY,1,<export number>,<created UTC>,<from>,<to>,<records>,<sum hp10>,<sum hp007>
/// DAT,<record>,<O|C>,<corrects>,<national ID 10 digits>,<name>,<birth date>,<customer>,<company ID>,
///     <period start>,<period end>,<dosimeter type>,<hp10 mSv>,<hp007 mSv>,<detection limit mSv>,<status>,<assigned method>
/// TRL,<records>
/// ```
/// Pure: writes and reads text; the one place the full national ID is written.
public enum RegistryFile {
    public static let formatName = "TLD-REGISTRY"
    public static let formatVersion = 1

    /// Status codes (``DoseRecordStatus`` as the registry gets it).
    public enum Status: String, Sendable, Hashable, CaseIterable {
        case measured = "MEASURED"
        case belowDetectionLimit = "BELOW_DL"
        case assigned = "ASSIGNED"
        case notReturned = "NOT_RETURNED"
        case noValidResult = "NO_RESULT"

        public init?(_ status: DoseRecordStatus) {
            switch status {
            case .measured: self = .measured
            case .belowDetectionLimit: self = .belowDetectionLimit
            case .assigned: self = .assigned
            case .notReturned: self = .notReturned
            case .noValidResult: self = .noValidResult
            case .handedOver, .pending: return nil
            }
        }
    }

    public struct Header: Sendable, Hashable {
        public var exportNumber: Int64
        public var createdAt: String
        public var from: CalendarDay
        public var to: CalendarDay
        public init(exportNumber: Int64, createdAt: String, from: CalendarDay, to: CalendarDay) {
            self.exportNumber = exportNumber
            self.createdAt = createdAt
            self.from = from
            self.to = to
        }
    }

    public struct Record: Sendable, Hashable {
        public var recordID: Int64
        /// nil for an original record; the record this one corrects otherwise.
        public var corrects: Int64?
        /// The 10 digits.
        public var nationalID: String
        public var name: String
        public var birthDate: CalendarDay?
        public var customer: String
        public var companyID: String
        public var periodStart: CalendarDay
        public var periodEnd: CalendarDay
        public var dosimeterType: DosimeterType
        public var hp10MilliSievert: Double?
        public var hp007MilliSievert: Double?
        public var detectionLimitMilliSievert: Double?
        public var status: Status
        /// `colleague` or `notional` for an assigned dose.
        public var assignedMethod: String

        public init(recordID: Int64, corrects: Int64?, nationalID: String, name: String, birthDate: CalendarDay?, customer: String,
                    companyID: String, periodStart: CalendarDay, periodEnd: CalendarDay, dosimeterType: DosimeterType,
                    hp10MilliSievert: Double?, hp007MilliSievert: Double?, detectionLimitMilliSievert: Double?, status: Status,
                    assignedMethod: String) {
            self.recordID = recordID
            self.corrects = corrects
            self.nationalID = nationalID
            self.name = name
            self.birthDate = birthDate
            self.customer = customer
            self.companyID = companyID
            self.periodStart = periodStart
            self.periodEnd = periodEnd
            self.dosimeterType = dosimeterType
            self.hp10MilliSievert = hp10MilliSievert
            self.hp007MilliSievert = hp007MilliSievert
            self.detectionLimitMilliSievert = detectionLimitMilliSievert
            self.status = status
            self.assignedMethod = assignedMethod
        }
    }

    static let typeCodes: [DosimeterType: String] = [.wholeBody: "WB", .finger: "EXT", .neutron: "N", .shoulder: "SH"]

    /// A dose with 4 decimals (0.1 µSv), empty without one. Integer arithmetic, not `String(format:)`
    /// (which costs microseconds per call on Linux, and an export writes hundreds of thousands).
    static func mSv(_ v: Double?) -> String {
        guard let v, v.isFinite else { return "" }
        let scaled = Int64((abs(v) * 10_000).rounded())
        let fraction = String(scaled % 10_000)
        return (v < 0 && scaled != 0 ? "-" : "") + String(scaled / 10_000) + "." + String(repeating: "0", count: 4 - fraction.count) + fraction
    }

    static func line(_ fields: [String]) -> String { fields.map(ReportFormatting.csv).joined(separator: ",") + "\r\n" }

    /// Σ Hp(10) and Σ Hp(0.07) as the header gives them: of the values in the file, 4 decimals.
    static func sums(_ records: [Record]) -> (String, String) {
        // Of the values as written (4 decimals), so the receiver's sum of the file is the header's.
        func written(_ v: Double?) -> Double { v.flatMap { Double(mSv($0)) } ?? 0 }
        return (mSv(records.reduce(0) { $0 + written($1.hp10MilliSievert) }), mSv(records.reduce(0) { $0 + written($1.hp007MilliSievert) }))
    }

    public static func render(header: Header, records: [Record]) -> String {
        let (s10, s007) = sums(records)
        var out = line(["HDR", formatName, "\(formatVersion)", "\(header.exportNumber)", header.createdAt, header.from.description,
                        header.to.description, "\(records.count)", s10, s007])
        for r in records {
            out += line(["DAT", "\(r.recordID)", r.corrects == nil ? "O" : "C", r.corrects.map { "\($0)" } ?? "", r.nationalID, r.name,
                         r.birthDate?.description ?? "", r.customer, r.companyID, r.periodStart.description, r.periodEnd.description,
                         typeCodes[r.dosimeterType] ?? "", mSv(r.hp10MilliSievert), mSv(r.hp007MilliSievert),
                         mSv(r.detectionLimitMilliSievert), r.status.rawValue, r.assignedMethod])
        }
        return out + line(["TRL", "\(records.count)"])
    }

    /// One problem of a file: its line and what is wrong. Never quotes a national ID.
    public struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        public var line: Int
        public var reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    /// Reads a file and checks every rule of docs/registry-export.md; the records, or every problem found.
    public static func parse(_ text: String) -> Result<(Header, [Record]), ProblemList> {
        var problems: [Problem] = []
        let rows: [CSVReader.Record]
        do { rows = try CSVReader.records(text: text) } catch {
            return .failure(ProblemList(problems: [Problem(line: error.line, reason: error.reason)]))
        }
        func fail(_ line: Int, _ reason: String) { problems.append(Problem(line: line, reason: reason)) }
        guard let first = rows.first, first.fields.first == "HDR" else {
            return .failure(ProblemList(problems: [Problem(line: 1, reason: "the first line is not the HDR record")]))
        }
        var header = Header(exportNumber: 0, createdAt: "", from: CalendarDay(daysSinceEpoch: 0), to: CalendarDay(daysSinceEpoch: 0))
        var declared = (count: -1, hp10: "", hp007: "")
        let h = first.fields
        if h.count != 10 { fail(first.line, "HDR has \(h.count) fields, not 10") } else {
            if h[1] != formatName || h[2] != "\(formatVersion)" { fail(first.line, "not a \(formatName) version \(formatVersion) file") }
            if let n = Int64(h[3]) { header.exportNumber = n } else { fail(first.line, "export number is not a number") }
            header.createdAt = h[4]
            if let f = try? CalendarDay(parsing: h[5]), let t = try? CalendarDay(parsing: h[6]), f <= t { header.from = f; header.to = t } else {
                fail(first.line, "the period from–to is not two dates in order")
            }
            declared = (Int(h[7]) ?? -1, h[8], h[9])
        }
        var records: [Record] = []
        var ids = Set<Int64>()
        var trailer: CSVReader.Record?
        for row in rows.dropFirst() {
            let f = row.fields
            if trailer != nil { fail(row.line, "a record after the TRL record"); continue }
            switch f.first {
            case "TRL": trailer = row
            case "DAT":
                guard f.count == 17 else { fail(row.line, "DAT has \(f.count) fields, not 17"); continue }
                guard let id = Int64(f[1]), id > 0 else { fail(row.line, "record number is not a positive number"); continue }
                if !ids.insert(id).inserted { fail(row.line, "record \(id) appears twice") }
                var corrects: Int64?
                switch f[2] {
                case "O": if !f[3].isEmpty { fail(row.line, "an original record corrects nothing") }
                case "C":
                    corrects = Int64(f[3])
                    if corrects == nil { fail(row.line, "a correction names the record it corrects") }
                default: fail(row.line, "kind is O or C, not \(f[2].prefix(3))")
                }
                if !NationalIDFormat.isValid(f[4]) || f[4].count != 10 { fail(row.line, "the national ID is not 10 digits with a birth date") }
                if f[5].trimmingCharacters(in: .whitespaces).isEmpty { fail(row.line, "no name") }
                let birth = f[6].isEmpty ? nil : try? CalendarDay(parsing: f[6])
                if !f[6].isEmpty && birth == nil { fail(row.line, "birth date is not YYYY-MM-DD") }
                if f[7].isEmpty { fail(row.line, "no customer") }
                guard let start = try? CalendarDay(parsing: f[9]), let end = try? CalendarDay(parsing: f[10]), start <= end else {
                    fail(row.line, "period start/end are not two dates in order"); continue
                }
                guard let type = typeCodes.first(where: { $0.value == f[11] })?.key else { fail(row.line, "unknown dosimeter type"); continue }
                guard let status = Status(rawValue: f[15]) else { fail(row.line, "unknown status"); continue }
                func value(_ s: String, _ name: String) -> Double? {
                    guard !s.isEmpty else { return nil }
                    guard let v = Double(s), v.isFinite, v >= 0, v <= 10_000 else { fail(row.line, "\(name) is not 0–10000 mSv"); return nil }
                    return v
                }
                let hp10 = value(f[12], "Hp(10)"), hp007 = value(f[13], "Hp(0.07)"), dl = value(f[14], "detection limit")
                switch status {
                case .measured, .assigned:
                    if hp10 == nil && hp007 == nil { fail(row.line, "\(status.rawValue) without a dose") }
                case .belowDetectionLimit:
                    if dl == nil { fail(row.line, "BELOW_DL without the detection limit") }
                case .notReturned, .noValidResult:
                    if hp10 != nil || hp007 != nil { fail(row.line, "\(status.rawValue) with a dose") }
                }
                if type == .finger && hp10 != nil { fail(row.line, "an extremity dosimeter reports Hp(0.07) only") }
                if (status == .assigned) != !f[16].isEmpty || !(f[16].isEmpty || f[16] == "colleague" || f[16] == "notional") {
                    fail(row.line, "the assigned method is given for, and only for, an ASSIGNED dose (colleague or notional)")
                }
                if end < header.from || end > header.to { fail(row.line, "the period does not end within the file's from–to") }
                records.append(Record(recordID: id, corrects: corrects, nationalID: f[4], name: f[5], birthDate: birth, customer: f[7],
                                      companyID: f[8], periodStart: start, periodEnd: end, dosimeterType: type, hp10MilliSievert: hp10,
                                      hp007MilliSievert: hp007, detectionLimitMilliSievert: dl, status: status, assignedMethod: f[16]))
            default:
                fail(row.line, "unknown record type")
            }
        }
        if let trailer {
            if trailer.fields.count != 2 || Int(trailer.fields[1]) != records.count { fail(trailer.line, "TRL count is not the number of DAT records") }
        } else {
            fail((rows.last?.line ?? 0) + 1, "no TRL record: the file is cut short")
        }
        let (s10, s007) = sums(records)
        if declared.count != records.count { fail(first.line, "HDR says \(declared.count) records, the file has \(records.count)") }
        if declared.hp10 != s10 || declared.hp007 != s007 { fail(first.line, "HDR totals \(declared.hp10)/\(declared.hp007) mSv are not the sums \(s10)/\(s007)") }
        return problems.isEmpty ? .success((header, records)) : .failure(ProblemList(problems: problems))
    }

    public struct ProblemList: Error, Sendable, Hashable, CustomStringConvertible {
        public var problems: [Problem]
        public var description: String { problems.map(\.description).joined(separator: "\n") }
    }
}
