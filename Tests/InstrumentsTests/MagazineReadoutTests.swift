import Instruments
import ReaderProtocol
import Testing

/// In `make test`'s serial pass (scripts/swift-test-passes.sh): the driver runs on the wall clock here (T_reply 1 s), and in the parallel pass a reply can wait longer than that behind other tests' jobs.
@Suite("Magazine readout: batch loop, resume, data safety")
struct MagazineReadoutTests {
    typealias Key = FakeReader.Key

    static let allTwelve: [Key] = ["C0001", "C0002", "C0003"].flatMap { c in (1...4).map { Key(card: c, element: $0) } }

    /// Every element heated exactly once, and each stored reading is the reader's true curve.
    func expectEachReadOnceAndTrue(_ fake: FakeReader, _ sink: RecordingSink, keys: [Key],
                                   sourceLocation: SourceLocation = #_sourceLocation) async {
        let heats = await fake.heats
        for k in keys { #expect(heats[k] == 1, "heats of \(k)", sourceLocation: sourceLocation) }
        for r in await sink.stored {
            let truth = trueCurve(r.cardID, r.element)
            #expect(r.channels == truth, "curve of \(r.cardID)#\(r.element)", sourceLocation: sourceLocation)
            #expect(r.curveCRC32 == CRC32ISOHDLC.curveChecksum(truth), sourceLocation: sourceLocation)
        }
    }

    @Test func readsAFullMagazineOfThreeCards() async throws {
        let fake = FakeReader(magazine: threeCards())
        let sink = RecordingSink()
        let log = ProgressLog()
        let summary = try await withHarness(fake) { h in
            try await h.reader.readMagazine(into: sink, progress: log.record)
        }
        #expect(summary.cardIDs == ["C0001", "C0002", "C0003"])
        #expect(summary.elementsStored == 12)
        #expect(summary.elementsLost == 0)
        #expect(summary.resumedCardID == nil)
        #expect(await sink.storedKeys == Self.allTwelve)
        #expect(await fake.releases == Self.allTwelve)
        #expect(await fake.ejected.map(\.id) == ["C0001", "C0002", "C0003"])
        #expect(await sink.started.map(\.card) == ["C0001", "C0002", "C0003"])
        #expect(await sink.finished == ["C0001", "C0002", "C0003"])
        await expectEachReadOnceAndTrue(fake, sink, keys: Self.allTwelve)
        // Each curve crossed the link once: streamed while heating, verified, no re-fetch.
        #expect(await fake.servedChannels == Dictionary(uniqueKeysWithValues: Self.allTwelve.map { ($0, 200) }))

        let entries = log.entries
        #expect(entries.last?.step == .magazineEmpty)
        let stored = entries.filter { if case .elementStored = $0.step { true } else { false } }
        #expect(stored.map(\.cardNumber) == [1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3])
        #expect(stored.allSatisfy { $0.cardCount == 3 })
        #expect(stored.first?.cardID == "C0001")
    }

    @Test func releaseIsSentOnlyAfterStoreReturned() async throws {
        let fake = FakeReader(magazine: [FakeReader.Card("C0001")])
        /// A sink that, while storing, checks that the reader still holds the curve.
        actor CheckingSink: ReadoutSink {
            let fake: FakeReader
            var violations: [String] = []
            init(fake: FakeReader) { self.fake = fake }
            func store(_ reading: ElementReading) async throws {
                let states = await fake.loaded?.elements ?? []
                if states[reading.element - 1] != .buffered { violations.append("element \(reading.element) was \(states[reading.element - 1])") }
                if await fake.releases.contains(Key(card: reading.cardID, element: reading.element)) {
                    violations.append("released before store")
                }
            }
            func recordLost(cardID: String, element: Int, reason: String) async throws {}
            func cardStarted(cardID: String, elementStates: [ElementState]) async throws {}
            func cardFinished(cardID: String) async throws {}
        }
        let sink = CheckingSink(fake: fake)
        try await withHarness(fake) { h in try await h.reader.readMagazine(into: sink) }
        #expect(await sink.violations.isEmpty)
        #expect(await fake.releases.count == 4)
    }

    @Test func curveCRCMismatchIsFetchedAgainNeverStoredWrong() async throws {
        let fake = FakeReader(magazine: [FakeReader.Card("C0001")])
        await fake.set { $0.corruptChunks[Key(card: "C0001", element: 2)] = 1 }
        let sink = RecordingSink()
        let counters = try await withHarness(fake) { h in
            _ = try await h.reader.readMagazine(into: sink)
            return await h.reader.linkCounters()
        }
        #expect(counters.damagedFrames == 0)  // the frames were fine; the curve was not
        #expect(await sink.storedKeys == (1...4).map { Key(card: "C0001", element: $0) })
        await expectEachReadOnceAndTrue(fake, sink, keys: (1...4).map { Key(card: "C0001", element: $0) })
        let served = await fake.servedChannels
        #expect(served[Key(card: "C0001", element: 2)] == 400)  // streamed while heating, then fetched again
        #expect(served[Key(card: "C0001", element: 1)] == 200)
    }

    @Test func persistentCurveMismatchStopsWithoutStoringOrReleasing() async throws {
        let fake = FakeReader(magazine: [FakeReader.Card("C0001")])
        await fake.set { $0.corruptChunks[Key(card: "C0001", element: 2)] = 1000 }
        let sink = RecordingSink()
        try await withHarness(fake) { h in
            do throws(ReadoutError) {
                _ = try await h.reader.readMagazine(into: sink)
                Issue.record("a curve that never verifies must stop the readout")
            } catch {
                guard case let .curveVerificationFailed(element, attempts, _)? = error.readerError else {
                    Issue.record("\(error)"); return
                }
                #expect(element == 2)
                #expect(attempts == 3)
            }
        }
        #expect(await sink.storedKeys == [Key(card: "C0001", element: 1)])
        #expect(await fake.releases == [Key(card: "C0001", element: 1)])
        #expect(await fake.loaded?.elements == [.released, .buffered, .notRead, .notRead])
    }

    @Test func interruptedElementIsRecordedLostNotStored() async throws {
        let fake = FakeReader(magazine: threeCards())
        await fake.set { $0.interruptions[Key(card: "C0002", element: 3)] = (channel: 50, events: []) }
        let sink = RecordingSink()
        let summary = try await withHarness(fake) { h in try await h.reader.readMagazine(into: sink) }
        let lost = await sink.lost
        #expect(lost.map(\.card) == ["C0002"])
        #expect(lost.map(\.element) == [3])
        #expect(lost.first?.reason.contains("signal is gone") == true)
        #expect(await !sink.storedKeys.contains(Key(card: "C0002", element: 3)))
        #expect(await sink.storedKeys.count == 11)
        #expect(summary.elementsLost == 1)
        #expect(summary.elementsStored == 11)
        #expect(await !fake.releases.contains(Key(card: "C0002", element: 3)))
        await expectEachReadOnceAndTrue(fake, sink, keys: Self.allTwelve)
    }

    @Test func heaterFaultRecordsTheLossAndStopsTheBatch() async throws {
        let fake = FakeReader(magazine: threeCards())
        await fake.set { $0.interruptions[Key(card: "C0001", element: 2)] = (channel: 120, events: .heaterFault) }
        let sink = RecordingSink()
        try await withHarness(fake) { h in
            do throws(ReadoutError) {
                _ = try await h.reader.readMagazine(into: sink)
                Issue.record("a heater fault must stop the batch")
            } catch {
                guard case let .fault(events, _, _)? = error.readerError else { Issue.record("\(error)"); return }
                #expect(events == .heaterFault)
                #expect("\(error)".contains("heater fault"))
            }
        }
        #expect(await sink.lost.map(\.element) == [2])
        #expect(await sink.lost.first?.reason.contains("heater fault") == true)
        #expect(await sink.storedKeys == [Key(card: "C0001", element: 1)])
        #expect(await fake.heats.keys.sorted { $0.element < $1.element } == [Key(card: "C0001", element: 1), Key(card: "C0001", element: 2)])
    }

    @Test func resumesALoadedCardWithoutReadingAnyElementTwice() async throws {
        // The host crashed earlier: element 1 was stored and released, element 2 is still buffered.
        let fake = FakeReader(magazine: [FakeReader.Card("C0002")],
                              loaded: FakeReader.Card("C0001", [.released, .buffered, .notRead, .notRead]))
        let sink = RecordingSink()
        let summary = try await withHarness(fake) { h in try await h.reader.readMagazine(into: sink) }
        #expect(summary.resumedCardID == "C0001")
        #expect(summary.elementsSkipped == 1)
        #expect(await sink.storedKeys == [2, 3, 4].map { Key(card: "C0001", element: $0) } + (1...4).map { Key(card: "C0002", element: $0) })
        let heats = await fake.heats
        #expect(heats[Key(card: "C0001", element: 1)] == nil)
        #expect(heats[Key(card: "C0001", element: 2)] == nil)  // fetched, not heated
        await expectEachReadOnceAndTrue(fake, sink, keys: [3, 4].map { Key(card: "C0001", element: $0) })
        let readRequests = await fake.executed.compactMap { if case let .readElement(e, _) = $0 { Int(e) } else { nil } }
        #expect(readRequests == [3, 4, 1, 2, 3, 4])
        #expect(await sink.started.first?.states == [.released, .buffered, .notRead, .notRead])
    }

    @Test func resumeRecordsAnInterruptedElementAsLostAndSkipsAbsentOnes() async throws {
        let fake = FakeReader(magazine: [], loaded: FakeReader.Card("C0005", [.interrupted, .absent, .notRead, .released]))
        let sink = RecordingSink()
        let summary = try await withHarness(fake) { h in try await h.reader.readMagazine(into: sink) }
        #expect(await sink.lost.map(\.element) == [1])
        #expect(await sink.storedKeys == [Key(card: "C0005", element: 3)])
        #expect(summary.elementsSkipped == 2)
        #expect(await fake.heats.keys.map(\.element) == [3])
        #expect(await fake.ejected.map(\.id) == ["C0005"])
    }

    @Test func sinkFailureSendsNoReleaseAndAResumeStoresTheBufferedCurve() async throws {
        let fake = FakeReader(magazine: threeCards())
        let sink = RecordingSink(failOnStoreCall: 6)  // card 2, element 2
        try await withHarness(fake) { h in
            do throws(ReadoutError) {
                _ = try await h.reader.readMagazine(into: sink)
                Issue.record("the sink's failure must stop the readout")
            } catch {
                guard case let .sink(operation, card, element, _) = error else { Issue.record("\(error)"); return }
                #expect(operation == "store")
                #expect(card == "C0002")
                #expect(element == 2)
            }
        }
        #expect(await !fake.releases.contains(Key(card: "C0002", element: 2)))
        #expect(await fake.releases.count == 5)
        #expect(await fake.loaded?.elements == [.released, .buffered, .notRead, .notRead])

        // A new session (the host restarted) with the sink working again.
        let summary = try await withHarness(fake) { h in try await h.reader.readMagazine(into: sink) }
        #expect(summary.resumedCardID == "C0002")
        #expect(await sink.storedKeys == Self.allTwelve)
        await expectEachReadOnceAndTrue(fake, sink, keys: Self.allTwelve)
    }

    @Test func cutCableWhileHeatingThenResumeLosesNothing() async throws {
        let fake = FakeReader(magazine: threeCards())
        await fake.set { $0.channelTime = .microseconds(500) }  // 100 ms per element
        let sink = RecordingSink()
        let first = Harness(fake: fake)
        // Cut the cable at the 3rd GET_CHUNK request (card 1, element 2, while it heats).
        let chunksPerElement = 200 / 128 + 1
        await first.link.inject(.cutConnection, direction: .hostToDevice,
                                on: .type(MessageType.getChunk.rawValue, occurrence: chunksPerElement + 1))
        do throws(ReadoutError) {
            _ = try await first.reader.readMagazine(into: sink)
            Issue.record("a cut cable must stop the readout")
        } catch {
            guard case .link(.transport)? = error.readerError else { Issue.record("\(error)"); return }
        }
        await first.finish()
        #expect(await sink.storedKeys.count < 12)

        // The reader kept heating; the new session waits, fetches the buffered curve and goes on.
        let second = Harness(fake: fake)
        let summary = try await second.reader.readMagazine(into: sink)
        await second.finish()
        #expect(summary.resumedCardID == "C0001")
        #expect(await sink.storedKeys == Self.allTwelve)
        await expectEachReadOnceAndTrue(fake, sink, keys: Self.allTwelve)
    }

    @Test func crashBetweenStoreAndReleaseOffersTheSameReadingAgain() async throws {
        let fake = FakeReader(magazine: [FakeReader.Card("C0001")])
        let sink = RecordingSink()
        let first = Harness(fake: fake)
        // The RELEASE of element 3 never reaches the reader, and the link is gone.
        await first.link.inject(.cutConnection, direction: .hostToDevice,
                                on: .type(MessageType.releaseElement.rawValue, occurrence: 3))
        await #expect(throws: ReadoutError.self) { try await first.reader.readMagazine(into: sink) }
        await first.finish()
        #expect(await fake.loaded?.elements == [.released, .released, .buffered, .notRead])

        let second = Harness(fake: fake)
        _ = try await second.reader.readMagazine(into: sink)
        await second.finish()
        let stored = await sink.stored
        let threes = stored.filter { $0.element == 3 }
        #expect(threes.count == 2)  // offered twice: the sink must be idempotent
        #expect(threes.first == threes.last)
        #expect(await fake.heats[Key(card: "C0001", element: 3)] == 1)
        #expect(await fake.releases.count == 4)
    }

    @Test func readerRebootDuringHeatingLosesOnlyThatElement() async throws {
        let fake = FakeReader(magazine: [FakeReader.Card("C0001")])
        await fake.set { $0.channelTime = .microseconds(500) }
        let sink = RecordingSink()
        let first = Harness(fake: fake)
        let reader = first.reader
        // Reboot while element 1 heats.
        await fake.set { $0.rebootOnceHeating = Key(card: "C0001", element: 1) }
        let run = Task { try await reader.readMagazine(into: sink, recoveries: 0) }
        let result = await run.result
        guard case let .failure(error) = result,
              (error as? ReadoutError)?.readerError?.readerErrorCode == .notInitialised else {
            Issue.record("expected notInitialised, got \(result)"); await first.finish(); return
        }
        await first.finish()

        let second = Harness(fake: fake)
        let summary = try await second.reader.readMagazine(into: sink)
        await second.finish()
        #expect(await sink.lost.map(\.element) == [1])
        #expect(await sink.storedKeys == [2, 3, 4].map { Key(card: "C0001", element: $0) })
        #expect(summary.elementsLost == 1)
        #expect(await fake.heats[Key(card: "C0001", element: 1)] == 1)
    }

    @Test func recoversFromAReaderRebootWithinOneCall() async throws {
        let fake = FakeReader(magazine: [FakeReader.Card("C0001"), FakeReader.Card("C0002")])
        await fake.set { $0.channelTime = .microseconds(500) }
        let sink = RecordingSink()
        let log = ProgressLog()
        let summary = try await withHarness(fake) { h in
            let reader = h.reader
            await fake.set { $0.rebootOnceHeating = Key(card: "C0001", element: 2) }
            return try await reader.readMagazine(into: sink, progress: log.record)
        }
        #expect(summary.recoveries == 1)
        #expect(summary.cardIDs == ["C0001", "C0002"])
        #expect(summary.elementsLost == 1)
        #expect(summary.elementsStored == 7)
        #expect(await sink.lost.map(\.element) == [2])
        #expect(await sink.storedKeys == [1, 3, 4].map { Key(card: "C0001", element: $0) } + (1...4).map { Key(card: "C0002", element: $0) })
        #expect(await fake.heats.values.allSatisfy { $0 == 1 })
        let entries = log.entries
        #expect(entries.contains { if case .recovering = $0.step { true } else { false } })
        #expect(entries.filter { $0.cardNumber > 0 }.allSatisfy { $0.cardCount == 2 })
        #expect(entries.last?.cardNumber == 2)
    }

    @Test func recoversFromALostLinkWithinOneCall() async throws {
        let fake = FakeReader(magazine: threeCards())
        let sink = RecordingSink()
        let summary = try await withHarness(fake) { h in
            // Four replies in a row lost: the 10th to 13th STATUS replies (somewhere in card 1).
            for n in 10...13 {
                await h.link.inject(.drop, direction: .deviceToHost, on: .type(MessageType.status.replyType, occurrence: n))
            }
            return try await h.reader.readMagazine(into: sink)
        }
        #expect(summary.recoveries == 1)
        #expect(summary.cardIDs == ["C0001", "C0002", "C0003"])
        #expect(await sink.storedKeys == Self.allTwelve)
        await expectEachReadOnceAndTrue(fake, sink, keys: Self.allTwelve)
    }

    @Test func noRecoveryWhenAskedForNone() async throws {
        let fake = FakeReader(magazine: threeCards())
        let sink = RecordingSink()
        try await withHarness(fake) { h in
            for n in 10...13 {
                await h.link.inject(.drop, direction: .deviceToHost, on: .type(MessageType.status.replyType, occurrence: n))
            }
            do throws(ReadoutError) {
                _ = try await h.reader.readMagazine(into: sink, recoveries: 0)
                Issue.record("four lost replies must end in linkLost")
            } catch {
                guard case .link(.linkLost(.status, 4, .noReply))? = error.readerError else { Issue.record("\(error)"); return }
            }
        }
        #expect(await sink.storedKeys.count < 12)
    }

    @Test func annealsEachCardWhenAsked() async throws {
        let fake = FakeReader(magazine: [FakeReader.Card("C0001"), FakeReader.Card("C0002")])
        let sink = RecordingSink()
        let log = ProgressLog()
        try await withHarness(fake) { h in
            try await h.reader.readMagazine(into: sink, annealAfterReading: true, progress: log.record)
        }
        let sent = await fake.executed
        #expect(sent.filter { $0 == .anneal }.count == 2)
        // Anneal comes after the last release and before the eject of each card.
        let lastRelease = sent.lastIndex { if case .releaseElement = $0 { true } else { false } } ?? 0
        let lastAnneal = sent.lastIndex(of: .anneal) ?? 0
        let lastEject = sent.lastIndex(of: .eject) ?? 0
        #expect(lastRelease < lastAnneal && lastAnneal < lastEject)
        #expect(log.entries.filter { $0.step == .annealing }.count == 2)
    }

    @Test func latchedFaultAtStartStopsBeforeAnyHeating() async throws {
        let fake = FakeReader(magazine: threeCards())
        await fake.set { $0.jamOnNextLoad = true }
        let sink = RecordingSink()
        try await withHarness(fake) { h in
            await #expect(throws: ReadoutError.self) { try await h.reader.readMagazine(into: sink) }
            // A second attempt, with the jam still latched, refuses at once.
            do throws(ReadoutError) {
                _ = try await h.reader.readMagazine(into: sink)
            } catch {
                guard case let .fault(events, _, _)? = error.readerError else { Issue.record("\(error)"); return }
                #expect(events.contains(.jam))
            }
        }
        #expect(await fake.heats.isEmpty)
        #expect(await sink.stored.isEmpty)
    }
}
