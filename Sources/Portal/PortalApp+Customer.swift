import Foundation
import Hummingbird
import LabReports
import LabStore
import LabWorkflow

/// The customer's pages: the enrolment overview and the "submit changes" form (SAVE, resume, SEND).
extension PortalApp {
    func overview(_ request: Request, _ context: PortalContext) async throws -> Response {
        ensureSession(request, context)
        // The account, the customer's overview counter and submissions: one trip to the store.
        let (account, customerID, (version, submissions)) = try await customerAccount(context) { store, customerID in
            (try (store as? any PortalOverviewStore)?.overviewVersion(customerID: customerID),
             try store.submissions(customerID: customerID))
        }
        let language = self.language(request, context)
        let today = self.today
        // The sorted overview from memory while the database says nothing changed (OverviewCache).
        let entry: OverviewCache.Entry
        if let version, let cached = overviewCache.entry(customerID: customerID, version: version, day: today) {
            entry = cached
        } else {
            let (enrolments, wearers) = try await store.run { store in
                (try store.enrolments(customerID: customerID), try store.wearers(customerID: customerID))
            }
            let byID = Dictionary(uniqueKeysWithValues: wearers.compactMap { w in w.id.map { ($0, w) } })
            let active = enrolments
                .filter { $0.isActive(on: today) || $0.startDate > today }
                // By wearer in Danish alphabetical order (Æ, Ø, Å last), as the packing slips list them.
                .map { (DanishCollation.key(byID[$0.wearerID]?.name ?? ""), $0) }
                .sorted { ($0.0, $0.1.number) < ($1.0, $1.1.number) }
                .map { ($0.1, byID[$0.1.wearerID]) }
            entry = OverviewCache.Entry(version: version ?? -1, day: today, rows: active)
            if version != nil { overviewCache.store(entry, customerID: customerID) }
        }
        // A page of rows at a time (a customer may have thousands of wearers); only the rows shown
        // have their national ID opened for its first four digits, once per page while the
        // customer's overview is unchanged (the rendered page is kept in the cache entry).
        let total = entry.rows.count
        let pages = max(1, (total + Self.overviewPageSize - 1) / Self.overviewPageSize)
        let pageNumber = min(pages, max(1, request.uri.queryParameters["page"].flatMap { Int(String($0)) } ?? 1))
        let first = (pageNumber - 1) * Self.overviewPageSize
        let shownCount = max(0, min(Self.overviewPageSize, total - first))
        let key = OverviewCache.PageKey(language: language, page: pageNumber)
        let rowsHTML: String
        if let rendered = entry.pages[key] {
            rowsHTML = rendered
        } else {
            let shown = entry.rows[min(first, total)..<min(first + Self.overviewPageSize, total)]
            let rows: [[String: Any]] = shown.map { e, wearer in
                ["number": e.number, "name": wearer?.name ?? "", "maskedID": wearer.map(masked) ?? "",
                 "type": PortalTexts.text("type." + ImportFile.name(of: e.dosimeterType), language),
                 "period": PortalTexts.text("period." + ImportFile.name(of: e.periodLength), language),
                 "start": e.startDate.description, "end": e.endDate?.description ?? ""]
            }
            rowsHTML = templates.render(["enrolments": rows], withTemplate: "overviewRows") ?? ""
            if let version {
                overviewCache.storePage(rowsHTML, key: key, customerID: customerID, version: version, day: today)
            }
        }
        let submissionRows: [[String: Any]] = submissions.map { s in
            ["id": s.id ?? 0, "kind": PortalTexts.text("kind." + s.kind.rawValue, language),
             "state": PortalTexts.text("state." + s.state.rawValue, language),
             "detail": s.state == .rejected ? s.reason : s.outcome]
        }
        let notice = request.uri.queryParameters["sent"] != nil ? PortalTexts.text("sent", language) : ""
        return page("overview", title: PortalTexts.text("overview", language) + " – " + customerID, values: [
            "hasEnrolments": shownCount > 0, "rows": rowsHTML,
            "hasPages": pages > 1, "firstRow": first + 1, "lastRow": first + shownCount, "totalRows": total,
            "hasPrevious": pageNumber > 1, "previous": pageNumber - 1, "hasNext": pageNumber < pages, "next": pageNumber + 1,
            "hasSubmissions": !submissionRows.isEmpty, "submissions": submissionRows,
            "kinds": SubmissionKind.allCases.map { ["kind": $0.rawValue, "label": PortalTexts.text("kind." + $0.rawValue, language)] },
        ], context: context, request: request, account: account, notice: notice)
    }

    /// Rows per page of the enrolment overview.
    static let overviewPageSize = 100

