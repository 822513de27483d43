import Foundation

/// The review page of one readout batch (`tld review --page DIR`): one self-contained HTML file with,
/// for each dose under review, why it is there, who wore the card (wearer, first 4 digits of the
/// national ID, customer, period), the person's earlier periods, and the elements' glow curves with
/// their fits side by side (inline SVG from ``GlowCurvePlot``, temperature in °C). No script, no
/// external resource: it opens from a folder or an e-mail attachment as it is.
public struct ReviewPage: Sendable {
    public var batch: String
    /// When the page was made, as shown in its header.
    public var generated: String
    public var cards: [Card]

    /// One dose under review.
    public struct Card: Sendable {
        /// e.g. "dose 12 · card 10000032".
        public var title: String
        /// Hp(10), Hp(0.07), version, flags.
        public var summary: [String]
        /// Why the dose is under review, one line per stored reason.
        public var reasons: [String]
        /// Label–value pairs: wearer, national ID, customer, period, type, year to date.
        public var context: [(label: String, value: String)]
        public var previousHeader: [String]
        public var previous: [[String]]
        public var figures: [Figure]

        public init(title: String, summary: [String], reasons: [String], context: [(label: String, value: String)],
                    previousHeader: [String], previous: [[String]], figures: [Figure]) {
            self.title = title
            self.summary = summary
            self.reasons = reasons
            self.context = context
            self.previousHeader = previousHeader
            self.previous = previous
            self.figures = figures
        }
    }

    /// One element: its picture (curve and fit) and a line about the fit, or why there is no picture.
    public struct Figure: Sendable {
        public var caption: String
        public var svg: String?
        public var note: String

        public init(caption: String, svg: String?, note: String) {
            self.caption = caption
            self.svg = svg
            self.note = note
        }
    }

    public init(batch: String, generated: String, cards: [Card]) {
        self.batch = batch
        self.generated = generated
        self.cards = cards
    }

    public func html() -> String {
        let e = Self.escape
        var s = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <title>Review of batch \(e(batch))</title>
        <style>
        body { font-family: sans-serif; margin: 1.5em; color: #222; }
        section.card { border-top: 2px solid #888; margin-top: 1.5em; padding-top: .5em; }
        .reasons li { color: #a00; }
        table { border-collapse: collapse; margin: .4em 0; }
        td, th { border: 1px solid #ccc; padding: 2px 8px; text-align: left; }
        td.num { text-align: right; }
        .figures { display: flex; flex-wrap: wrap; gap: 12px; }
        figure { margin: 0; border: 1px solid #ddd; padding: 4px; flex: 0 1 420px; }
        figure svg { width: 100%; height: auto; display: block; }
        figcaption { font-size: 90%; }
        </style></head>
        <body>
        <h1>Review of batch \(e(batch))</h1>
        <p>\(cards.count) dose(s) need review. Made \(e(generated)). Curves against the reader's measured temperature (°C); \
        fits: the routine automatic deconvolution with the plausibility pass (general order, LiF:Mg,Ti preset), residuals below each curve.</p>

        """
        for card in cards {
            s += "<section class=\"card\">\n<h2>\(e(card.title))</h2>\n"
            s += "<p>" + card.summary.map(e).joined(separator: " · ") + "</p>\n"
            s += "<h3>Why it is here</h3>\n<ul class=\"reasons\">\n"
            s += (card.reasons.isEmpty ? ["no stored reason"] : card.reasons).map { "<li>\(e($0))</li>\n" }.joined()
            s += "</ul>\n"
            if !card.context.isEmpty {
                s += "<table class=\"context\">\n"
                for (label, value) in card.context { s += "<tr><th>\(e(label))</th><td>\(e(value))</td></tr>\n" }
                s += "</table>\n"
            }
            s += "<h3>Previous periods</h3>\n"
            if card.previous.isEmpty {
                s += "<p>none on the person's dose record</p>\n"
            } else {
                s += "<table class=\"previous\">\n<tr>" + card.previousHeader.map { "<th>\(e($0))</th>" }.joined() + "</tr>\n"
                for row in card.previous { s += "<tr>" + row.map { "<td>\(e($0))</td>" }.joined() + "</tr>\n" }
                s += "</table>\n"
            }
            s += "<h3>Glow curves</h3>\n<div class=\"figures\">\n"
            for f in card.figures {
                s += "<figure>\n"
                if let svg = f.svg { s += Self.inline(svg) }
                s += "<figcaption><b>\(e(f.caption))</b>: \(e(f.note))</figcaption>\n</figure>\n"
            }
            s += "</div>\n</section>\n"
        }
        s += "</body></html>\n"
        return s
    }

    /// An SVG document inline in HTML: without its XML declaration, if any.
    static func inline(_ svg: String) -> String {
        guard svg.hasPrefix("<?xml"), let end = svg.range(of: "?>") else { return svg }
        return String(svg[end.upperBound...])
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
