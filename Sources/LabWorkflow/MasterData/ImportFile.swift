import Foundation
import LabStore

/// The import file of an existing lab's data (docs/import.md): one row per enrolment, in CSV
/// (``CSVReader``) with exactly the header ``header``.
///
/// Parsing is pure: text in, checked rows or every bad row with its line number and reason out.
/// National IDs stay in clear only inside a ``Row`` on their way to the sealing step; no reason ever
/// quotes one.
public enum ImportFile {
    /// The columns, in order.
    public static let columns = [
        "customer_number", "customer_name", "company_id", "delivery_address", "contact_name", "contact_email",
        "wearer_name", "national_id", "dosimeter_type", "period", "change_day", "start_date", "end_date",
    ]
    public static var header: String { columns.joined(separator: ",") }

    /// One checked row, national ID still in clear (seal it before it goes anywhere).
    public struct Row: Sendable, Hashable {
        public var line: Int
        public var customer: Customer
        public var wearerName: String
        /// The national ID's 10 digits. Never print or log.
        public var nationalIDDigits: String
        public var dosimeterType: DosimeterType
        public var periodLength: PeriodLength
        public var changeDay: Int
        public var startDate: CalendarDay
        public var endDate: CalendarDay?

        /// The enrolment's identity in an import: customer, wearer (by national ID), type, length, start.
        var enrolmentKey: String {
            [customer.id, nationalIDDigits, dosimeterType.rawValue, periodLength.rawValue, startDate.description]
                .joined(separator: "\u{1F}")
        }
    }

