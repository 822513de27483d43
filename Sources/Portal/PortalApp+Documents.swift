import Foundation
import Hummingbird
import LabReports
import LabStore
import LabWorkflow
import NIOCore

/// The customer's documents to download: released result lists (PDF, CSV), packing slips (PDF) and
/// charges (PDF, CSV), always of the signed-in account's own customer.
///
/// A result list is offered only once it is final: a list with a dose still pending release (a
/// DRAFT, ``ResultList/isDraft``) is refused with 409 and a message saying so, never served. The
/// documents are built on request by the same code as `tld results`, `tld dispatch` and
/// `tld charges` (``ReportBuilder``, ``ChargesLedger``), so they match the lab's own copies.
extension PortalApp {
    /// A download's file format.
    enum DocumentFormat: String, CaseIterable, Sendable {
        case pdf, csv

        var contentType: String { self == .pdf ? "application/pdf" : "text/csv; charset=utf-8" }
    }

    /// `2027-01.pdf` → (first of the month, .pdf); nil for anything else.
    static func monthFile(_ name: String?) -> (CalendarDay, DocumentFormat)? {
        guard let name, let dot = name.lastIndex(of: "."),
              let format = DocumentFormat(rawValue: String(name[name.index(after: dot)...])) else { return nil }
        let month = name[..<dot]
        guard month.count == 7, let day = try? CalendarDay(parsing: month + "-01") else { return nil }
        return (day, format)
    }

    static func monthText(_ day: CalendarDay) -> String { String(day.description.prefix(7)) }