    /// The first four digits of a wearer's national ID and a mask: "0101••-••••".
    func masked(_ wearer: Wearer) -> String { masked(wearer.protectedID) }

    func masked(_ id: ProtectedNationalID) -> String {
        guard let first = try? protector.firstFourDigits(of: id) else { return "••••" }
        return first + "••-••••"
    }

    func newChange(_ request: Request, _ context: PortalContext) async throws -> Response {
        ensureSession(request, context)
        let (account, _) = try await customerAccount(context)
        let kind = request.uri.queryParameters["kind"].flatMap { SubmissionKind(rawValue: String($0)) } ?? .enrol
        return changeForm(kind: kind, fields: [:], errors: [:], draft: nil, kept: nil, preview: nil,
                          confirmedEnd: nil, request: request, context: context, account: account)
    }

    func changeForm(kind: SubmissionKind, fields: [String: String], errors: [String: String], draft: Int64?,
                    kept: ProtectedNationalID?, preview: String?, confirmedEnd: CalendarDay?, request: Request,
                    context: PortalContext, account: PortalAccount, status: HTTPResponse.Status = .ok) -> Response {
        let language = self.language(request, context)
        func field(_ name: String) -> [String: Any] {
            var entry: [String: Any] = [
                "name": name, "label": PortalTexts.text(name, language), "value": fields[name] ?? "",
                "hasError": errors[name] != nil, "error": errors[name].map { PortalTexts.text($0, language) } ?? "",
                "isSelect": false, "inputType": "text", "autocomplete": "off", "hasHint": false, "hint": "",
            ]
            switch name {
            case "type", "period":
                entry["isSelect"] = true
                let choices = name == "type" ? ChangeForm.typeChoices : ChangeForm.periodChoices
                entry["options"] = choices.map { c -> [String: Any] in
                    ["value": c, "label": PortalTexts.text(name + "." + c, language), "selected": fields[name] == c]
                }
            case "submitterEmail", "submitterEmailConfirm", "contactEmail":
                entry["inputType"] = "email"
                entry["autocomplete"] = "email"
            case "submitterPhone": entry["inputType"] = "tel"; entry["autocomplete"] = "tel"
            case "submitterName": entry["autocomplete"] = "name"
            case "nationalID":
                // A valid ID is never sent back to the browser: the draft keeps it sealed.
                if let kept, errors[name] == nil {
                    entry["value"] = ""
                    entry["hasHint"] = true
                    entry["hint"] = PortalTexts.text("nationalIDKept", language, masked(kept))
                }
            default: break
            }
            return entry
        }
        let groups: [[String: Any]] = [
            ["legend": PortalTexts.text("kind." + kind.rawValue, language), "fields": ChangeForm.fields(of: kind).map(field)],
            ["legend": PortalTexts.text("submitter", language), "fields": ChangeForm.submitterFields.map(field)],
        ]
        return page("change", title: PortalTexts.text("submitChanges", language), values: [
            "kind": kind.rawValue, "groups": groups, "hasErrors": !errors.isEmpty,
            "hasPreview": preview != nil, "preview": preview ?? "",
            "hasDraft": draft != nil, "draftID": draft ?? 0,
            "hasConfirmedEnd": confirmedEnd != nil, "confirmedEnd": confirmedEnd?.description ?? "",
            "kinds": SubmissionKind.allCases.map { k -> [String: Any] in
                ["kind": k.rawValue, "label": PortalTexts.text("kind." + k.rawValue, language), "current": k == kind]
            },
        ], context: context, request: request, account: account, status: status)
    }

    /// What the deadline rule decided, in words, before the customer sends an unenrolment.
    func unenrolmentPreview(_ decision: Unenrolment, language: PortalLanguage) -> String {
        let extra = decision.extraPeriods.count
        switch language {
        case .da:
            return "Afmeldingen modtages \(decision.receivedOn). Fristen for perioden, der starter \(decision.firstPeriodNotSent.start), er \(decision.deadline). "
                + "Tilmeldingen slutter \(decision.effectiveEnd)" + (extra > 0 ? "; fristen er overskredet, så \(extra) dosimeter(e) mere sendes og faktureres." : ".")
                + " " + PortalTexts.text("confirmUnenrol", .da)
        case .en:
            return "The notice is received \(decision.receivedOn). The deadline for the period starting \(decision.firstPeriodNotSent.start) is \(decision.deadline). "
                + "The enrolment ends \(decision.effectiveEnd)" + (extra > 0 ? "; the deadline has passed, so \(extra) more card(s) are sent and charged." : ".")
                + " " + PortalTexts.text("confirmUnenrol", .en)
        }
    }

