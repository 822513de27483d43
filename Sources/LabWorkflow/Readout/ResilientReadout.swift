import Instruments
import Logging
import ReaderProtocol

/// A ``ReadoutJob`` that survives a pulled cable and, when the operator confirms, reader faults.
///
/// When the connection is lost mid-batch (the port hangs up, the transport closes, or the link stays
/// dead after the driver's own recoveries), it closes the old connection, tries to open the reader
/// again every ``Policy/retryInterval`` until ``Policy/reconnectTimeout``, checks by IDENTIFY that the
/// same reader (serial number) came back, and runs the job again: the job finds the batch still open by
/// the reader's serial and the driver resumes from the reader's state, so a curve the reader still holds
/// is fetched and stored, an element whose heating was cut off is recorded as lost, and nothing stored
/// is read or stored twice.
///
/// When the lab's database becomes unavailable mid-batch (PostgreSQL stopped or restarting, SQLite
/// locked beyond its busy timeout), the element in hand is not released: the reader keeps its curve.
/// The readout says so once, tries the database again with a growing pause (``Policy/databaseRetryInterval``
/// up to ``Policy/databaseRetryMaxInterval``) until ``Policy/databaseRetryTimeout``, says when it is
/// back, and runs the job again on the same connection: the held curve is fetched again, stored, and
/// only then released.
///
/// A fault the operator must clear (jam, door open, heater or high-voltage fault) stops the batch,
/// unless ``Policy/operatorClearance`` says the operator fixed it: the latched events are then cleared
/// and the batch goes on. ``Policy/clearFaultsAtStart`` does the same once at the start, for an operator
/// who runs the command again after fixing the reader.
///
/// ```swift
/// let readout = ResilientReadout(job: job, opener: .init { _ in try await SerialPortTransport.open(path: path) },
///                                policy: .init(reconnectTimeout: .seconds(180)), logger: logger)
/// let result = try await readout.run(manifest: cards, notify: { print($0) })
/// ```
public struct ResilientReadout: Sendable {
    /// How hard to try.
    public struct Policy: Sendable {
        /// How long to wait for the reader to come back after it was disconnected; `.zero` gives up at once.
        public var reconnectTimeout: Duration
        /// Pause between attempts to open the reader again.
        public var retryInterval: Duration
        /// Timing of the reader sessions.
        public var readerConfiguration: TLReaderConfiguration
        /// The operator has fixed the reader: clear latched fault events before the first run.
        public var clearFaultsAtStart: Bool
        /// Asked when a fault stops the batch, with the latched fault events: true = the operator fixed
        /// it, clear the events and go on; false (or nil) = stop with the fault.
        public var operatorClearance: (@Sendable (ReaderEvents) async -> Bool)?
        /// Fault stops handled in one call at most (a guard against a fault that keeps coming back).
        public var maxFaultClearances: Int
        /// How long to wait for the lab's database to come back after it became unavailable (per
        /// outage); `.zero` stops at once with the store's error.
        public var databaseRetryTimeout: Duration
        /// The first pause before trying the database again; doubled after each failed try.
        public var databaseRetryInterval: Duration
        /// The longest pause between tries of the database.
        public var databaseRetryMaxInterval: Duration

        public init(reconnectTimeout: Duration = .seconds(180), retryInterval: Duration = .milliseconds(250),
                    readerConfiguration: TLReaderConfiguration = .init(), clearFaultsAtStart: Bool = false,
                    operatorClearance: (@Sendable (ReaderEvents) async -> Bool)? = nil, maxFaultClearances: Int = 20,
                    databaseRetryTimeout: Duration = .seconds(300), databaseRetryInterval: Duration = .milliseconds(250),
                    databaseRetryMaxInterval: Duration = .seconds(5)) {
            self.reconnectTimeout = reconnectTimeout
            self.retryInterval = retryInterval
            self.readerConfiguration = readerConfiguration
            self.clearFaultsAtStart = clearFaultsAtStart
            self.operatorClearance = operatorClearance
            self.maxFaultClearances = maxFaultClearances
            self.databaseRetryTimeout = databaseRetryTimeout
            self.databaseRetryInterval = databaseRetryInterval
            self.databaseRetryMaxInterval = databaseRetryMaxInterval
        }
    }

    /// What happened, for the operator.
    public enum Notice: Sendable, Hashable, CustomStringConvertible {
        /// The connection was lost; waiting for the reader to come back.
        case disconnected(serial: String?, reason: String, waitingUpTo: Duration)
        /// The same reader answered again; the batch is resumed.
        case resumed(serial: String?)
        /// A fault stopped the batch.
        case fault(ReaderEvents, reason: String)
        /// Latched fault events were cleared on the operator's word.
        case faultsCleared(ReaderEvents)
        /// The lab's database cannot be written; the reader keeps what it holds; trying again.
        case databaseUnavailable(DatabaseOutage, retryingUpTo: Duration)
        /// The database answers again (after this long); the batch goes on.
        case databaseBack(after: Duration)