    static func download(_ bytes: [UInt8], format: DocumentFormat, fileName: String) -> Response {
        Response(status: .ok, headers: [.contentType: format.contentType, .cacheControl: "no-store",
                                        .contentDisposition: "attachment; filename=\"\(fileName)\""],
                 body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// The list of the customer's documents.
    func documents(_ request: Request, _ context: PortalContext) async throws -> Response {
        ensureSession(request, context)
        let (account, customerID) = try await customerAccount(context)
        let language = self.language(request, context)
        let today = self.today
        let (issues, shipments, charges) = try await store.run { store in
            (try store.issues(customerID: customerID), try store.shipments(customerID: customerID),
             try (store as? any DispatchStore)?.charges(customerID: customerID, from: nil, to: nil) ?? [])
        }
        // Result lists by month of the wear periods' ends, once a period of the month is over.
        let resultMonths = Set(issues.filter { $0.periodEnd < today }.map(\.periodEnd.firstOfMonth)).sorted(by: >)
        let chargeMonths = Set(charges.map(\.dueOn.firstOfMonth)).sorted(by: >)
        // A store without the roles a result list or the charges need says so (PortalApp+StoreRoles.swift).
        let results: [[String: Any]] = has(.resultLists) ? resultMonths.map { ["month": Self.monthText($0)] } : []
        let notice = [StorePart.resultLists, .charges].filter { !has($0) }
            .map { PortalTexts.text("unavailable." + $0.rawValue, language) }.joined(separator: " ")
        let slips: [[String: Any]] = shipments.sorted { ($0.dispatchedOn, $0.id?.rawValue ?? 0) > ($1.dispatchedOn, $1.id?.rawValue ?? 0) }
            .compactMap { s in s.id.map { ["id": $0.rawValue, "number": "S-\($0.rawValue)", "dispatchedOn": s.dispatchedOn.description] } }
        let chargeRows: [[String: Any]] = chargeMonths.map { ["month": Self.monthText($0)] }
        return page("documents", title: PortalTexts.text("documents", language) + " – " + customerID, values: [
            "hasResults": !results.isEmpty, "results": results,
            "hasSlips": !slips.isEmpty, "slips": slips,
            "hasCharges": !chargeRows.isEmpty, "charges": chargeRows,
        ], context: context, request: request, account: account, notice: notice)
    }

    /// `GET /documents/results/2027-01.pdf|csv`: the result list of the wear periods that ended in
    /// that month, if it is final.
    func resultListDownload(_ request: Request, _ context: PortalContext) async throws -> Response {
        ensureSession(request, context)
        let (account, customerID) = try await customerAccount(context)
        let language = self.language(request, context)
        guard let (month, format) = Self.monthFile(context.parameters.get("file")) else {
            throw HTTPError(.notFound, message: PortalTexts.text("notFound", language))
        }
        guard has(.resultLists) else {
            return unavailable(.resultLists, title: PortalTexts.text("resultList", language) + " " + Self.monthText(month),
                               request: request, context: context, account: account)
        }
        let today = self.today
        let issuedOn = today.description
        let builder = ReportBuilder(store: store.store, protector: protector)
        let built: (list: ResultList, bytes: [UInt8])? = try await store.run { _ in
            let list = try builder.resultList(customerID: customerID, from: month, to: month.lastDayOfMonth, today: today)
            guard !list.rows.isEmpty else { return nil }
            if list.isDraft { return (list, []) }
            return (list, format == .pdf ? list.pdf(issued: issuedOn) : Array(list.csv().utf8))
        }
        guard let built else { throw HTTPError(.notFound, message: PortalTexts.text("notFound", language)) }
        if built.list.isDraft {
            let pending = built.list.rows.filter { $0.status == "pending" }.count
            return page("message", title: PortalTexts.text("resultList", language) + " " + Self.monthText(month), values: [
                "text": PortalTexts.text("resultListNotFinal", language, "\(pending)"), "hasLink": false,
            ], context: context, request: request, account: account, status: .conflict)
        }
        try await store.run { try $0.audit(PortalAuditEntry(at: self.configuration.now(), accountID: account.id, userName: account.userName,
                                                             action: "downloaded", customerID: customerID,
                                                             detail: "\(built.list.reportNumber).\(format.rawValue)")) }
        return Self.download(built.bytes, format: format, fileName: "results-\(customerID)-\(month.lastDayOfMonth).\(format.rawValue)")
    }

    /// `GET /documents/packing-slips/12.pdf`: the packing slip of one of the customer's shipments.
    func packingSlipDownload(_ request: Request, _ context: PortalContext) async throws -> Response {
        ensureSession(request, context)
        let (account, customerID) = try await customerAccount(context)
        let language = self.language(request, context)
        let file = context.parameters.get("file") ?? ""
        guard file.hasSuffix(".pdf"), let raw = Int64(file.dropLast(4)) else {
            throw HTTPError(.notFound, message: PortalTexts.text("notFound", language))
        }
        let builder = ReportBuilder(store: store.store, protector: protector)
        let bytes: [UInt8]? = try await store.run { store in
            // Another customer's shipment is not found, exactly like one that does not exist.
            guard let shipment = try store.shipments(customerID: customerID).first(where: { $0.id?.rawValue == raw }) else { return nil }
            return try builder.packingSlip(shipment: shipment).pdf()
        }
        guard let bytes else { throw HTTPError(.notFound, message: PortalTexts.text("notFound", language)) }
        try await store.run { try $0.audit(PortalAuditEntry(at: self.configuration.now(), accountID: account.id, userName: account.userName,
                                                             action: "downloaded", customerID: customerID, detail: "S-\(raw).pdf")) }
        return Self.download(bytes, format: .pdf, fileName: "packing-slip-\(customerID)-S-\(raw).pdf")
    }

    /// `GET /documents/charges/2027-01.pdf|csv`: the customer's charges due in that month, as
    /// recorded in the lab's ledger (cards sent; compensation once the lab's daily run recorded it).
    func chargesDownload(_ request: Request, _ context: PortalContext) async throws -> Response {
        ensureSession(request, context)
        let (account, customerID) = try await customerAccount(context)
        let language = self.language(request, context)
        guard let (month, format) = Self.monthFile(context.parameters.get("file")) else {
            throw HTTPError(.notFound, message: PortalTexts.text("notFound", language))
        }
        guard let dispatch = store.store as? any DispatchStore else {
            return unavailable(.charges, title: PortalTexts.text("documents", language), request: request, context: context, account: account)
        }
        let today = self.today
        let number = "CH-\(customerID)-\(Self.monthText(month).replacingOccurrences(of: "-", with: ""))"
        let bytes: [UInt8]? = try await store.run { _ in
            let statement = try ChargesLedger(store: dispatch).statement(customerID: customerID, from: month, to: month.lastDayOfMonth, asOf: today)
            guard !statement.rows.isEmpty else { return nil }
            return format == .pdf ? statement.pdf(reportNumber: number) : Array(statement.csv().utf8)
        }
        guard let bytes else { throw HTTPError(.notFound, message: PortalTexts.text("notFound", language)) }
        try await store.run { try $0.audit(PortalAuditEntry(at: self.configuration.now(), accountID: account.id, userName: account.userName,
                                                             action: "downloaded", customerID: customerID, detail: "\(number).\(format.rawValue)")) }
        return Self.download(bytes, format: format, fileName: "charges-\(customerID)-\(Self.monthText(month)).\(format.rawValue)")
    }
}