    func postChange(_ request: Request, _ context: PortalContext) async throws -> Response {
        let form = try await self.form(request, context)
        let (account, customerID) = try await customerAccount(context)
        guard let kind = form["kind"].flatMap(SubmissionKind.init(rawValue:)) else {
            throw HTTPError(.badRequest, message: "Unknown change.")
        }
        let action = form["action"] ?? "check"
        let language = self.language(request, context)
        var draft: PortalSubmission?
        if let draftText = form["draft"], !draftText.isEmpty {
            guard let id = Int64(draftText),
                  let found = try await store.run({ try $0.submission(id: id) }),
                  found.customerID == customerID, found.state == .draft else {
                throw HTTPError(.notFound, message: PortalTexts.text("notFound", language))
            }
            draft = found
        }
        let names = ChangeForm.fields(of: kind) + ChangeForm.submitterFields
        var fields: [String: String] = [:]
        for name in names where name != "nationalID" { fields[name] = form[name] ?? "" }
        let typedID = form["nationalID"] ?? ""
        let kept = draft?.kind == kind ? draft?.nationalID : nil
        let checker = ChangeChecker(store: store.store, protector: protector, customerID: customerID, today: today,
                                    nationalIDAllowed: configuration.nationalIDAllowed)
        let check = try await store.run { [fields] _ in try checker.check(kind: kind, fields: fields, typedNationalID: typedID, kept: kept) }
        // What goes back into the form on an error: every field as typed; the national ID only when
        // it was not valid (a valid one stays sealed on the server).
        var echoed = fields
        if check.errors["nationalID"] != nil && check.errors["nationalID"] != "nationalIDNeedsTLS" { echoed["nationalID"] = typedID }
        // The form comes back (errors, or an unenrolment's date to confirm): a valid national ID is
        // never sent back to the browser, so it is kept sealed in a draft of this change (its number
        // goes into the form) and shown masked; the customer need not type it again.
        func keptDraft() async throws -> Int64? {
            guard let sealed = check.nationalID, draft?.nationalID != sealed || draft?.kind != kind else { return draft?.id }
            var submission = draft ?? PortalSubmission(customerID: customerID, kind: kind, resumeToken: Self.randomToken(),
                                                       createdBy: account.id ?? 0)
            submission.kind = kind
            submission.fields = fields
            submission.nationalID = sealed
            submission.submitterName = fields["submitterName"] ?? ""
            submission.submitterPhone = fields["submitterPhone"] ?? ""
            submission.submitterEmail = fields["submitterEmail"] ?? ""
            let kept = try await store.run { [submission] in
                try $0.saveSubmission(submission, by: account, action: "national ID kept", outbox: nil)
            }
            return kept.id
        }

        switch action {
        case "save":
            let emailErrors = check.errors.filter { $0.key == "submitterEmail" || $0.key == "submitterEmailConfirm" }
            let idError = check.errors["nationalID"].flatMap { $0 == "required" ? nil : $0 }
            if !emailErrors.isEmpty || idError != nil {
                var errors = emailErrors
                if let idError { errors["nationalID"] = idError }
                return changeForm(kind: kind, fields: echoed, errors: errors, draft: try await keptDraft(), kept: check.nationalID,
                                  preview: nil, confirmedEnd: nil, request: request, context: context, account: account,
                                  status: .unprocessableContent)
            }
            var submission = draft ?? PortalSubmission(customerID: customerID, kind: kind, resumeToken: Self.randomToken(),
                                                       createdBy: account.id ?? 0)
            submission.kind = kind
            submission.fields = fields
            submission.nationalID = check.nationalID
            submission.submitterName = fields["submitterName"] ?? ""
            submission.submitterPhone = fields["submitterPhone"] ?? ""
            submission.submitterEmail = fields["submitterEmail"] ?? ""
            let link = baseURL + "/resume/" + submission.resumeToken
            let mail = PortalOutboxMessage(
                at: configuration.now(), recipient: submission.submitterEmail,
                subject: PortalTexts.text("kind." + kind.rawValue, language) + " – " + customerID,
                body: PortalTexts.text("saved", language) + "\n" + link)
            let saved = try await store.run { [submission] in
                try $0.saveSubmission(submission, by: account, action: "saved", outbox: mail)
            }
            return page("message", title: PortalTexts.text("save", language), values: [
                "text": PortalTexts.text("saved", language), "hasLink": true, "link": link, "id": saved.id ?? 0,
            ], context: context, request: request, account: account)
        case "send":
            guard check.isValid, let change = check.change else {
                return changeForm(kind: kind, fields: echoed, errors: check.errors, draft: try await keptDraft(), kept: check.nationalID,
                                  preview: nil, confirmedEnd: nil, request: request, context: context, account: account,
                                  status: .unprocessableContent)
            }
            // An unenrolment is sent only once the customer has seen the effective date it gets.
            if let lastDay = change.unenrolmentEnd, let decision = check.unenrolment,
               form["confirmedEnd"] != lastDay.description {
                return changeForm(kind: kind, fields: echoed, errors: [:], draft: try await keptDraft(), kept: check.nationalID,
                                  preview: unenrolmentPreview(decision, language: language), confirmedEnd: lastDay,
                                  request: request, context: context, account: account)
            }
            var submission = draft ?? PortalSubmission(customerID: customerID, kind: kind, resumeToken: Self.randomToken(),
                                                       createdBy: account.id ?? 0)
            submission.kind = kind
            submission.state = .sent
            submission.fields = fields
            submission.nationalID = check.nationalID
            submission.submitterName = fields["submitterName"] ?? ""
            submission.submitterPhone = fields["submitterPhone"] ?? ""
            submission.submitterEmail = fields["submitterEmail"] ?? ""
            let sent = try await store.run { [submission] in try $0.saveSubmission(submission, by: account, action: "sent", outbox: nil) }
            return Self.redirect("/changes/\(sent.id ?? 0)?sent=1")
        default:
            let preview = check.unenrolment.map { unenrolmentPreview($0, language: language) }
            return changeForm(kind: kind, fields: echoed, errors: check.errors, draft: try await keptDraft(), kept: check.nationalID,
                              preview: preview, confirmedEnd: check.change?.unenrolmentEnd, request: request, context: context, account: account,
                              status: check.errors.isEmpty ? .ok : .unprocessableContent)
        }
    }