        public var description: String {
            switch self {
            case let .disconnected(serial, reason, wait):
                "reader \(serial ?? "") disconnected (\(reason)); waiting for it to come back (up to \(Self.seconds(wait)))…"
            case let .resumed(serial): "reader \(serial ?? "") is back: resumed"
            case let .fault(events, reason): "reader fault \(events): \(reason)"
            case let .faultsCleared(events): "cleared the reader's fault events \(events) (the operator fixed the reader)"
            case let .databaseUnavailable(outage, wait):
                "\(outage); retrying for up to \(Self.seconds(wait))…"
            case let .databaseBack(after):
                "database is back after \(Self.seconds(after)): the batch goes on"
            }
        }

        static func seconds(_ d: Duration) -> String {
            let s = d.components.seconds
            return s >= 120 ? "\(s / 60) min" : "\(s) s"
        }
    }

    /// What a run did.
    public struct Outcome: Sendable {
        /// The last run of the job (it covers the batch from the last resume on).
        public var result: ReadoutJob.Result
        /// What the whole call did, across reconnects (nil when there was nothing to read).
        public var tally: RunTally?
        /// How often the reader was disconnected and came back.
        public var reconnections: Int
        /// How often fault events were cleared on the operator's word (including at the start).
        public var faultClearances: Int
        /// How often the database was unavailable and came back.
        public var databaseOutages = 0
    }

    let job: ReadoutJob
    let opener: Opener
    let policy: Policy
    /// What the waits run on (reconnect timeout, retry interval, the reader sessions' polls and timeouts).
    let clock: AnyClock
    let logger: Logger

    /// - Parameter clock: the real clock by default; a test passes a manual clock and lets time pass.
    public init(job: ReadoutJob, opener: Opener, policy: Policy = .init(), clock: some Clock<Duration> = ContinuousClock(),
                logger: Logger) {
        self.job = job
        self.opener = opener
        self.policy = policy
        self.clock = AnyClock(clock)
        self.logger = logger
    }

    /// Runs the job until the batch is complete, reconnecting after unplugs and clearing faults the
    /// operator fixed.
    /// - Throws: ``ResilientReadoutError`` when the reader did not come back in time or a fault stays;
    ///   otherwise the job's error (a fault the operator did not clear, a store failure, …). The batch
    ///   stays open and resumable in every case.
    public func run(
        manifest: [ShipmentCard], groupID: String? = nil, profile: WireProfile = .lifMgTiDefault,
        progress: @escaping @Sendable (ReadoutProgress) -> Void = { _ in },
        notify: @escaping @Sendable (Notice) -> Void = { _ in }
    ) async throws -> Outcome {
        var reader = TLReader(transport: try await opener.open(nil), configuration: policy.readerConfiguration, clock: clock, logger: logger)
        var serial: String?
        var start: RunTally.Start?
        var job = self.job
        var reconnections = 0
        var clearances = 0
        var outages = 0
        var source = ""
        while true {
            // One connection: it ends with the batch read, a lost line, or an error; the session closes
            // the connection in every case.
            let end: SessionEnd = try await withReaderSession(reader) { reader in
                if start == nil {
                    // The first contact: a device that never answers is not a reader that went away — fail at
                    // once with its own message (there is no batch to keep open, nothing to wait for).
                    let identity: WireReaderIdentity
                    do {
                        identity = try await reader.connect().identity
                    } catch {
                        guard ReaderRecovery(error).isConnectionLoss else { throw error }
                        throw ResilientReadoutError.noAnswer(reason: "\(error)")
                    }
                    serial = identity.serial
                    source = ReadoutJob.source(for: identity)
                    let (store, source) = (job.store, source)
                    start = try await retryingStore(notify: notify) { try RunTally.Start(store: store, source: source) }
                    job.readerQCSessionStart = job.now()
                    if policy.clearFaultsAtStart, try await clearFaults(reader, notify: notify) { clearances += 1 }
                }
                while true {
                    do {
                        await settle(reader)
                        let result = try await job.run(reader: reader, manifest: manifest, groupID: groupID, profile: profile, progress: progress)
                        var tally: RunTally?
                        if case let .read(outcome) = result, let id = outcome.batch.id, let start {
                            let store = job.store
                            tally = try await retryingStore(notify: notify) { try start.tally(store: store, batch: id) }
                        }
                        return .finished(Outcome(result: result, tally: tally, reconnections: reconnections, faultClearances: clearances,
                                                 databaseOutages: outages))
                    } catch {
                        serial = await reader.identity?.serial ?? serial
                        if policy.databaseRetryTimeout > .zero, let outage = DatabaseOutage(error) {
                            // The reader keeps the element in hand; when the database answers again,
                            // the job resumes the batch on this connection and stores it.
                            let (store, source) = (job.store, source)
                            _ = try await waitForDatabase(outage, notify: notify) { _ = try store.findOpenBatch(source: source) }
                            outages += 1
                            continue
                        }
                        let recovery = ReaderRecovery(error)
                        if let events = recovery.faultEvents {
                            notify(.fault(events, reason: "\(error)"))
                            guard clearances < policy.maxFaultClearances, let ask = policy.operatorClearance, await ask(events) else {
                                throw error
                            }
                            do {
                                if try await clearFaults(reader, notify: notify) { clearances += 1 }
                                continue
                            } catch let clearing {
                                guard ReaderRecovery(clearing).isConnectionLoss else { throw clearing }
                                // Reconnect: the line died while clearing.
                            }
                        } else if !recovery.isConnectionLoss {
                            throw error
                        }
                        return .lineLost(error)
                    }
                }
            }
            switch end {
            case let .finished(outcome):
                return outcome
            case let .lineLost(error):
                guard policy.reconnectTimeout > .zero else { throw error }
                logger.notice("connection to the reader lost", metadata: ["serial": "\(serial ?? "?")", "error": "\(error)"])
                notify(.disconnected(serial: serial, reason: Self.shortReason(error), waitingUpTo: policy.reconnectTimeout))
                reader = try await waitForReader(serial: serial, lastError: error)
                reconnections += 1
                notify(.resumed(serial: serial))
            }
        }
    }

