import Foundation
import Hummingbird
import LabStore
import LabWorkflow

/// The "create agreement" form: for a company without an agreement, so without an account — it
/// opens without signing in, and its resume link (`/agreement/TOKEN`, a 256-bit random secret) is
/// the only way back to a saved draft. SAVE keeps a draft and writes the link to the outbox; SEND
/// sends it to the lab's queue, where accepting it creates the customer, its first wearers and
/// their enrolments in one transaction (``PortalAgreementStore/acceptAgreement(id:agreement:by:)``).
extension PortalApp {
    var agreements: (any PortalAgreementStore)? { store.store as? any PortalAgreementStore }

    func newAgreement(_ request: Request, _ context: PortalContext) async throws -> Response {
        ensureSession(request, context)
        let account = try await signedIn(context)
        return agreementForm(fields: [:], errors: [:], token: nil, kept: [:], request: request, context: context, account: account)
    }

    func agreementForm(fields: [String: String], errors: [String: String], token: String?, kept: [String: ProtectedNationalID],
                       request: Request, context: PortalContext, account: PortalAccount?, status: HTTPResponse.Status = .ok,
                       limited: String? = nil) -> Response {
        let language = self.language(request, context)
        func field(_ name: String) -> [String: Any] {
            let key = AgreementForm.labelKey(name)
            var entry: [String: Any] = [
                "name": name, "label": PortalTexts.text(key, language), "value": fields[name] ?? "",
                "hasError": errors[name] != nil, "error": errors[name].map { PortalTexts.text($0, language) } ?? "",
                "isSelect": false, "inputType": "text", "autocomplete": "off", "hasHint": false, "hint": "",
            ]
            if name.hasPrefix("wearer") {
                // Unique labels for the rows of first wearers: "CPR number (person 2)".
                entry["label"] = PortalTexts.text(key, language) + " (" + PortalTexts.text("person", language) + " " + String(name.dropFirst(6).prefix(1)) + ")"
            }
            let choices: [String]? = switch key {
            case "type": ChangeForm.typeChoices
            case "period": ChangeForm.periodChoices
            case "invoiceChannel": AgreementForm.channelChoices
            default: nil
            }
            if let choices {
                entry["isSelect"] = true
                entry["options"] = choices.map { c -> [String: Any] in
                    ["value": c, "label": PortalTexts.text(key + "." + c, language), "selected": fields[name] == c]
                }
            }
            switch key {
            case "submitterEmail", "submitterEmailConfirm", "contactEmail": entry["inputType"] = "email"; entry["autocomplete"] = "email"
            case "submitterPhone": entry["inputType"] = "tel"; entry["autocomplete"] = "tel"
            case "submitterName": entry["autocomplete"] = "name"
            case "invoiceAddress": entry["hasHint"] = true; entry["hint"] = PortalTexts.text("invoiceAddressHint", language)
            case "nationalID":
                // A valid ID is never sent back to the browser: the draft keeps it sealed.
                if let sealed = kept[name], errors[name] == nil {
                    entry["value"] = ""
                    entry["hasHint"] = true
                    entry["hint"] = PortalTexts.text("nationalIDKept", language, masked(sealed))
                }
            default: break
            }
            return entry
        }
        var groups: [[String: Any]] = [
            ["legend": PortalTexts.text("submitter", language), "fields": ChangeForm.submitterFields.map(field)],
            ["legend": PortalTexts.text("company", language), "fields": AgreementForm.companyFields.map(field)],
            ["legend": PortalTexts.text("invoicing", language), "fields": AgreementForm.invoiceFields.map(field)],
            ["legend": PortalTexts.text("firstWearers", language), "fields": [field(AgreementForm.startField)]],
        ]
        for row in 1...AgreementForm.wearerRows {
            let person = PortalTexts.text("person", language)
            groups.append(["legend": person.prefix(1).uppercased() + person.dropFirst() + " \(row)", "fields": AgreementForm.wearerFields(row).map(field)])
        }
        return page("agreement", title: PortalTexts.text("createAgreement", language), values: [
            "groups": groups, "hasErrors": !errors.isEmpty, "hasToken": token != nil, "token": token ?? "",
            "hasLimit": limited != nil, "limitText": limited ?? "",
        ], context: context, request: request, account: account, status: status)
    }

