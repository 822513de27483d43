/// A scanner's bytes or reports → `ScanEvent`s: suffix splitting, AIM identifier, debouncing
/// and card-id validation together. Pure and synchronous; the drivers feed it.
public struct ScanPipeline: Sendable {
    public let configuration: ScannerConfiguration
    private var splitter: ScanLineSplitter
    private var debouncer: ScanDebouncer
    private let classifier: ScanClassifier

    public init(configuration: ScannerConfiguration = ScannerConfiguration()) {
        self.configuration = configuration
        splitter = ScanLineSplitter(suffix: configuration.suffix, maximumLength: configuration.maximumLength)
        debouncer = ScanDebouncer(window: configuration.debounceWindow)
        classifier = ScanClassifier(configuration: configuration)
    }

    /// Serial mode: appends `bytes` (read at `now`) and returns the events for the codes they complete.
    public mutating func feed(_ bytes: [UInt8], at now: ContinuousClock.Instant) -> [ScanEvent] {
        splitter.feed(bytes).compactMap { piece in
            switch piece {
            case .code(let code): return accept(code: code, symbology: nil, at: now)
            case .overlong(let start):
                return .rejected(raw: ScanClassifier.display(start[...]) + "…",
                                 reason: .unreadable(detail: "more than \(configuration.maximumLength) bytes without a \(configuration.suffix) suffix"))
            }
        }
    }

    /// One complete code (HID POS, or after splitting): its event, or nil for a debounced repeat.
    public mutating func accept(code: [UInt8], symbology: AIMSymbologyIdentifier?, at now: ContinuousClock.Instant) -> ScanEvent? {
        let key = (symbology.map { Array($0.description.utf8) } ?? []) + code
        guard debouncer.admit(key, at: now) else { return nil }
        return classifier.classify(code, symbology: symbology)
    }
}
