import Instruments
import ReaderProtocol
import TestSupport
import Testing

/// In `make test`'s serial pass (scripts/swift-test-passes.sh): some of its tests run the driver on the wall clock (T_reply 1 s).
@Suite("TLReader session", .timeLimit(.minutes(10)))
struct TLReaderTests {
    @Test func connectNegotiatesAndIdentifies() async throws {
        let fake = FakeReader(magazine: threeCards())
        try await withHarness(fake) { h in
            let c = try await h.reader.connect()
            #expect(c.protocolVersion == 1)
            #expect(c.identity.serial == "FK0001")
            #expect(c.identity.elementsPerCard == 4)
            #expect(c.profile == .lifMgTiDefault)
            #expect(c.status.magazineRemaining == 3)
            #expect(c.status.state == .idle)
            let sent = await fake.executed
            #expect(sent == [.hello(minVersion: 1, maxVersion: 1), .identify, .getProfile, .status])
        }
    }

    @Test func noCommonVersionIsATypedError() async throws {
        let fake = FakeReader(magazine: [])
        await fake.set { $0.readerVersions = 2...3 }
        try await withHarness(fake) { h in
            await #expect(throws: TLReaderError.noCommonVersion(host: 1...1, readerMax: nil)) { try await h.reader.connect() }
        }
    }

    @Test func requestsBeforeHelloAreRefusedWithTheReadersCode() async throws {
        let fake = FakeReader(magazine: [])
        try await withHarness(fake) { h in
            do throws(TLReaderError) {
                _ = try await h.reader.status()
                Issue.record("STATUS before HELLO must be refused")
            } catch {
                #expect(error.readerErrorCode == .notInitialised)
                #expect("\(error)".contains("not initialised"))
            }
        }
    }

    @Test func loadReadReleaseEject() async throws {
        let fake = FakeReader(magazine: threeCards())
        try await withHarness(fake) { h in
            try await h.reader.connect()
            let load = try await h.reader.loadNext()
            guard case let .loaded(card, status) = load else { Issue.record("expected a card, got \(load)"); return }
            #expect(card == "C0001")
            #expect(status.elementStates == [.notRead, .notRead, .notRead, .notRead])
            let outcome = try await h.reader.readElement(3)
            guard case let .read(reading) = outcome else { Issue.record("expected a reading, got \(outcome)"); return }
            #expect(reading.cardID == "C0001")
            #expect(reading.element == 3)
            #expect(reading.channels == trueCurve("C0001", 3))
            #expect(reading.curveCRC32 == CRC32ISOHDLC.curveChecksum(trueCurve("C0001", 3)))
            #expect(reading.readerSerial == "FK0001")
            #expect(reading.profile == .lifMgTiDefault)
            #expect(reading.channelMicroseconds == 40)
            #expect(!reading.isResidualRead)
            // Not released by readElement: ejecting now is refused by the reader.
            #expect(try await h.reader.status().elementStates[2] == .buffered)
            await #expect(throws: TLReaderError.reader(.unreleasedData, detail: "", request: .eject)) { try await h.reader.eject() }
            try await h.reader.release(element: 3)
            #expect(await fake.releases == [FakeReader.Key(card: "C0001", element: 3)])
            try await h.reader.eject()
            #expect(try await h.reader.status().state == .idle)
            #expect(await fake.ejected.map(\.id) == ["C0001"])
        }
    }

