import Foundation
import GlowCurve
import LabStore

/// Stored raw glow curves out of the database, as CSV or as a Risø BINX file (docs/binx.md), for a
/// batch, a card or a wear period. Nothing is recomputed: counts and measured temperatures are the reader's.
public struct CurveExport: Sendable {
    /// What to export.
    public enum Selection: Sendable, Hashable {
        /// A batch by its number or its group ID.
        case batch(String)
        case card(String)
        /// The cards of the issues whose wear period ends from `from` through `through` (inclusive),
        /// read in the batch the issue records: the convention of the person dose record and the result
        /// list, where a period counts on the day it ends (docs/dose-records.md). A card read twice
        /// for other periods is not included for them; the lab's calibration and control dosimeters,
        /// on no issue, are in no period.
        case period(from: CalendarDay, through: CalendarDay)
    }

    let store: any LabRecordStore

    public init(store: any LabRecordStore) {
        self.store = store
    }

    /// One stored curve with where it came from.
    public struct Curve: Sendable {
        public var batch: ReadoutBatch
        public var reading: ElementReading
        public var curve: ElementCurve
    }

    /// The stored curves of the selection, by batch, card and element; lost and absent elements are skipped.
    public func curves(_ selection: Selection) throws -> [Curve] {
        let readings: [ElementReading]
        switch selection {
        case let .batch(key):
            let batches = try store.batches()
            guard let batch = batches.first(where: { $0.groupID == key }) ?? Int64(key).flatMap({ n in batches.first { $0.id?.rawValue == n } }),
                  let id = batch.id else { throw WorkflowError.batchNotFound(key) }
            readings = try store.readings(batch: id)
        case let .card(id):
            readings = try store.readings(card: id)
        case let .period(from, through):
            var byBatch: [ReadoutBatch.ID: [ElementReading]] = [:]
            var found: [ElementReading] = []
            for customer in try store.customers() {
                for issue in try store.issues(customerID: customer.id) where issue.periodEnd >= from && issue.periodEnd <= through {
                    guard let batch = issue.batchID else { continue }
                    if byBatch[batch] == nil { byBatch[batch] = try store.readings(batch: batch) }
                    found += (byBatch[batch] ?? []).filter { $0.cardID == issue.cardID }
                }
            }
            readings = found
        }
        var batchCache: [ReadoutBatch.ID: ReadoutBatch] = [:]
        var out: [Curve] = []
        for r in readings.sorted(by: { ($0.batchID.rawValue, $0.cardID, $0.element) < ($1.batchID.rawValue, $1.cardID, $1.element) }) {
            guard case let .stored(curve) = r.outcome else { continue }
            if batchCache[r.batchID] == nil { batchCache[r.batchID] = try store.batch(id: r.batchID) }
            guard let batch = batchCache[r.batchID] else { continue }
            out.append(Curve(batch: batch, reading: r, curve: curve))
        }
        return out
    }

    /// Long CSV: one row per channel (`batch,card,element,read_at,channel,time_s,temperature_C,counts`).
    public static func csv(_ curves: [Curve]) -> String {
        var s = "batch,card,element,read_at,channel,time_s,temperature_C,counts\n"
        let iso = ISO8601DateFormatter()
        for c in curves {
            let seconds = Double(c.curve.channelMicroseconds) / 1e6
            let when = iso.string(from: c.reading.readAt)
            for i in c.curve.counts.indices {
                s += "\(c.batch.groupID),\(c.reading.cardID),\(c.reading.element),\(when),\(i + 1),"
                s += String(format: "%.4f,%.1f,%u\n", (Double(i) + 0.5) * seconds, Double(c.curve.temperaturesDeciCelsius[i]) / 10, c.curve.counts[i])
            }
        }
        return s
    }

    /// A BINX (version 8) file, one TL record per element. A BINX TL record has only a start and end
    /// temperature (LOW, HIGH) and a heating rate (RATE: the profile's ramp): LOW and HIGH are chosen so that R Luminescence's
    /// axis LOW + (HIGH − LOW)·i/N puts the first and last channels at their measured temperatures;
    /// the measured per-channel temperatures (noise, the hold) are kept only by the CSV export.
    /// SAMPLE is the card, POSITION the element, RUN the record's number, COMMENT the batch and read
    /// time, DATE/TIME the read (UTC).
    public static func binx(_ curves: [Curve]) throws -> [UInt8] {
        var records: [RisoeBINX.Record] = []
        let dateFormat = DateFormatter()
        dateFormat.locale = Locale(identifier: "en_US_POSIX")
        dateFormat.timeZone = TimeZone(identifier: "UTC")
        for (n, c) in curves.enumerated() {
            let t = c.curve.temperaturesDeciCelsius.map { Double($0) / 10 }
            let count = Double(t.count)
            let first = t.first ?? 0, last = t.last ?? 0
            let step = count > 1 ? (last - first) / (count - 1) : 0
            // The ramp of the batch's time–temperature profile (the hold at the top is not a ramp).
            let rate = Double(c.batch.timeTemperatureProfile.rampDeciCelsiusPerSecond) / 10
            dateFormat.dateFormat = "ddMMyy"
            let date = dateFormat.string(from: c.reading.readAt)
            dateFormat.dateFormat = "HHmmss"
            let time = dateFormat.string(from: c.reading.readAt)
            records.append(.thermoluminescence(
                c.curve.counts, lowCelsius: first - step, highCelsius: last, heatingRateKelvinPerSecond: rate,
                position: c.reading.element, run: n + 1, sample: String(c.reading.cardID.prefix(20)),
                comment: String("tld batch \(c.batch.groupID) card \(c.reading.cardID) element \(c.reading.element)".prefix(80)),
                date: date, time: time))
        }
        return try RisoeBINX.encode(records)
    }
}
