import ReaderProtocol

extension TLReader {
    /// Reads every card of the magazine into `sink` (PROTOCOL.md 6), resuming where an earlier session
    /// stopped.
    ///
    /// It opens the session (HELLO, IDENTIFY, GET_PROFILE, STATUS), waits for a running operation to
    /// finish, and lets STATUS decide the resume point. For a card already loaded, each element is handled
    /// by its state: `buffered` → fetch the curve again, store, release; `interrupted` →
    /// ``ReadoutSink/recordLost(cardID:element:reason:)``; `released` → already stored, skipped; `notRead` →
    /// read; `absent` → skipped. Then the card is ejected and LOAD_NEXT repeats until the magazine is empty.
    ///
    /// RELEASE_ELEMENT is sent only after ``ReadoutSink/store(_:)`` returned; if the sink throws, the
    /// readout stops without releasing. When the link is lost or the reader rebooted (`notInitialised`),
    /// the readout starts again with HELLO and STATUS, up to `recoveries` times. After any error it can
    /// simply be called again: no element is heated twice and no buffered curve is lost.
    ///
    /// ```swift
    /// let (events, feed) = AsyncStream.makeStream(of: ReadoutProgress.self)
    /// Task { for await p in events { bar.show(card: p.cardNumber, of: p.cardCount, p.step) } }
    /// let summary = try await reader.readMagazine(into: store, progress: { feed.yield($0) })
    /// feed.finish()
    /// ```
    ///
    /// - Parameters:
    ///   - sink: durable storage for readings, and the record of lost elements.
    ///   - annealAfterReading: run the in-reader ANNEAL on each card before ejecting it.
    ///   - recoveries: how often a lost link or a reader reboot is recovered from within this call.
    ///   - progress: called at each step (on the reader's actor; keep it quick, e.g. yield into an
    ///     `AsyncStream`).
    /// - Throws: ``ReadoutError``.
    public func readMagazine(
        into sink: some ReadoutSink,
        annealAfterReading: Bool = false,
        recoveries: Int = 2,
        progress: @escaping @Sendable (ReadoutProgress) -> Void = { _ in }
    ) async throws(ReadoutError) -> ReadoutSummary {
        var run = ReadoutRun(progress: progress)
        var recoveriesLeft = recoveries
        while true {
            do throws(ReadoutError) {
                try await readMagazineOnce(into: sink, annealAfterReading: annealAfterReading, run: &run)
                return run.summary
            } catch {
                // Within this call only the session is restarted (HELLO, STATUS): a closed transport, a
                // fault or a sink failure ends it.
                guard recoveriesLeft > 0, ReaderRecovery(error) == .restartSession else { throw error }
                recoveriesLeft -= 1
                run.summary.recoveries += 1
                logger.warning("recovering the readout with HELLO and STATUS", metadata: ["error": "\(error)"])
                run.report(.recovering(reason: "\(error)"), card: nil)
            }
        }
    }

    private func readMagazineOnce(into sink: some ReadoutSink, annealAfterReading: Bool,
                                  run: inout ReadoutRun) async throws(ReadoutError) {
        _ = try await onReader { () async throws(TLReaderError) in try await connect() }
        run.report(.resuming, card: nil)
        let st = try await onReader { () async throws(TLReaderError) in try await waitUntilSettled() }
        let loaded = st.state == .cardLoaded
        let sameCardAgain = loaded && run.summary.cardIDs.last == st.cardID
        run.cardCount = max(run.cardCount, run.cardNumber - (sameCardAgain ? 1 : 0) + Int(st.magazineRemaining) + (loaded ? 1 : 0))
        if loaded {
            if run.summary.cardIDs.isEmpty { run.summary.resumedCardID = st.cardID }
            try await readCard(st, sink: sink, anneal: annealAfterReading, run: &run)
        }
        while true {
            run.report(.loadingCard, card: nil)
            switch try await onReader({ () async throws(TLReaderError) in try await loadNext() }) {
            case .magazineEmpty:
                run.report(.magazineEmpty, card: nil)
                return
            case let .loaded(_, status):
                try await readCard(status, sink: sink, anneal: annealAfterReading, run: &run)
            }
        }
    }

