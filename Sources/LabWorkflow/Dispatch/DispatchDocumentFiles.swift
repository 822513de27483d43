import Foundation
import LabReports
import LabStore

/// The files of a day's shipments in a ``DocumentFolder``: per shipment the packing slip
/// (`packing-slip-CUSTOMER-DAY-SID.txt|html|csv|pdf`) and the label sheet (`labels-CUSTOMER-DAY-SID.pdf`).
///
/// A shipment's documents are made once: a shipment never changes after its transaction, so a rerun
/// on the same day (after a kill, or a second dispatch of the day) keeps the files of a shipment that
/// are all there whole and writes only the missing ones. Each file is written whole or not at all;
/// the folder is made durable once at the end (``DocumentFolder/flush()``).
public struct DispatchDocumentFiles: Sendable {
    let store: any DispatchStore
    let documents: DispatchDocuments
    let folder: DocumentFolder

    public init(store: any DispatchStore, protector: NationalIDProtector, folder: DocumentFolder) {
        self.store = store
        self.documents = DispatchDocuments(store: store, protector: protector)
        self.folder = folder
    }

    public struct Outcome: Sendable, Hashable {
        /// Shipments of the day whose documents this run wrote.
        public var written = 0
        /// Shipments of the day whose documents were there whole already.
        public var kept = 0
        public var shipments: Int { written + kept }
    }

    /// One document of a shipment: its file name and how a whole file ends.
    struct File {
        var name: String
        var trailer: [UInt8]
    }

    static func files(customerID: String, day: CalendarDay, shipment: Int64) -> (txt: File, html: File, csv: File, pdf: File, labels: File) {
        let base = "packing-slip-\(customerID)-\(day)-S\(shipment)"
        return (File(name: base + ".txt", trailer: Array("\n".utf8)), File(name: base + ".html", trailer: Array("</html>\n".utf8)),
                File(name: base + ".csv", trailer: Array("\r\n".utf8)), File(name: base + ".pdf", trailer: Array("%%EOF\n".utf8)),
                File(name: "labels-\(customerID)-\(day)-S\(shipment).pdf", trailer: Array("%%EOF\n".utf8)))
    }

    /// Writes the documents of every shipment dispatched on `day` that are not all there yet: the
    /// slips read from the store one after the other, then made and written on two threads (the
    /// formatting is most of the work).
    public func write(day: CalendarDay) throws -> Outcome {
        folder.removePartials()
        var outcome = Outcome()
        var pending: [(PackingSlip, (txt: File, html: File, csv: File, pdf: File, labels: File))] = []
        for shipment in try store.shipments(dispatchedOn: day) {
            guard let id = shipment.id else { continue }
            let f = Self.files(customerID: shipment.customerID, day: day, shipment: id.rawValue)
            if [f.txt, f.html, f.csv, f.pdf, f.labels].allSatisfy({ folder.holdsWhole($0.name, endingWith: $0.trailer) }) {
                outcome.kept += 1
                continue
            }
            pending.append((try documents.packingSlip(shipment: shipment), f))
        }
        let failures = FirstFailure()
        let work = pending
        let (out, made) = (folder, documents)
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            for (slip, f) in stride(from: worker, to: work.count, by: 2).map({ work[$0] }) {
                guard !failures.happened else { return }
                do {
                    try out.write(Array(slip.text().utf8), as: f.txt.name)
                    try out.write(Array(slip.html().utf8), as: f.html.name)
                    try out.write(Array(slip.csv().utf8), as: f.csv.name)
                    try out.write(slip.pdf(), as: f.pdf.name)
                    try out.write(made.labelSheet(slip: slip).pdf(), as: f.labels.name)
                } catch {
                    failures.record(error)
                    return
                }
            }
        }
        if let error = failures.first { throw error }
        outcome.written = work.count
        if outcome.written > 0 { try folder.flush() }
        return outcome
    }
}

/// The first error of several threads.
final class FirstFailure: @unchecked Sendable {  // every access holds `lock`
    private let lock = NSLock()
    private var error: DocumentFolderError?
    var happened: Bool { lock.withLock { error != nil } }
    var first: DocumentFolderError? { lock.withLock { error } }
    func record(_ e: any Error) {
        lock.withLock { if error == nil { error = e as? DocumentFolderError ?? .cannotWrite(path: "", reason: "\(e)") } }
    }
}
