import Foundation
import Hummingbird
import LabStore
import LabWorkflow

/// The lab's pages: the queue of sent changes (accept or reject with a reason), the audit trail and
/// the outbox. Every route refuses customer accounts (403).
extension PortalApp {
    func labQueue(_ request: Request, _ context: PortalContext) async throws -> Response {
        ensureSession(request, context)
        let account = try await labAccount(context)
        return try await queuePage(request, context, account: account, error: nil, notice: "")
    }

    func queuePage(_ request: Request, _ context: PortalContext, account: PortalAccount, error: String?, notice: String,
                   status: HTTPResponse.Status = .ok) async throws -> Response {
        let language = self.language(request, context)
        let waiting = try await store.run { try $0.submissions(state: .sent) }
        let items: [[String: Any]] = waiting.map { s in
            var lines = self.lines(s, language: language)
            lines.insert(["label": PortalTexts.text("when", language), "value": s.sentAt.map(Self.stamp) ?? ""], at: 0)
            return ["id": s.id ?? 0, "customerID": s.customerID, "kind": PortalTexts.text("kind." + s.kind.rawValue, language),
                    "lines": lines]
        }
        let agreementItems = try await self.agreementItems(language: language)
        return page("queue", title: PortalTexts.text("queue", language), values: [
            "hasItems": !items.isEmpty || !agreementItems.isEmpty, "items": items, "agreements": agreementItems,
            "hasError": error != nil, "error": error ?? "",
        ], context: context, request: request, account: account, notice: notice, status: status)
    }

    static func stamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// Accepts a sent change: checks it again (as of the day it was sent, for the deadline rule)
    /// and applies it to the master data in one transaction with its audit line.
    func labAccept(_ request: Request, _ context: PortalContext) async throws -> Response {
        _ = try await form(request, context)
        let account = try await labAccount(context)
        let language = self.language(request, context)
        guard let id = context.parameters.get("id", as: Int64.self),
              let submission = try await store.run({ try $0.submission(id: id) }), submission.state == .sent else {
            throw HTTPError(.notFound, message: PortalTexts.text("notFound", language))
        }
        let checker = ChangeChecker(store: store.store, protector: protector, customerID: submission.customerID, today: today,
                                    nationalIDAllowed: true)
        let sentOn = submission.sentAt.map(Self.day) ?? today
        let check = try await store.run { _ in
            try checker.check(kind: submission.kind, fields: submission.fields, typedNationalID: "", kept: submission.nationalID,
                              receivedOn: sentOn)
        }
        guard let change = check.change, check.errors.isEmpty else {
            let problems = check.errors.sorted { $0.key < $1.key }
                .map { PortalTexts.text($0.key, language) + ": " + PortalTexts.text($0.value, language) }.joined(separator: "; ")
            return try await queuePage(request, context, account: account,
                                       error: PortalTexts.text("cannotAccept", language, "#\(id) " + problems), notice: "", status: .conflict)
        }
        do {
            let accepted = try await store.run { try $0.acceptSubmission(id: id, change: change, by: account) }
            let mail = PortalOutboxMessage(at: configuration.now(), recipient: submission.submitterEmail,
                                           subject: "#\(id) " + PortalTexts.text("state.accepted", language), body: accepted.outcome)
            try await store.run { try $0.saveOutbox(mail) }
            return try await queuePage(request, context, account: account, error: nil,
                                       notice: PortalTexts.text("accepted", language, "#\(id) " + accepted.outcome))
        } catch let error as LabStoreError {
            return try await queuePage(request, context, account: account,
                                       error: PortalTexts.text("cannotAccept", language, "#\(id) \(error)"), notice: "", status: .conflict)
        }
    }

    func labReject(_ request: Request, _ context: PortalContext) async throws -> Response {
        let form = try await self.form(request, context)
        let account = try await labAccount(context)
        let language = self.language(request, context)
        guard let id = context.parameters.get("id", as: Int64.self),
              let submission = try await store.run({ try $0.submission(id: id) }), submission.state == .sent else {
            throw HTTPError(.notFound, message: PortalTexts.text("notFound", language))
        }
        let reason = (form["reason"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else {
            return try await queuePage(request, context, account: account,
                                       error: "#\(id) " + PortalTexts.text("reason", language) + ": " + PortalTexts.text("required", language),
                                       notice: "", status: .unprocessableContent)
        }
        _ = try await store.run { try $0.rejectSubmission(id: id, reason: reason, by: account) }
        let mail = PortalOutboxMessage(at: configuration.now(), recipient: submission.submitterEmail,
                                       subject: "#\(id) " + PortalTexts.text("state.rejected", language), body: reason)
        try await store.run { try $0.saveOutbox(mail) }
        return try await queuePage(request, context, account: account, error: nil, notice: "#\(id) " + PortalTexts.text("rejected", language))
    }

    func labAudit(_ request: Request, _ context: PortalContext) async throws -> Response {
        ensureSession(request, context)
        let account = try await labAccount(context)
        let entries = try await store.run { try $0.auditTrail(submissionID: nil) }
        let rows: [[String: Any]] = entries.prefix(500).map { e in
            ["at": Self.stamp(e.at), "userName": e.userName, "action": e.action, "customerID": e.customerID ?? "",
             "submissionID": e.submissionID.map(String.init) ?? "", "detail": e.detail]
        }
        return page("audit", title: text("audit", request, context), values: ["entries": rows],
                    context: context, request: request, account: account)
    }

    func labOutbox(_ request: Request, _ context: PortalContext) async throws -> Response {
        ensureSession(request, context)
        let account = try await labAccount(context)
        let messages = try await store.run { try $0.outbox() }
        let rows: [[String: Any]] = messages.prefix(500).map { m in
            ["at": Self.stamp(m.at), "recipient": m.recipient, "subject": m.subject, "body": m.body]
        }
        return page("outbox", title: text("outbox", request, context), values: ["messages": rows],
                    context: context, request: request, account: account)
    }
}
