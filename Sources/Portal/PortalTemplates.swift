import Mustache

/// The portal's HTML, as mustache templates (swift-mustache): plain forms that work without
/// JavaScript, every input with a `<label for>`, errors next to their field (`aria-describedby`,
/// `aria-invalid`). `{{x}}` escapes HTML; only `{{{body}}}` and the overview's `{{{rows}}}` (both rendered by
/// these templates, so escaped already) are not escaped.
enum PortalTemplates {
    /// Every template under its name, and once per language as `name.da`, `name.en` with its
    /// `{{t.key}}` texts already put in (``localized(_:_:)``): a page then costs the lookups of its
    /// data, not of its fixed texts (the most of its tags; measured in docs/portal-load.md).
    static func library() throws -> MustacheLibrary {
        var library = MustacheLibrary()
        for (name, text) in all {
            try library.register(text, named: name)
            for language in PortalLanguage.allCases {
                try library.register(localized(text, language), named: name + "." + language.rawValue)
            }
        }
        return library
    }

    /// `template` with each `{{t.key}}` replaced by the text of `key` in `language`, HTML-escaped
    /// exactly as mustache escapes `{{…}}` (`& < > " '`). An unknown key, or a text that looks like
    /// a tag, is left to the renderer.
    static func localized(_ template: String, _ language: PortalLanguage) -> String {
        template.replacing(/\{\{t\.([A-Za-z0-9.]+)\}\}/) { match in
            let key = String(match.1)
            guard PortalTexts.table[key] != nil else { return String(match.0) }
            let text = PortalTexts.text(key, language)
            guard !text.contains("{{"), !text.contains("}}") else { return String(match.0) }
            return escaped(text)
        }
    }

