/// Timing of a reader session (PROTOCOL.md 3.4) and how hard the driver tries to get a good curve.
public struct TLReaderConfiguration: Sendable, Hashable {
    /// T_reply and N_retry of the link layer.
    public var link: LinkConfiguration
    /// Protocol versions this host speaks (offered in HELLO).
    public var supportedVersions: ClosedRange<UInt8>
    /// T_poll: the interval between STATUS / GET_CHUNK polls during long operations (protocol: 50–250 ms).
    public var pollInterval: Duration
    /// T_op: give up on a long operation (load, heating, anneal, eject) after this (protocol: 60 s).
    /// For heating it is added to the reader's announced acquisition time.
    public var operationTimeout: Duration
    /// How often a curve is fetched before its channel count or CRC-32 mismatch is an error.
    public var curveFetchAttempts: Int
    /// Channels asked for per GET_CHUNK (1…128).
    public var chunkChannels: UInt8

    public init(link: LinkConfiguration = .init(), supportedVersions: ClosedRange<UInt8> = 1...1,
                pollInterval: Duration = .milliseconds(100), operationTimeout: Duration = .seconds(60),
                curveFetchAttempts: Int = 3, chunkChannels: UInt8 = 128) {
        self.link = link
        self.supportedVersions = supportedVersions
        self.pollInterval = pollInterval
        self.operationTimeout = operationTimeout
        self.curveFetchAttempts = max(1, curveFetchAttempts)
        self.chunkChannels = min(max(1, chunkChannels), 128)
    }
}