    @Test func readerErrorsCarryCodeAndDetail() async throws {
        let fake = FakeReader(magazine: [], loaded: FakeReader.Card("C9", [.released, .absent, .notRead, .notRead]))
        try await withHarness(fake) { h in
            try await h.reader.connect()
            await #expect(throws: TLReaderError.reader(.elementAlreadyRead, detail: "", request: .readElement)) {
                try await h.reader.readElement(1)
            }
            await #expect(throws: TLReaderError.reader(.elementAbsent, detail: "", request: .readElement)) {
                try await h.reader.readElement(2)
            }
            await #expect(throws: TLReaderError.elementOutOfRange(5)) { try await h.reader.readElement(5) }
            await #expect(throws: TLReaderError.reader(.badPayload, detail: "channels must be 1…4096", request: .setProfile)) {
                var p = TimeTemperatureProfile.lifMgTiDefault
                p.channels = 0
                try await h.reader.setProfile(p)
            }
            #expect(await fake.heats.isEmpty)
        }
    }

    @Test func magazineEmptyIsAResultNotAnError() async throws {
        let fake = FakeReader(magazine: [])
        try await withHarness(fake) { h in
            try await h.reader.connect()
            #expect(try await h.reader.loadNext() == .magazineEmpty)
        }
    }

    @Test func jamWhileLoadingStopsWithAFault() async throws {
        let fake = FakeReader(magazine: threeCards())
        await fake.set { $0.jamOnNextLoad = true }
        try await withHarness(fake) { h in
            try await h.reader.connect()
            do throws(TLReaderError) {
                _ = try await h.reader.loadNext()
                Issue.record("a jam must stop the load")
            } catch {
                guard case let .fault(events, state, _) = error else { Issue.record("\(error)"); return }
                #expect(events == .jam)
                #expect(state == .fault)
                #expect("\(error)".contains("jam"))
            }
        }
    }

    @Test func latchedFaultPreventsHeating() async throws {
        let fake = FakeReader(magazine: [], loaded: FakeReader.Card("C7"))
        await fake.set { $0.interruptions[FakeReader.Key(card: "C7", element: 1)] = (channel: 30, events: .heaterFault) }
        try await withHarness(fake) { h in
            try await h.reader.connect()
            let first = try await h.reader.readElement(1)
            guard case let .lost(reason) = first else { Issue.record("expected lost, got \(first)"); return }
            #expect(reason.contains("heater fault"))
            // The heater fault is latched: the driver refuses to destroy another element's signal.
            await #expect(throws: TLReaderError.fault(.heaterFault, state: .cardLoaded, during: "reading element 2")) {
                try await h.reader.readElement(2)
            }
            #expect(await fake.heats[FakeReader.Key(card: "C7", element: 2)] == nil)
            // After the operator clears the event, reading goes on.
            #expect(try await h.reader.clearEvents(.faults) == [])
            guard case .read = try await h.reader.readElement(2) else { Issue.record("element 2 should read"); return }
        }
    }

    @Test func abortInterruptsTheHeatedElement() async throws {
        // Reader, link and fake share a manual clock: the heating stays in progress until time moves.
        let clock = ManualClock()
        let fake = FakeReader(magazine: [], loaded: FakeReader.Card("C8"), clock: clock)
        await fake.set { $0.channelTime = .milliseconds(5) }  // 1 s heating
        try await withHarness(fake, clock: clock) { h in
            try await h.reader.connect()
            let reader = h.reader
            let reading = Task { try await reader.readElement(1) }
            // The driver polls the heating element: it waits T_poll between polls.
            try await clock.waitForSleeper(after: fastConfiguration.pollInterval)
            // A second caller on the same actor: ABORT while the first waits between polls.
            #expect(try await reader.abort() == .cardLoaded)
            clock.advance(by: fastConfiguration.pollInterval)
            let outcome = try await reading.value
            guard case .lost = outcome else { Issue.record("an aborted read is lost, got \(outcome)"); return }
            #expect(try await reader.status().elementStates[0] == .interrupted)
        }
    }

    @Test func corruptedReplyIsRetransmittedAndAnsweredFromTheReadersCache() async throws {
        // A manual clock that moves only by the driver's polls: T_reply never passes, so the one
        // retransmission counted is the damaged reply's, not a loaded machine's.
        let clock = ManualClock()
        let fake = FakeReader(magazine: [], loaded: FakeReader.Card("C1"), clock: clock)
        try await withHarness(fake, clock: clock) { h in
            try await h.reader.connect()
            await h.link.inject(.corrupt(offset: 4, mask: 0x01), direction: .deviceToHost,
                                on: .type(MessageType.readElement.replyType))
            let reader = h.reader
            let outcome = try await whilePolling(clock) { try await reader.readElement(1) }
            guard case let .read(r) = outcome else { Issue.record("expected a reading"); return }
            #expect(r.channels == trueCurve("C1", 1))
            let counters = await h.reader.linkCounters()
            #expect(counters.damagedFrames == 1)
            #expect(counters.retransmissions == 1)
            #expect(counters.timeouts == 0)
            #expect(await fake.replays == 1)
            #expect(await fake.heats[FakeReader.Key(card: "C1", element: 1)] == 1)
        }
    }

    @Test func nakTriggersImmediateRetransmission() async throws {
        // A manual clock that never moves: the exchange can only end without waiting for T_reply.
        let clock = ManualClock()
        let fake = FakeReader(magazine: [], clock: clock)
        try await withHarness(fake, clock: clock) { h in
            try await h.reader.connect()
            await h.link.inject(.corrupt(offset: 2, mask: 0x20), direction: .hostToDevice, on: .type(MessageType.qc.rawValue))
            let q = try await h.reader.qc()
            #expect(q.highVoltageVolts == 800)
            #expect(clock.now == .init(offset: .zero))  // did not wait for T_reply
            #expect(await fake.naksSent == 1)
            let c = await h.reader.linkCounters()
            #expect(c.naks == 1)
            #expect(c.retransmissions == 1)
            #expect(c.timeouts == 0)
        }
    }

    @Test func lostLoadReplyDoesNotLoadTwoCards() async throws {
        let clock = ManualClock()
        let fake = FakeReader(magazine: threeCards(), clock: clock)
        try await withHarness(fake, clock: clock) { h in
            try await h.reader.connect()
            await h.link.inject(.drop, direction: .deviceToHost, on: .type(MessageType.loadNext.replyType))
            let reader = h.reader
            let loading = Task { try await reader.loadNext() }
            // The reply is dropped and the driver waits for it: T_reply passes, LOAD_NEXT is sent again
            // and answered from the reader's cache; then the load's polls pass.
            try await faultsFired(h.link)
            try await h.link.waitUntil(.reading, at: .host)
            clock.advance(by: fastConfiguration.link.replyTimeout)
            let load = try await whilePolling(clock) { try await loading.value }
            guard case .loaded("C0001", _) = load else { Issue.record("expected C0001"); return }
            #expect(await fake.magazine.count == 2)
            #expect(await fake.replays == 1)
            #expect(await h.reader.linkCounters().timeouts == 1)
        }
    }

    @Test func duplicateAndLateRepliesAreIgnored() async throws {
        // Reader, link and fake share a manual clock: 200 channels of 40 µs heat in 8 ms of its time.
        let clock = ManualClock()
        let poll = fastConfiguration.pollInterval
        // The second chunk's reply comes this late: after T_reply, so the request is sent again.
        let late = fastConfiguration.link.replyTimeout + .milliseconds(150)
        let fake = FakeReader(magazine: [], loaded: FakeReader.Card("C2"), clock: clock)
        try await withHarness(fake, clock: clock) { h in
            try await h.reader.connect()
            await h.link.inject(.duplicate, direction: .deviceToHost, on: .type(MessageType.readElement.replyType))
            await h.link.inject(.delay(late), direction: .deviceToHost,
                                on: .type(MessageType.getChunk.replyType, occurrence: 2))
            let reader = h.reader
            let reading = Task { try await reader.readElement(2) }
            // 0 ms: nothing acquired yet, the driver polls; 2 ms: the first chunk (50 channels) comes,
            // then the driver polls again; 4 ms: the second chunk's reply is held back (`late`).
            try await clock.waitForSleeper(after: poll)
            clock.advance(by: poll)
            try await clock.waitForSleeper(after: poll)
            clock.advance(by: poll)
            try await clock.waitForSleeper(after: late)
            try await h.link.waitUntil(.reading, at: .host)
            // T_reply passes: the request is sent again and answered from the reader's cache.
            clock.advance(by: fastConfiguration.link.replyTimeout)
            guard case let .read(r) = try await reading.value else { Issue.record("expected a reading"); return }
            #expect(r.channels == trueCurve("C2", 2))
            // The late chunk reply arrives while later requests wait.
            clock.advance(by: late - fastConfiguration.link.replyTimeout)
            try await h.link.waitUntil(.input, at: .host)
            try await h.reader.release(element: 2)
            #expect(try await h.reader.status().elementStates[1] == .released)
            let c = await h.reader.linkCounters()
            #expect(c.staleFrames >= 2)  // the duplicate and the late original
            #expect(c.timeouts == 1)
            #expect(await fake.heats[FakeReader.Key(card: "C2", element: 2)] == 1)
        }
    }

    @Test func garbageBeforeAReplyIsRecovered() async throws {
        let fake = FakeReader(magazine: threeCards())
        try await withHarness(fake) { h in
            try await h.reader.connect()
            await h.link.inject(.prependGarbage([0x13, 0x11, 0xFF, 0x00, 0x42, 0x99]), direction: .deviceToHost,
                                on: .type(MessageType.status.replyType))
            await h.link.injectBytes(Array(repeating: 0x55, count: 2000), direction: .deviceToHost)  // frameTooLong noise
            let st = try await h.reader.status()
            #expect(st.magazineRemaining == 3)
            #expect(await h.reader.linkCounters().damagedFrames >= 1)
        }
    }

    @Test func lostLinkIsReportedAndTheNextRequestWorks() async throws {
        let clock = ManualClock()
        let fake = FakeReader(magazine: threeCards(), clock: clock)
        try await withHarness(fake, clock: clock) { h in
            try await h.reader.connect()
            for n in 1...4 {
                await h.link.inject(.drop, direction: .deviceToHost, on: .type(MessageType.qc.replyType, occurrence: n))
            }
            let reader = h.reader
            let qc = Task { try await reader.qc() }
            for attempt in 1...4 {  // each reply is dropped; T_reply passes four times
                try await faultsFired(h.link, leaving: 4 - attempt)
                try await h.link.waitUntil(.reading, at: .host)
                clock.advance(by: fastConfiguration.link.replyTimeout)
            }
            await #expect(throws: TLReaderError.link(.linkLost(request: .qc, attempts: 4, lastProblem: .noReply))) {
                try await qc.value
            }
            #expect(clock.now == .init(offset: fastConfiguration.link.replyTimeout * 4))
            #expect(try await h.reader.status().magazineRemaining == 3)
        }
    }
}