    func postAgreement(_ request: Request, _ context: PortalContext) async throws -> Response {
        let form = try await self.form(request, context)
        let account = try await signedIn(context)
        let language = self.language(request, context)
        guard let agreements else { throw HTTPError(.notFound, message: PortalTexts.text("notFound", language)) }
        if case .refused(let seconds) = await agreementLimit.admit(context.remoteAddress, at: configuration.now()) {
            return try await agreementRefused(form, retryAfter: seconds, agreements: agreements, request: request,
                                              context: context, account: account)
        }
        var draft: PortalAgreement?
        if let token = form["token"], !token.isEmpty {
            guard let found = try await store.run({ _ in try agreements.agreement(resumeToken: token) }), found.state == .draft else {
                throw HTTPError(.notFound, message: PortalTexts.text("notFound", language))
            }
            draft = found
        }
        var fields: [String: String] = [:]
        var typedIDs: [String: String] = [:]
        for name in AgreementForm.fields {
            if AgreementForm.nationalIDFields.contains(name) { typedIDs[name] = form[name] ?? "" } else { fields[name] = form[name] ?? "" }
        }
        let checker = AgreementChecker(protector: protector, today: today, nationalIDAllowed: configuration.nationalIDAllowed)
        let kept = draft?.nationalIDs ?? [:]
        let check = try await store.run { [fields, typedIDs] _ in try checker.check(fields: fields, typedNationalIDs: typedIDs, kept: kept) }
        // Back into the form on an error: every field as typed; a national ID only when it was not valid.
        var echoed = fields
        for (name, typed) in typedIDs where check.errors[name] != nil && check.errors[name] != "nationalIDNeedsTLS" { echoed[name] = typed }
        var agreement = draft ?? PortalAgreement(resumeToken: Self.randomToken())
        agreement.fields = fields
        agreement.nationalIDs = check.nationalIDs
        agreement.submitterName = fields["submitterName"] ?? ""
        agreement.submitterPhone = fields["submitterPhone"] ?? ""
        agreement.submitterEmail = fields["submitterEmail"] ?? ""
        let link = baseURL + "/agreement/" + agreement.resumeToken
        // The form comes back with errors: valid national IDs are never sent back to the browser, so
        // they are kept sealed in a draft (its token in the form) and nothing typed is lost.
        func withErrors(_ errors: [String: String], status: HTTPResponse.Status = .unprocessableContent) async throws -> Response {
            var token = draft?.resumeToken
            if !check.nationalIDs.isEmpty {
                let kept = try await store.run { [agreement] _ in try agreements.saveAgreement(agreement, action: "agreement kept", outbox: nil) }
                token = kept.resumeToken
            }
            return agreementForm(fields: echoed, errors: errors, token: token, kept: check.nationalIDs,
                                 request: request, context: context, account: account, status: status)
        }
        switch form["action"] ?? "check" {
        case "save":
            // SAVE needs only where to send the link, and no malformed national ID (never kept in clear).
            let blocking = check.errors.filter { name, key in
                name == "submitterEmail" || name == "submitterEmailConfirm" || (AgreementForm.nationalIDFields.contains(name) && key != "required")
            }
            guard blocking.isEmpty else { return try await withErrors(blocking) }
            let mail = PortalOutboxMessage(at: configuration.now(), recipient: agreement.submitterEmail,
                                           subject: PortalTexts.text("createAgreement", language),
                                           body: PortalTexts.text("saved", language) + "\n" + link)
            _ = try await store.run { [agreement] _ in try agreements.saveAgreement(agreement, action: "agreement saved", outbox: mail) }
            return page("message", title: PortalTexts.text("save", language), values: [
                "text": PortalTexts.text("saved", language), "hasLink": true, "link": link,
            ], context: context, request: request, account: account)
        case "send":
            guard check.isValid else { return try await withErrors(check.errors) }
            agreement.state = .sent
            let mail = PortalOutboxMessage(at: configuration.now(), recipient: agreement.submitterEmail,
                                           subject: PortalTexts.text("createAgreement", language),
                                           body: PortalTexts.text("agreementSent", language) + "\n" + link)
            _ = try await store.run { [agreement] _ in try agreements.saveAgreement(agreement, action: "agreement sent", outbox: mail) }
            return page("message", title: PortalTexts.text("createAgreement", language), values: [
                "text": PortalTexts.text("agreementSent", language), "hasLink": true, "link": link,
            ], context: context, request: request, account: account)
        default:
            return try await withErrors(check.errors, status: check.errors.isEmpty ? .ok : .unprocessableContent)
        }
    }

