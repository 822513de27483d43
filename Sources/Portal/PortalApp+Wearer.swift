import Foundation
import Hummingbird
import LabStore
import LabWorkflow

/// A wearer's own dose record (`/my-record`), for a wearer account (`tld account add --wearer N`)
/// while the customer's contact grants it (`/access`). The wearer sees only their own periods at
/// that customer, the national ID as its first four digits; every other page refuses them.
extension PortalApp {
    /// The home page of an account's role.
    static func home(_ role: PortalRole) -> String {
        switch role {
        case .lab: "/lab/queue"
        case .customer: "/overview"
        case .wearer: "/my-record"
        }
    }

    var wearerAccess: (any PortalWearerAccessStore)? { store.store as? any PortalWearerAccessStore }

    func myRecord(_ request: Request, _ context: PortalContext) async throws -> Response {
        ensureSession(request, context)
        guard let account = try await signedIn(context) else { throw HTTPError(.seeOther, headers: [.location: "/signin"]) }
        let language = self.language(request, context)
        guard account.role == .wearer, let wearerID = account.wearerID, let customerID = account.customerID else {
            throw HTTPError(.forbidden, message: "This page is for wearer accounts.")
        }
        guard account.accessGranted else {
            return page("message", title: PortalTexts.text("myRecord", language), values: [
                "text": PortalTexts.text("noAccessYet", language), "hasLink": false,
            ], context: context, request: request, account: account, status: .forbidden)
        }
        guard has(.doseRecord) else {
            return unavailable(.doseRecord, title: PortalTexts.text("myRecord", language), request: request, context: context, account: account)
        }
        let found = try await store.run { store -> (Wearer, [DoseRecordPeriod])? in
            guard let wearer = try store.wearer(id: Wearer.ID(rawValue: wearerID)), wearer.customerID == customerID,
                  let records = store as? any DoseRecordStore else { return nil }
            // Only this person's periods at the customer that granted access.
            let periods = try records.doseRecord(nationalIDLookup: wearer.protectedID.lookup).filter { $0.customerID == customerID }
            return (wearer, periods)
        }
        guard let (wearer, periods) = found else { throw HTTPError(.notFound, message: PortalTexts.text("notFound", language)) }
        func mSv(_ value: Double?, _ p: DoseRecordPeriod) -> String {
            guard p.status.hasDose || p.status == .belowDetectionLimit, let value else { return "" }
            if p.status == .belowDetectionLimit, let limit = p.detectionLimitMilliSievert { return "<" + String(format: "%.2f", limit) }
            return String(format: "%.2f", value)
        }
        let rows: [[String: Any]] = periods.sorted { $0.periodStart > $1.periodStart }.map { p in
            ["period": "\(p.periodStart) – \(p.periodEnd)", "type": PortalTexts.text("type." + ImportFile.name(of: p.dosimeterType), language),
             "card": p.cardID, "hp10": mSv(p.hp10MilliSievert, p), "hp007": mSv(p.hp007MilliSievert, p),
             "status": PortalTexts.text("doseStatus." + p.status.rawValue, language)]
        }
        let hp10 = periods.reduce(0) { $0 + $1.countedHp10MilliSievert }
        let hp007 = periods.reduce(0) { $0 + $1.countedHp007MilliSievert }
        return page("record", title: PortalTexts.text("myRecord", language), values: [
            "name": wearer.name, "maskedID": masked(wearer), "customerID": customerID, "hasRows": !rows.isEmpty, "rows": rows,
            "sumHp10": String(format: "%.2f", hp10), "sumHp007": String(format: "%.2f", hp007),
        ], context: context, request: request, account: account)
    }

    /// The customer's wearer accounts, each with its grant or revoke button.
    func accessPage(_ request: Request, _ context: PortalContext) async throws -> Response {
        ensureSession(request, context)
        let (account, customerID) = try await customerAccount(context)
        return try await accessList(request, context, account: account, customerID: customerID, notice: "")
    }

    func accessList(_ request: Request, _ context: PortalContext, account: PortalAccount, customerID: String,
                    notice: String) async throws -> Response {
        let language = self.language(request, context)
        guard let wearerAccess else { throw HTTPError(.notFound, message: PortalTexts.text("notFound", language)) }
        let (accounts, wearers) = try await store.run { store in
            (try wearerAccess.wearerAccounts(customerID: customerID), try store.wearers(customerID: customerID))
        }
        let names = Dictionary(uniqueKeysWithValues: wearers.compactMap { w in w.id.map { ($0.rawValue, w) } })
        let rows: [[String: Any]] = accounts.map { a in
            let wearer = a.wearerID.flatMap { names[$0] }
            return ["id": a.id ?? 0, "userName": a.userName, "name": wearer?.name ?? "", "maskedID": wearer.map(masked) ?? "",
                    "granted": a.accessGranted, "disabled": a.disabled,
                    "state": PortalTexts.text(a.accessGranted ? "accessGranted" : "accessNotGranted", language)]
        }
        return page("access", title: PortalTexts.text("wearerAccess", language), values: ["hasRows": !rows.isEmpty, "rows": rows],
                    context: context, request: request, account: account, notice: notice)
    }

    /// `POST /access/ID/grant|revoke`: only a wearer account of the signed-in customer (else not found).
    func setAccess(_ request: Request, _ context: PortalContext, granted: Bool) async throws -> Response {
        _ = try await form(request, context)
        let (account, customerID) = try await customerAccount(context)
        let language = self.language(request, context)
        guard let wearerAccess, let id = context.parameters.get("id", as: Int64.self) else {
            throw HTTPError(.notFound, message: PortalTexts.text("notFound", language))
        }
        let changed: PortalAccount
        do {
            changed = try await store.run { _ in try wearerAccess.setWearerAccess(accountID: id, granted: granted, by: account) }
        } catch LabStoreError.invalidRecord(_) {
            throw HTTPError(.notFound, message: PortalTexts.text("notFound", language))
        }
        return try await accessList(request, context, account: account, customerID: customerID,
                                    notice: changed.userName + ": " + PortalTexts.text(granted ? "accessGranted" : "accessNotGranted", language))
    }
}
