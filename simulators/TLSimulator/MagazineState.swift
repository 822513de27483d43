import ReaderProtocol

/// Everything the reader keeps in non-volatile memory (PROTOCOL.md 6): the magazine, the loaded card,
/// element states, trap populations, held curves, events and the profile. Written to the state file
/// after every change.
struct MagazineState: Sendable, Hashable, Codable {
    static let currentFormat = 1

    var format = MagazineState.currentFormat
    /// Identifies the scenario the state belongs to.
    var scenarioFingerprint: UInt64
    /// Index of the next card in the input magazine.
    var nextCardIndex = 0
    /// Index of the card in the reading position.
    var loadedCardIndex: Int?
    var cards: [CardRecord]
    var events: UInt32
    var profile: TimeTemperatureProfile
    /// QC measurements made so far (keys the QC random stream).
    var qcCount = 0
    /// A long operation that was running when the state was written; resolved on restart.
    var operationInProgress: PersistedOperation?
    /// Which of the scenario's faults have fired (absent when the scenario declares none).
    var faultProgress: FaultProgress?
}

/// How far the scenario's faults have got: kept with the magazine so a restart does not fire a fault again.
struct FaultProgress: Sendable, Hashable, Codable {
    /// Matching requests seen so far, per fault.
    var matches: [Int]
    var fired: [Bool]
    /// LOAD_NEXT requests executed (for `at.load`).
    var loads = 0

    init(count: Int) {
        matches = Array(repeating: 0, count: count)
        fired = Array(repeating: false, count: count)
    }
}

enum PersistedOperation: String, Sendable, Hashable, Codable {
    case loading, heating, annealing, ejecting
}

/// The state of one card of the magazine.
struct CardRecord: Sendable, Hashable, Codable {
    /// `ElementState` raw values, one per position.
    var elementStates: [UInt8]
    /// Trapped populations (expected counts) per element and trap.
    var populations: [[Double]]
    /// Heatings so far per element (keys the read random stream).
    var readCounts: [Int]
    /// The last curve of each element, while the reader holds it.
    var curves: [HeldCurve?]

    func state(_ index: Int) -> ElementState { ElementState(rawValue: elementStates[index]) ?? .interrupted }
    mutating func set(_ index: Int, _ s: ElementState) { elementStates[index] = s.rawValue }
}

/// A glow curve held by the reader (complete when the element is `buffered`).
struct HeldCurve: Sendable, Hashable, Codable {
    var counts: [UInt32]
    var temperaturesDeciCelsius: [Int16]
    /// Channels acquired (kept after the channel data is dropped on release).
    var acquired: Int
    /// Channels the profile asks for (the curve is complete when `counts.count == channelsExpected`).
    var channelsExpected: Int
    var channelMicroseconds: UInt32
    var darkCountsPerSecond: UInt32
    var heaterMaxDeciCelsius: Int16
    /// CRC-32 of the complete curve; 0 until complete.
    var crc32: UInt32

    var channels: [CurveChannel] {
        zip(counts, temperaturesDeciCelsius).map { CurveChannel(counts: $0, temperatureDeciCelsius: $1) }
    }
}