    /// A post over the client's limit (``FormRateLimit``): 429 with `Retry-After`, nothing checked
    /// or stored; the form comes back with what was typed (national IDs only as the draft kept them,
    /// sealed: a typed one is not read) and says how long to wait.
    func agreementRefused(_ form: [String: String], retryAfter seconds: Int, agreements: any PortalAgreementStore,
                          request: Request, context: PortalContext, account: PortalAccount?) async throws -> Response {
        logger.notice("create-agreement form refused: too many posts from one address",
                      metadata: ["address": "\(context.remoteAddress)", "retryAfter": "\(seconds)"])
        var fields: [String: String] = [:]
        for name in AgreementForm.fields where !AgreementForm.nationalIDFields.contains(name) { fields[name] = form[name] ?? "" }
        var draft: PortalAgreement?
        if let token = form["token"], token.count >= 32 {
            draft = try await store.run { _ in try agreements.agreement(resumeToken: token) }.flatMap { $0.state == .draft ? $0 : nil }
        }
        let minutes = "\((seconds + 59) / 60)"
        var response = agreementForm(fields: fields, errors: [:], token: draft?.resumeToken, kept: draft?.nationalIDs ?? [:],
                                     request: request, context: context, account: account, status: .tooManyRequests,
                                     limited: text("tooManyForms", request, context).replacingOccurrences(of: "%@", with: minutes))
        response.headers[.retryAfter] = "\(seconds)"
        return response
    }

    /// `GET /agreement/TOKEN`: a saved draft opens in the form; a sent one shows where it is.
    func resumeAgreement(_ request: Request, _ context: PortalContext) async throws -> Response {
        ensureSession(request, context)
        let account = try await signedIn(context)
        let language = self.language(request, context)
        guard let agreements, let token = context.parameters.get("token"), token.count >= 32,
              let agreement = try await store.run({ _ in try agreements.agreement(resumeToken: token) }) else {
            throw HTTPError(.notFound, message: PortalTexts.text("notFound", language))
        }
        if agreement.state == .draft {
            return agreementForm(fields: agreement.fields, errors: [:], token: agreement.resumeToken, kept: agreement.nationalIDs,
                                 request: request, context: context, account: account)
        }
        var text = PortalTexts.text("state", language) + ": " + PortalTexts.text("state." + agreement.state.rawValue, language)
        if let customerID = agreement.customerID { text += ". " + PortalTexts.text("agreementAccepted", language, customerID) }
        if !agreement.reason.isEmpty { text += ". " + PortalTexts.text("reason", language) + ": " + agreement.reason }
        return page("message", title: PortalTexts.text("createAgreement", language), values: ["text": text, "hasLink": false],
                    context: context, request: request, account: account)
    }

    /// The queue's sent agreement forms, the national IDs masked.
    func agreementItems(language: PortalLanguage) async throws -> [[String: Any]] {
        guard let agreements else { return [] }
        let waiting = try await store.run { _ in try agreements.agreements(state: .sent) }
        return waiting.map { a in
            var lines: [[String: String]] = [["label": PortalTexts.text("when", language), "value": a.sentAt.map(Self.stamp) ?? ""]]
            for name in AgreementForm.fields where name != "submitterEmailConfirm" {
                let value = AgreementForm.nationalIDFields.contains(name) ? (a.nationalIDs[name].map(masked) ?? "") : a[name]
                if value.isEmpty { continue }
                lines.append(["label": PortalTexts.text(AgreementForm.labelKey(name), language) + (name.hasPrefix("wearer") ? " " + String(name.dropFirst(6).prefix(1)) : ""),
                              "value": value])
            }
            return ["id": a.id ?? 0, "lines": lines]
        }
    }