    /// HTML escaping as swift-mustache does it for `{{…}}`.
    static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text {
            switch c {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    static let all: [String: String] = [
        "layout": layout, "signin": signin, "overview": overview, "overviewRows": overviewRows, "change": change, "submission": submission,
        "queue": queue, "audit": audit, "outbox": outbox, "message": message,
        "documents": documents, "agreement": agreement, "record": record, "access": access,
    ]

    static let layout = """
        <!DOCTYPE html>
        <html lang="{{lang}}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} – {{t.appTitle}}</title>
        <style>
        body{font-family:system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:0 1rem;line-height:1.4}
        header{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;border-bottom:1px solid #888}
        nav a,nav form{margin-right:1rem;display:inline}
        table{border-collapse:collapse;width:100%}th,td{border:1px solid #aaa;padding:.25rem .5rem;text-align:left}
        .field{margin:.6rem 0}.field label{display:block;font-weight:600}
        .error{color:#a00000;font-weight:600}.hint{color:#444}.notice,.preview{background:#eef6ee;padding:.5rem;border:1px solid #6a6}
        input,select,textarea{font-size:1rem;padding:.2rem}button{font-size:1rem;margin:.3rem .5rem .3rem 0}
        </style>
        </head>
        <body>
        <header>
        <p><strong>{{t.appTitle}}</strong></p>
        <nav aria-label="{{t.overview}}">
        {{#isCustomer}}<a href="/overview">{{t.overview}}</a> <a href="/changes/new?kind=enrol">{{t.submitChanges}}</a> <a href="/documents">{{t.documents}}</a> <a href="/access">{{t.wearerAccess}}</a>{{/isCustomer}}
        {{#isWearer}}<a href="/my-record">{{t.myRecord}}</a>{{/isWearer}}
        {{#isLab}}<a href="/lab/queue">{{t.queue}}</a> <a href="/lab/audit">{{t.audit}}</a> <a href="/lab/outbox">{{t.outbox}}</a>{{/isLab}}
        <a href="{{path}}?lang={{otherLanguage}}" lang="{{otherLanguage}}">{{t.language}}</a>
        {{#signedIn}}<form method="post" action="/signout"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">{{t.signOut}} ({{userName}})</button></form>{{/signedIn}}
        </nav>
        </header>
        <main>
        <h1>{{title}}</h1>
        {{#hasNotice}}<p role="status" class="notice">{{notice}}</p>{{/hasNotice}}
        {{{body}}}
        </main>
        </body>
        </html>
        """

    /// The rows of one page of the overview, rendered on their own so that the page can be kept
    /// (``OverviewCache``) and put into `overview` unescaped (`{{{rows}}}`: escaped here already).
    static let overviewRows = """
        {{#enrolments}}<tr><td>{{number}}</td><td>{{name}}</td><td>{{maskedID}}</td><td>{{type}}</td><td>{{period}}</td><td>{{start}}</td><td>{{end}}</td></tr>
        {{/enrolments}}
        """

    static let signin = """
        <form method="post" action="/signin">
        <input type="hidden" name="csrf" value="{{csrf}}">
        {{#hasNext}}<input type="hidden" name="next" value="{{next}}">{{/hasNext}}
        {{#hasError}}<p role="alert" class="error" id="signin-error">{{error}}</p>{{/hasError}}
        <div class="field"><label for="f-userName">{{t.userName}}</label>
        <input id="f-userName" name="userName" type="text" autocomplete="username" value="{{userNameTyped}}" required></div>
        <div class="field"><label for="f-password">{{t.password}}</label>
        <input id="f-password" name="password" type="password" autocomplete="current-password" required></div>
        <button type="submit">{{t.signIn}}</button>
        </form>
        <p><a href="/agreement">{{t.createAgreement}}</a></p>
        """

    static let overview = """
        <h2>{{t.activeEnrolments}}</h2>
        {{#hasEnrolments}}
        <table id="enrolments">
        <thead><tr><th scope="col">{{t.enrolmentNumber}}</th><th scope="col">{{t.wearer}}</th><th scope="col">{{t.nationalIDMasked}}</th><th scope="col">{{t.dosimeterType}}</th><th scope="col">{{t.periodLength}}</th><th scope="col">{{t.startDate}}</th><th scope="col">{{t.endDate}}</th></tr></thead>
        <tbody>
        {{{rows}}}
        </tbody>
        </table>
        {{#hasPages}}<nav aria-label="{{t.pages}}" id="pages"><p>{{firstRow}}–{{lastRow}} / {{totalRows}}
        {{#hasPrevious}}<a href="/overview?page={{previous}}" rel="prev">{{t.previousPage}}</a>{{/hasPrevious}}
        {{#hasNext}}<a href="/overview?page={{next}}" rel="next">{{t.nextPage}}</a>{{/hasNext}}</p></nav>{{/hasPages}}
        {{/hasEnrolments}}
        {{^hasEnrolments}}<p>{{t.noEnrolments}}</p>{{/hasEnrolments}}
        <h2>{{t.submitChanges}}</h2>
        <ul>{{#kinds}}<li><a href="/changes/new?kind={{kind}}">{{label}}</a></li>{{/kinds}}</ul>
        <h2>{{t.submissions}}</h2>
        {{#hasSubmissions}}
        <table id="submissions">
        <thead><tr><th scope="col">#</th><th scope="col">{{t.kind}}</th><th scope="col">{{t.state}}</th><th scope="col">{{t.details}}</th></tr></thead>
        <tbody>
        {{#submissions}}<tr><td><a href="/changes/{{id}}">{{id}}</a></td><td>{{kind}}</td><td>{{state}}</td><td>{{detail}}</td></tr>
        {{/submissions}}
        </tbody>
        </table>
        {{/hasSubmissions}}
        {{^hasSubmissions}}<p>{{t.noSubmissions}}</p>{{/hasSubmissions}}
        """

    static let change = """
        <p>{{#kinds}}{{#current}}<strong>{{label}}</strong>{{/current}}{{^current}}<a href="/changes/new?kind={{kind}}">{{label}}</a>{{/current}} · {{/kinds}}</p>
        {{#hasErrors}}<p role="alert" class="error" id="error-summary">{{t.fixErrors}}</p>{{/hasErrors}}
        {{#hasPreview}}<div role="status" class="preview" id="preview">{{preview}}</div>{{/hasPreview}}
        <form method="post" action="/changes" novalidate>
        <input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="kind" value="{{kind}}">
        {{#hasDraft}}<input type="hidden" name="draft" value="{{draftID}}">{{/hasDraft}}
        {{#hasConfirmedEnd}}<input type="hidden" name="confirmedEnd" value="{{confirmedEnd}}">{{/hasConfirmedEnd}}
        {{#groups}}
        <fieldset><legend>{{legend}}</legend>
        {{#fields}}
        <div class="field">
        <label for="f-{{name}}">{{label}}</label>
        {{#isSelect}}<select id="f-{{name}}" name="{{name}}"{{#hasError}} aria-invalid="true" aria-describedby="f-{{name}}-error"{{/hasError}}><option value="">{{t.choose}}</option>{{#options}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/options}}</select>{{/isSelect}}
        {{^isSelect}}<input id="f-{{name}}" name="{{name}}" type="{{inputType}}" value="{{value}}" autocomplete="{{autocomplete}}"{{#hasError}} aria-invalid="true" aria-describedby="f-{{name}}-error"{{/hasError}}>{{/isSelect}}
        {{#hasHint}}<p class="hint" id="f-{{name}}-hint">{{hint}}</p>{{/hasHint}}
        {{#hasError}}<p id="f-{{name}}-error" class="error">{{error}}</p>{{/hasError}}
        </div>
        {{/fields}}
        </fieldset>
        {{/groups}}
        <button type="submit" name="action" value="check">{{t.check}}</button>
        <button type="submit" name="action" value="save">{{t.save}}</button>
        <button type="submit" name="action" value="send">{{t.send}}</button>
        </form>
        """

    static let submission = """
        <dl id="submission">
        <dt>{{t.kind}}</dt><dd>{{kind}}</dd>
        <dt>{{t.state}}</dt><dd id="state">{{state}}</dd>
        {{#hasOutcome}}<dt>{{t.details}}</dt><dd>{{outcome}}</dd>{{/hasOutcome}}
        {{#hasReason}}<dt>{{t.reason}}</dt><dd>{{reason}}</dd>{{/hasReason}}
        {{#lines}}<dt>{{label}}</dt><dd>{{value}}</dd>{{/lines}}
        </dl>
        """

    static let queue = """
        {{#hasError}}<p role="alert" class="error">{{error}}</p>{{/hasError}}
        {{#agreements}}
        <section aria-labelledby="a-{{id}}">
        <h2 id="a-{{id}}">A{{id}} {{t.createAgreement}}</h2>
        <dl>{{#lines}}<dt>{{label}}</dt><dd>{{value}}</dd>{{/lines}}</dl>
        <form method="post" action="/lab/agreements/{{id}}/accept"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">{{t.accept}} A{{id}}</button></form>
        <form method="post" action="/lab/agreements/{{id}}/reject"><input type="hidden" name="csrf" value="{{csrf}}">
        <label for="reason-a{{id}}">{{t.reason}}</label> <input id="reason-a{{id}}" name="reason" type="text" required>
        <button type="submit">{{t.reject}} A{{id}}</button></form>
        </section>
        {{/agreements}}
        {{^hasItems}}<p>{{t.emptyQueue}}</p>{{/hasItems}}
        {{#items}}
        <section aria-labelledby="s-{{id}}">
        <h2 id="s-{{id}}">#{{id}} {{kind}} – {{t.customer}} {{customerID}}</h2>
        <dl>{{#lines}}<dt>{{label}}</dt><dd>{{value}}</dd>{{/lines}}</dl>
        <form method="post" action="/lab/submissions/{{id}}/accept"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">{{t.accept}} #{{id}}</button></form>
        <form method="post" action="/lab/submissions/{{id}}/reject"><input type="hidden" name="csrf" value="{{csrf}}">
        <label for="reason-{{id}}">{{t.reason}}</label> <input id="reason-{{id}}" name="reason" type="text" required>
        <button type="submit">{{t.reject}} #{{id}}</button></form>
        </section>
        {{/items}}
        """

    static let audit = """
        <table id="audit"><thead><tr><th scope="col">{{t.when}}</th><th scope="col">{{t.who}}</th><th scope="col">{{t.what}}</th><th scope="col">{{t.customer}}</th><th scope="col">#</th><th scope="col">{{t.details}}</th></tr></thead>
        <tbody>{{#entries}}<tr><td>{{at}}</td><td>{{userName}}</td><td>{{action}}</td><td>{{customerID}}</td><td>{{submissionID}}</td><td>{{detail}}</td></tr>
        {{/entries}}</tbody></table>
        """

    static let outbox = """
        <table id="outbox"><thead><tr><th scope="col">{{t.when}}</th><th scope="col">{{t.recipient}}</th><th scope="col">{{t.subject}}</th><th scope="col">{{t.details}}</th></tr></thead>
        <tbody>{{#messages}}<tr><td>{{at}}</td><td>{{recipient}}</td><td>{{subject}}</td><td><pre>{{body}}</pre></td></tr>
        {{/messages}}</tbody></table>
        """

    static let message = """
        <p id="message">{{text}}</p>
        {{#hasLink}}<p><a id="resume-link" href="{{link}}">{{link}}</a></p>{{/hasLink}}
        <p><a href="/overview">{{t.overview}}</a></p>
        """

    static let documents = """
        <h2>{{t.resultLists}}</h2>
        <p>{{t.resultListsNote}}</p>
        {{#hasResults}}<ul id="result-lists">{{#results}}<li>{{t.periodsEnding}} {{month}}: <a href="/documents/results/{{month}}.pdf">PDF</a> · <a href="/documents/results/{{month}}.csv">CSV</a></li>
        {{/results}}</ul>{{/hasResults}}
        {{^hasResults}}<p>{{t.noDocuments}}</p>{{/hasResults}}
        <h2>{{t.packingSlips}}</h2>
        {{#hasSlips}}<ul id="packing-slips">{{#slips}}<li>{{number}} ({{dispatchedOn}}): <a href="/documents/packing-slips/{{id}}.pdf">PDF</a></li>
        {{/slips}}</ul>{{/hasSlips}}
        {{^hasSlips}}<p>{{t.noDocuments}}</p>{{/hasSlips}}
        <h2>{{t.charges}}</h2>
        {{#hasCharges}}<ul id="charges">{{#charges}}<li>{{month}}: <a href="/documents/charges/{{month}}.pdf">PDF</a> · <a href="/documents/charges/{{month}}.csv">CSV</a></li>
        {{/charges}}</ul>{{/hasCharges}}
        {{^hasCharges}}<p>{{t.noDocuments}}</p>{{/hasCharges}}
        """

    static let agreement = """
        <p>{{t.createAgreementNote}}</p>
        {{#hasLimit}}<p role="alert" class="error" id="rate-limited">{{limitText}}</p>{{/hasLimit}}
        {{#hasErrors}}<p role="alert" class="error" id="error-summary">{{t.fixErrors}}</p>{{/hasErrors}}
        <form method="post" action="/agreement" novalidate>
        <input type="hidden" name="csrf" value="{{csrf}}">
        {{#hasToken}}<input type="hidden" name="token" value="{{token}}">{{/hasToken}}
        {{#groups}}
        <fieldset><legend>{{legend}}</legend>
        {{#fields}}
        <div class="field">
        <label for="f-{{name}}">{{label}}</label>
        {{#isSelect}}<select id="f-{{name}}" name="{{name}}"{{#hasError}} aria-invalid="true" aria-describedby="f-{{name}}-error"{{/hasError}}><option value="">{{t.choose}}</option>{{#options}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/options}}</select>{{/isSelect}}
        {{^isSelect}}<input id="f-{{name}}" name="{{name}}" type="{{inputType}}" value="{{value}}" autocomplete="{{autocomplete}}"{{#hasError}} aria-invalid="true" aria-describedby="f-{{name}}-error"{{/hasError}}>{{/isSelect}}
        {{#hasHint}}<p class="hint" id="f-{{name}}-hint">{{hint}}</p>{{/hasHint}}
        {{#hasError}}<p id="f-{{name}}-error" class="error">{{error}}</p>{{/hasError}}
        </div>
        {{/fields}}
        </fieldset>
        {{/groups}}
        <button type="submit" name="action" value="check">{{t.check}}</button>
        <button type="submit" name="action" value="save">{{t.save}}</button>
        <button type="submit" name="action" value="send">{{t.send}}</button>
        </form>
        """

    static let record = """
        <p id="person">{{name}} · {{t.nationalIDMasked}} {{maskedID}} · {{t.customer}} {{customerID}}</p>
        {{#hasRows}}
        <table id="record">
        <thead><tr><th scope="col">{{t.periodLength}}</th><th scope="col">{{t.dosimeterType}}</th><th scope="col">{{t.card}}</th><th scope="col">{{t.hp10}}</th><th scope="col">{{t.hp007}}</th><th scope="col">{{t.state}}</th></tr></thead>
        <tbody>{{#rows}}<tr><td>{{period}}</td><td>{{type}}</td><td>{{card}}</td><td>{{hp10}}</td><td>{{hp007}}</td><td>{{status}}</td></tr>
        {{/rows}}</tbody>
        <tfoot><tr><th scope="row" colspan="3">{{t.total}}</th><td id="sum-hp10">{{sumHp10}}</td><td id="sum-hp007">{{sumHp007}}</td><td></td></tr></tfoot>
        </table>
        {{/hasRows}}
        {{^hasRows}}<p>{{t.noPeriods}}</p>{{/hasRows}}
        """

    static let access = """
        <p>{{t.wearerAccessNote}}</p>
        {{#hasRows}}
        <table id="access"><thead><tr><th scope="col">{{t.userName}}</th><th scope="col">{{t.wearer}}</th><th scope="col">{{t.nationalIDMasked}}</th><th scope="col">{{t.state}}</th><th scope="col"></th></tr></thead>
        <tbody>{{#rows}}<tr><td>{{userName}}</td><td>{{name}}</td><td>{{maskedID}}</td><td>{{state}}</td><td>
        {{#granted}}<form method="post" action="/access/{{id}}/revoke"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">{{t.revoke}} ({{userName}})</button></form>{{/granted}}
        {{^granted}}<form method="post" action="/access/{{id}}/grant"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">{{t.grant}} ({{userName}})</button></form>{{/granted}}
        </td></tr>
        {{/rows}}</tbody></table>
        {{/hasRows}}
        {{^hasRows}}<p>{{t.noWearerAccounts}}</p>{{/hasRows}}
        """
}