    /// One of the customer's own submissions: a draft opens in the form, anything else is shown.
    func showChange(_ request: Request, _ context: PortalContext) async throws -> Response {
        ensureSession(request, context)
        let (account, customerID) = try await customerAccount(context)
        let language = self.language(request, context)
        guard let id = context.parameters.get("id", as: Int64.self),
              let submission = try await store.run({ try $0.submission(id: id) }),
              submission.customerID == customerID else {
            throw HTTPError(.notFound, message: PortalTexts.text("notFound", language))
        }
        if submission.state == .draft {
            return changeForm(kind: submission.kind, fields: submission.fields, errors: [:], draft: submission.id,
                              kept: submission.nationalID, preview: nil, confirmedEnd: nil, request: request,
                              context: context, account: account)
        }
        let notice = request.uri.queryParameters["sent"] != nil ? PortalTexts.text("sent", language) : ""
        return page("submission", title: "#\(id) " + PortalTexts.text("kind." + submission.kind.rawValue, language), values: [
            "kind": PortalTexts.text("kind." + submission.kind.rawValue, language),
            "state": PortalTexts.text("state." + submission.state.rawValue, language),
            "hasOutcome": !submission.outcome.isEmpty, "outcome": submission.outcome,
            "hasReason": !submission.reason.isEmpty, "reason": submission.reason,
            "lines": lines(submission, language: language),
        ], context: context, request: request, account: account, notice: notice)
    }

    /// A submission's fields as label/value lines, the national ID masked.
    func lines(_ submission: PortalSubmission, language: PortalLanguage) -> [[String: String]] {
        var lines: [[String: String]] = []
        for name in ChangeForm.fields(of: submission.kind) + ChangeForm.submitterFields where name != "submitterEmailConfirm" {
            let value = name == "nationalID" ? (submission.nationalID.map(masked) ?? "") : submission[name]
            lines.append(["label": PortalTexts.text(name, language), "value": value])
        }
        return lines
    }

    /// The resume link of a saved draft: opens it for a signed-in account of the same customer only.
    func resume(_ request: Request, _ context: PortalContext) async throws -> Response {
        ensureSession(request, context)
        if try await signedIn(context) == nil, let token = context.parameters.get("token"),
           let next = Self.localPath("/resume/" + token) {
            return Self.redirect("/signin?next=" + next)
        }
        let (_, customerID) = try await customerAccount(context)
        guard let token = context.parameters.get("token"),
              let submission = try await store.run({ try $0.submission(resumeToken: token) }),
              submission.customerID == customerID, let id = submission.id else {
            throw HTTPError(.notFound, message: text("notFound", request, context))
        }
        return Self.redirect("/changes/\(id)")
    }
}

extension MasterDataChange {
    /// The last day an unenrolment gives the enrolment, nil for the other changes.
    var unenrolmentEnd: CalendarDay? {
        if case .endEnrolment(_, let day) = self { return day }
        return nil
    }
}