    /// One card in the reading position: every element by its state, then anneal (optional) and eject.
    private func readCard(_ st: ReaderStatus, sink: some ReadoutSink, anneal: Bool,
                          run: inout ReadoutRun) async throws(ReadoutError) {
        let card = st.cardID
        if run.summary.cardIDs.last != card {  // not the same card taken up again after a recovery
            run.cardNumber += 1
            run.summary.cardIDs.append(card)
        }
        run.cardCount = max(run.cardCount, run.cardNumber)
        run.report(.cardLoaded(elementStates: st.elementStates), card: card)
        try await sinkCall("cardStarted", card, nil) { try await sink.cardStarted(cardID: card, elementStates: st.elementStates) }

        for (index, state) in st.elementStates.enumerated() {
            let element = index + 1
            let outcome: ElementOutcome
            do throws(TLReaderError) {
                switch state {
                case .released, .absent:
                    run.summary.elementsSkipped += 1
                    run.report(.elementSkipped(element, state), card: card)
                    continue
                case .interrupted:
                    outcome = .lost(reason: "heating was interrupted before this session; the signal is gone")
                case .buffered:
                    run.report(.fetchingBufferedElement(element), card: card)
                    outcome = try await fetchBufferedCurve(element: element)
                case .notRead:
                    run.report(.readingElement(element), card: card)
                    outcome = try await readElement(element)
                case .heating:
                    // waitUntilSettled/loadNext return only when no element heats.
                    throw .unexpectedElementState(element: element, state, during: "reading card \(card)")
                }
            } catch {
                throw .reader(error)
            }
            switch outcome {
            case let .read(reading):
                try await sinkCall("store", card, element) { try await sink.store(reading) }
                do throws(TLReaderError) { try await release(element: element) } catch { throw .reader(error) }
                run.summary.elementsStored += 1
                run.report(.elementStored(element), card: card)
            case let .lost(reason):
                try await sinkCall("recordLost", card, element) {
                    try await sink.recordLost(cardID: card, element: element, reason: reason)
                }
                run.summary.elementsLost += 1
                run.report(.elementLost(element, reason: reason), card: card)
                // A fault that cut the heating stops the batch: the next element would be lost too.
                do throws(TLReaderError) {
                    let after = try await status()
                    if after.state == .fault || !after.events.isDisjoint(with: .faults) {
                        throw TLReaderError.fault(after.events.intersection(.faults), state: after.state,
                                                  during: "reading card \(card)")
                    }
                } catch {
                    throw .reader(error)
                }
            }
        }

        if anneal {
            run.report(.annealing, card: card)
            do throws(TLReaderError) { try await self.anneal() } catch { throw .reader(error) }
        }
        try await sinkCall("cardFinished", card, nil) { try await sink.cardFinished(cardID: card) }
        run.report(.ejecting, card: card)
        do throws(TLReaderError) { try await eject() } catch { throw .reader(error) }
        run.report(.cardDone, card: card)
    }

    private func onReader<T>(_ body: () async throws(TLReaderError) -> T) async throws(ReadoutError) -> T {
        do { return try await body() } catch { throw .reader(error) }
    }

    private func sinkCall(_ operation: String, _ card: String, _ element: Int?,
                          _ body: () async throws -> Void) async throws(ReadoutError) {
        do { try await body() } catch {
            throw .sink(operation: operation, cardID: card, element: element, underlying: error)
        }
    }
}

/// The running tally of one ``TLReader/readMagazine(into:annealAfterReading:recoveries:progress:)`` call.
struct ReadoutRun {
    let progress: @Sendable (ReadoutProgress) -> Void
    var summary = ReadoutSummary()
    var cardNumber = 0
    var cardCount = 0

    func report(_ step: ReadoutProgress.Step, card: String?) {
        progress(ReadoutProgress(cardNumber: cardNumber, cardCount: max(cardCount, cardNumber), cardID: card, step: step))
    }
}
