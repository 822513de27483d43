import Logging

/// Runs `body` with `reader`, then closes the reader's connection, whether `body` returns or throws:
/// the one place a session ends, instead of a `close()` written on every exit path.
///
/// ```swift
/// let result = try await withReaderSession(reader) { reader in
///     try await reader.connect()
///     return try await reader.readMagazine(into: sink)
/// }
/// ```
public func withReaderSession<T, E: Error>(
    _ reader: TLReader,
    isolation: isolated (any Actor)? = #isolation,
    _ body: (TLReader) async throws(E) -> T
) async throws(E) -> T {
    let result: T
    do {
        result = try await body(reader)
    } catch {
        await reader.close()
        throw error
    }
    await reader.close()
    return result
}

/// Opens a session with the reader on `transport` (see ``TLReader/init(transport:configuration:clock:logger:)``),
/// runs `body` with it, and closes the connection whatever happens.
public func withReaderSession<T, E: Error>(
    transport: any ByteTransport, configuration: TLReaderConfiguration = .init(),
    clock: some Clock<Duration> = ContinuousClock(), logger: Logger,
    isolation: isolated (any Actor)? = #isolation,
    _ body: (TLReader) async throws(E) -> T
) async throws(E) -> T {
    try await withReaderSession(TLReader(transport: transport, configuration: configuration, clock: clock, logger: logger), body)
}