    /// How one connection's session ended (errors that end the run are thrown).
    private enum SessionEnd {
        case finished(Outcome)
        /// The line is gone; reconnect (this error is the reason).
        case lineLost(any Error)
    }

    /// Opens the reader again until it answers IDENTIFY with `serial`, or the timeout runs out.
    private func waitForReader(serial: String?, lastError: any Error) async throws -> TLReader {
        let deadline = clock.now.advanced(by: policy.reconnectTimeout)
        var last = "\(lastError)"
        while clock.now < deadline {
            try Task.checkCancellation()
            do {
                let transport = try await opener.open(serial)
                let candidate = TLReader(transport: transport, configuration: policy.readerConfiguration, clock: clock, logger: logger)
                do {
                    let identity = try await candidate.connect().identity
                    if serial == nil || identity.serial == serial { return candidate }
                    last = "another reader (\(identity.serial)) answered"
                    logger.notice("another reader answered; still waiting", metadata: ["found": "\(identity.serial)"])
                } catch {
                    last = "\(error)"
                }
                await candidate.close()
            } catch {
                last = "\(error)"
            }
            try await clock.sleep(for: policy.retryInterval)
        }
        throw ResilientReadoutError.readerDidNotReturn(serial: serial, waited: policy.reconnectTimeout, lastProblem: last)
    }

    /// Waits while the reader finishes a long operation (a reader that kept heating while its cable was
    /// out): the job's QC request would otherwise be refused `busy`. Errors are left for the job to meet.
    private func settle(_ reader: TLReader) async {
        guard (try? await reader.connect()) != nil else { return }
        let deadline = clock.now.advanced(by: policy.readerConfiguration.operationTimeout)
        while clock.now < deadline {
            guard let st = try? await reader.status() else { return }
            switch st.state {
            case .loading, .heating, .annealing, .ejecting: break
            default: return
            }
            guard (try? await clock.sleep(for: policy.readerConfiguration.pollInterval)) != nil else { return }
        }
    }

    /// Clears latched fault events (the operator's word that the cause is fixed). Returns whether any
    /// were latched. Throws ``ResilientReadoutError/faultPersists(_:)`` when the reader keeps them.
    private func clearFaults(_ reader: TLReader, notify: @Sendable (Notice) -> Void) async throws -> Bool {
        _ = try await reader.connect()
        let latched = try await reader.status().events.intersection(.faults)
        guard !latched.isEmpty else { return false }
        let left = try await reader.clearEvents(latched).intersection(.faults)
        guard left.isEmpty else { throw ResilientReadoutError.faultPersists(left) }
        logger.notice("fault events cleared on the operator's word", metadata: ["events": "\(latched)"])
        notify(.faultsCleared(latched))
        return true
    }

    private static func shortReason(_ error: any Error) -> String {
        let readerError: TLReaderError? = (error as? TLReaderError) ?? (error as? ReadoutError)?.readerError
        return switch readerError {
        case .link(.transport)?: "the port hung up"
        case .link(.linkLost)?: "no answer"
        case .reader(.notInitialised, _, _)?: "the reader restarted"
        default: "\(error)"
        }
    }
}
