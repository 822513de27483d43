/// How a barcode scanner is set up and how its scans are judged.
public struct ScannerConfiguration: Sendable, Hashable {
    /// The terminator after each code (serial mode only; HID POS reports carry a length).
    public var suffix: ScanSuffix
    /// Whether the scanner sends an AIM symbology identifier (`]C0`) before each code. When true a
    /// code without one is rejected; when false a leading `]xy` is still recognised and removed.
    public var expectsSymbologyIdentifier: Bool
    /// The same code scanned again within this time of its last reading is dropped (a double scan).
    public var debounceWindow: Duration
    /// The symbologies (AIM code characters) a card label may use; empty accepts any but EAN/UPC.
    public var acceptedSymbologies: Set<Character>
    /// Longest code accepted, in bytes; more without a suffix is reported as unreadable.
    public var maximumLength: Int

    public init(
        suffix: ScanSuffix = .cr, expectsSymbologyIdentifier: Bool = false,
        debounceWindow: Duration = .milliseconds(1500), acceptedSymbologies: Set<Character> = [],
        maximumLength: Int = 256
    ) {
        self.suffix = suffix
        self.expectsSymbologyIdentifier = expectsSymbologyIdentifier
        self.debounceWindow = debounceWindow
        self.acceptedSymbologies = acceptedSymbologies
        self.maximumLength = maximumLength
    }
}