    /// Why a line of the file cannot be imported.
    public struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        public var line: Int
        public var reason: String
        public init(line: Int, reason: String) {
            self.line = line
            self.reason = reason
        }
        public var description: String { "line \(line): \(reason)" }
    }

    /// The file's names for the dosimeter types and period lengths.
    public static let typeNames: [String: DosimeterType] = [
        "whole-body": .wholeBody, "finger": .finger, "neutron": .neutron, "shoulder": .shoulder,
    ]
    public static let periodNames: [String: PeriodLength] = ["2w": .twoWeeks, "1m": .oneMonth, "3m": .threeMonths]

    /// The file's name of a type (`whole-body`) and of a period length (`3m`).
    public static func name(of type: DosimeterType) -> String { typeNames.first { $0.value == type }?.key ?? type.rawValue }
    public static func name(of length: PeriodLength) -> String { periodNames.first { $0.value == length }?.key ?? length.rawValue }

    /// Reads and checks a whole file: the rows when every row is good, else every problem found.
    public static func parse(utf8 bytes: [UInt8]) -> Result<[Row], ImportRejected> {
        let records: [CSVReader.Record]
        do { records = try CSVReader.records(utf8: bytes) } catch {
            return .failure(ImportRejected(problems: [Problem(line: error.line, reason: error.reason)]))
        }
        return check(records)
    }

    /// Checks the records of a file (header first).
    public static func check(_ records: [CSVReader.Record]) -> Result<[Row], ImportRejected> {
        guard let head = records.first else {
            return .failure(ImportRejected(problems: [Problem(line: 1, reason: "the file is empty; the first line must be the header \(header)")]))
        }
        guard head.fields.map({ $0.trimmingCharacters(in: .whitespaces) }) == columns else {
            return .failure(ImportRejected(problems: [Problem(line: head.line, reason: "the header must be exactly \(header)")]))
        }
        var rows: [Row] = []
        var problems: [Problem] = []
        var customers: [String: (line: Int, customer: Customer)] = [:]
        var wearers: [String: (line: Int, name: String)] = [:]  // customer + national ID
        var enrolments: [String: Int] = [:]
        for record in records.dropFirst() {
            switch row(record) {
            case let .failure(problem):
                problems.append(problem)
            case let .success(row):
                // The same customer, wearer and enrolment must read the same on every line.
                if let first = customers[row.customer.id], first.customer != row.customer {
                    problems.append(Problem(line: row.line, reason: "customer \(row.customer.id): \(differences(first.customer, row.customer)) differs from line \(first.line)"))
                    continue
                }
                customers[row.customer.id] = customers[row.customer.id] ?? (row.line, row.customer)
                let wearerKey = row.customer.id + "\u{1F}" + row.nationalIDDigits
                if let first = wearers[wearerKey], first.name != row.wearerName {
                    problems.append(Problem(line: row.line, reason: "the national ID of \"\(row.wearerName)\" is given for \"\(first.name)\" on line \(first.line)"))
                    continue
                }
                wearers[wearerKey] = wearers[wearerKey] ?? (row.line, row.wearerName)
                if let first = enrolments[row.enrolmentKey] {
                    problems.append(Problem(line: row.line, reason: "the same enrolment (customer, wearer, type, period, start date) as line \(first)"))
                    continue
                }
                enrolments[row.enrolmentKey] = row.line
                rows.append(row)
            }
        }
        if records.count == 1 { problems.append(Problem(line: head.line, reason: "the file has a header but no rows")) }
        return problems.isEmpty ? .success(rows) : .failure(ImportRejected(problems: problems))
    }

    private static func differences(_ a: Customer, _ b: Customer) -> String {
        var fields: [String] = []
        if a.name != b.name { fields.append("customer_name") }
        if a.companyID != b.companyID { fields.append("company_id") }
        if a.deliveryAddress != b.deliveryAddress { fields.append("delivery_address") }
        if a.contactName != b.contactName { fields.append("contact_name") }
        if a.contactEmail != b.contactEmail { fields.append("contact_email") }
        return fields.joined(separator: ", ")
    }

    /// Checks one data record.
    public static func row(_ record: CSVReader.Record) -> Result<Row, Problem> {
        func fail(_ reason: String) -> Result<Row, Problem> { .failure(Problem(line: record.line, reason: reason)) }
        guard record.fields.count == columns.count else {
            return fail("\(record.fields.count) fields, the header has \(columns.count)")
        }
        let f = record.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        let customer = Customer(
            id: f[0], name: f[1], deliveryAddress: record.fields[3].trimmingCharacters(in: .whitespacesAndNewlines),
            contactEmail: f[5], companyID: f[2], contactName: f[4])
        if let p = MasterDataValidation.customerNumberProblem(customer.id) { return fail("customer_number: \(p)") }
        if customer.name.isEmpty { return fail("customer_name is empty") }
        if !customer.companyID.isEmpty && !MasterDataValidation.isCVR(customer.companyID) {
            return fail("company_id \"\(customer.companyID)\" is not a CVR number (8 digits) and not empty")
        }
        if customer.deliveryAddress.isEmpty { return fail("delivery_address is empty: the cards need somewhere to go") }
        if !customer.contactEmail.isEmpty && !MasterDataValidation.isEmailAddress(customer.contactEmail) {
            return fail("contact_email \"\(customer.contactEmail)\" is not an e-mail address")
        }
        let wearerName = f[6]
        if wearerName.isEmpty { return fail("wearer_name is empty") }
        guard let digits = try? NationalIDProtector.digits(of: f[7]) else {
            // Never quote the value: it may be a real national ID with a typo.
            return fail("national_id of \"\(wearerName)\" is not a CPR number of the form DDMMYY-SSSS")
        }
        guard let type = typeNames[f[8]] else {
            return fail("dosimeter_type \"\(f[8])\" is not one of whole-body, finger, neutron, shoulder")
        }
        guard let length = periodNames[f[9]] else { return fail("period \"\(f[9])\" is not one of 2w, 1m, 3m") }
        guard let changeDay = Int(f[10]), changeDay == 1 || changeDay == 15 else {
            return fail("change_day \"\(f[10])\" is not 1 or 15")
        }
        if let p = Enrolment.periodProblem(type: type, length: length, changeDay: changeDay, cycleMonth: 1) { return fail(p) }
        guard let start = try? CalendarDay(parsing: f[11]) else { return fail("start_date \"\(f[11])\" is not a date YYYY-MM-DD") }
        var end: CalendarDay?
        if !f[12].isEmpty {
            guard let e = try? CalendarDay(parsing: f[12]) else { return fail("end_date \"\(f[12])\" is not a date YYYY-MM-DD (or empty)") }
            guard e >= start else { return fail("end_date \(e) is before start_date \(start)") }
            end = e
        }
        return .success(Row(line: record.line, customer: customer, wearerName: wearerName, nationalIDDigits: digits,
                            dosimeterType: type, periodLength: length, changeDay: changeDay, startDate: start, endDate: end))
    }
}

/// An import file with bad rows: nothing was imported.
public struct ImportRejected: Error, Sendable, Hashable, CustomStringConvertible {
    public var problems: [Problem]
    public typealias Problem = ImportFile.Problem
    public init(problems: [Problem]) { self.problems = problems }
    public var description: String {
        "\(problems.count) bad row(s), nothing imported:\n" + problems.map { "  \($0)" }.joined(separator: "\n")
    }
}