    /// Accepts a sent agreement form: checked again, then the customer, its wearers and enrolments
    /// are created in one transaction with the audit line; the submitter gets the customer number.
    func labAcceptAgreement(_ request: Request, _ context: PortalContext) async throws -> Response {
        _ = try await form(request, context)
        let account = try await labAccount(context)
        let language = self.language(request, context)
        guard let agreements, let id = context.parameters.get("id", as: Int64.self),
              let agreement = try await store.run({ _ in try agreements.agreement(id: id) }), agreement.state == .sent else {
            throw HTTPError(.notFound, message: PortalTexts.text("notFound", language))
        }
        let checker = AgreementChecker(protector: protector, today: today, nationalIDAllowed: true)
        let sentOn = agreement.sentAt.map(Self.day) ?? today
        let check = try await store.run { _ in
            try checker.check(fields: agreement.fields, typedNationalIDs: [:], kept: agreement.nationalIDs, receivedOn: sentOn)
        }
        guard let new = check.agreement, check.errors.isEmpty else {
            let problems = check.errors.sorted { $0.key < $1.key }
                .map { PortalTexts.text(AgreementForm.labelKey($0.key), language) + ": " + PortalTexts.text($0.value, language) }
                .joined(separator: "; ")
            return try await queuePage(request, context, account: account,
                                       error: PortalTexts.text("cannotAccept", language, "A\(id) " + problems), notice: "", status: .conflict)
        }
        do {
            let accepted = try await store.run { _ in try agreements.acceptAgreement(id: id, agreement: new, by: account) }
            let mail = PortalOutboxMessage(at: configuration.now(), recipient: agreement.submitterEmail,
                                           subject: PortalTexts.text("createAgreement", language) + ": " + PortalTexts.text("state.accepted", language),
                                           body: PortalTexts.text("agreementAccepted", language, accepted.customerID ?? "") + "\n" + accepted.outcome)
            try await store.run { try $0.saveOutbox(mail) }
            return try await queuePage(request, context, account: account, error: nil,
                                       notice: PortalTexts.text("accepted", language, "A\(id) " + accepted.outcome))
        } catch let error as LabStoreError {
            return try await queuePage(request, context, account: account,
                                       error: PortalTexts.text("cannotAccept", language, "A\(id) \(error)"), notice: "", status: .conflict)
        }
    }

    func labRejectAgreement(_ request: Request, _ context: PortalContext) async throws -> Response {
        let form = try await self.form(request, context)
        let account = try await labAccount(context)
        let language = self.language(request, context)
        guard let agreements, let id = context.parameters.get("id", as: Int64.self),
              let agreement = try await store.run({ _ in try agreements.agreement(id: id) }), agreement.state == .sent else {
            throw HTTPError(.notFound, message: PortalTexts.text("notFound", language))
        }
        let reason = (form["reason"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else {
            return try await queuePage(request, context, account: account,
                                       error: "A\(id) " + PortalTexts.text("reason", language) + ": " + PortalTexts.text("required", language),
                                       notice: "", status: .unprocessableContent)
        }
        _ = try await store.run { _ in try agreements.rejectAgreement(id: id, reason: reason, by: account) }
        let mail = PortalOutboxMessage(at: configuration.now(), recipient: agreement.submitterEmail,
                                       subject: PortalTexts.text("createAgreement", language) + ": " + PortalTexts.text("state.rejected", language),
                                       body: reason)
        try await store.run { try $0.saveOutbox(mail) }
        return try await queuePage(request, context, account: account, error: nil, notice: "A\(id) " + PortalTexts.text("rejected", language))
    }
}
