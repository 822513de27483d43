import Foundation
import ReaderProtocol
import TestSupport
import Testing
@testable import TLSimulator

@Suite("Fault injection declared in the scenario")
struct FaultInjectionTests {
    static let card1 = TestScenarios.small.cards[0].id
    static let card2 = TestScenarios.small.cards[1].id

    static func engine(_ faults: [ScenarioFault], elementMilliseconds: Double = 40) throws -> ReaderEngine {
        var s = TestScenarios.small
        s.elementMilliseconds = elementMilliseconds
        s.faults = faults
        try s.validate()
        return try ReaderEngine(scenario: s)
    }

    /// HELLO, clear powerOnReset, load the first card.
    static func ready(_ faults: [ScenarioFault], elementMilliseconds: Double = 40) throws -> Host {
        var host = Host(try engine(faults, elementMilliseconds: elementMilliseconds))
        try host.hello()
        _ = try host.send(.clearEvents(.powerOnReset))
        _ = try host.loadNext()
        return host
    }

    static func curveInfo(_ host: inout Host, _ e: UInt8) throws -> CurveInfo {
        guard case let .curveInfo(info) = try host.send(.getCurveInfo(element: e)) else { throw HostError.unexpected("GET_CURVE_INFO") }
        return info
    }

    @Test("a scenario without faults encodes as before (no 'faults' key), so its state files still fit")
    func noFaultsNoChange() throws {
        let json = String(decoding: try JSONEncoder().encode(TestScenarios.small), as: UTF8.self)
        #expect(!json.contains("faults"))
        #expect(try ReaderEngine(scenario: TestScenarios.small).state.faultProgress == nil)
    }

    @Test("corruptReply damages one reply; the retransmission gets the clean reply from the duplicate cache")
    func corruptReply() throws {
        var host = try Self.ready([ScenarioFault(kind: .corruptReply, at: FaultTrigger(card: Self.card1, request: "getProfile", occurrence: 2))])
        _ = try host.send(.getProfile)  // occurrence 1
        let request = Request.getProfile.frame(sequence: 77).encodeForWire()
        var decoder = FrameDecoder()
        let events = decoder.feed(host.engine.receive(request, now: host.now))
        #expect(events.count == 1)
        guard case .damaged = events.first else { Issue.record("reply not damaged: \(events)"); return }
        let again = try Host.frames(host.engine.receive(request, now: host.now))
        guard case let .profile(p, _)? = try again.first.map({ try Reply(frame: $0) }) else { Issue.record("no clean reply"); return }
        #expect(again.first?.sequence == 77 && p == .lifMgTiDefault)
    }

    @Test("drop, duplicate, delay, garbage: the same request sequence gives the same bytes on every replay")
    func lineFaultsReplayIdentically() throws {
        let faults = [
            ScenarioFault(kind: .dropReply, at: FaultTrigger(request: "status", occurrence: 3)),
            ScenarioFault(kind: .duplicateReply, at: FaultTrigger(request: "getChunk", occurrence: 2)),
            ScenarioFault(kind: .delayReply, at: FaultTrigger(element: 1, request: "getCurveInfo"), ms: 20),
            ScenarioFault(kind: .garbage, at: FaultTrigger(request: "readElement"), bytes: 12),
        ]
        func transcript() throws -> [[UInt8]] {
            var engine = try Self.engine(faults)
            var out: [[UInt8]] = []
            var t = SimulatedInstant.zero
            let script: [Request] = [.hello(minVersion: 1, maxVersion: 1), .status, .loadNext, .status, .status, .status,
                                     .readElement(1, reread: false), .getChunk(element: 1, firstChannel: 0, maxChannels: 8),
                                     .getChunk(element: 1, firstChannel: 0, maxChannels: 8), .getCurveInfo(element: 1), .status, .status]
            for (i, r) in script.enumerated() {
                out.append(engine.receive(r.frame(sequence: UInt8(i)).encodeForWire(), now: t))
                t = t.advanced(byMilliseconds: 25)
                engine.advance(to: t)
                out.append(engine.takeDueOutput())
            }
            return out
        }
        let first = try transcript()
        #expect(try transcript() == first)
        #expect(first[2 * 4].isEmpty, "the third STATUS reply is dropped")
        #expect(!first[2 * 3].isEmpty && !first[2 * 5].isEmpty)
        #expect(try Host.frames(first[2 * 8]).count == 2, "the second GET_CHUNK reply comes twice")
        #expect(first[2 * 9].isEmpty && !first[2 * 9 + 1].isEmpty, "GET_CURVE_INFO's reply comes 20 ms late")
        #expect(first[2 * 6].count > 12, "noise before READ_ELEMENT's reply")
    }

    @Test("stall: the reader hears nothing for its time, then answers again")
    func stall() throws {
        var host = try Self.ready([ScenarioFault(kind: .stall, at: FaultTrigger(request: "qc"), ms: 100)])
        #expect(host.sendRaw(.qc).isEmpty)
        host.wait(milliseconds: 50)
        #expect(host.sendRaw(.status).isEmpty, "deaf during the stall")
        host.wait(milliseconds: 60)
        #expect(try host.status().cardID == Self.card1)
    }

    @Test("heaterFault: the element is interrupted at its fraction, the event stays while the cause does, reads are refused")
    func heaterFault() throws {
        var host = try Self.ready([ScenarioFault(kind: .heaterFault, at: FaultTrigger(card: Self.card1, element: 2), fraction: 0.25, clearAfterMs: 1000)])
        _ = try host.readElement(1)
        try host.release(1)
        guard case .readStarted = try host.send(.readElement(2, reread: false)) else { Issue.record("READ_ELEMENT"); return }
        host.wait(milliseconds: 40)
        let info = try Self.curveInfo(&host, 2)
        #expect(info.state == .interrupted && info.channels == 50 && info.curveCRC32 == 0)
        var s = try host.status()
        #expect(s.events.contains(.heaterFault) && s.state == .fault && s.elementStates[1] == .interrupted)
        #expect(try host.send(.readElement(3, reread: false)) == .error(.heaterFault, detail: "heater fault latched; fix it, then CLEAR_EVENTS"))
        guard case let .eventsCleared(left) = try host.send(.clearEvents(.faults)) else { Issue.record("CLEAR_EVENTS"); return }
        #expect(left.contains(.heaterFault), "the cause is still there")
        host.wait(milliseconds: 1000)
        guard case .eventsCleared([]) = try host.send(.clearEvents(.faults)) else { Issue.record("not cleared"); return }
        s = try host.status()
        #expect(s.state == .cardLoaded)
        let third = try host.readElement(3)
        #expect(third.curve.count == 200)
    }

    @Test("hvFault and doorOpen refuse the read with their error and latch their event; the element keeps its signal")
    func refusals() throws {
        var host = try Self.ready([
            ScenarioFault(kind: .hvFault, at: FaultTrigger(card: Self.card1, element: 1)),
            ScenarioFault(kind: .doorOpen, at: FaultTrigger(card: Self.card1, element: 1, occurrence: 2)),
        ])
        guard case .error(.highVoltageFault, _) = try host.send(.readElement(1, reread: false)) else { Issue.record("no HV fault"); return }
        #expect(try host.status().elementStates[0] == .notRead)
        _ = try host.send(.clearEvents(.faults))
        guard case .error(.doorOpen, _) = try host.send(.readElement(1, reread: false)) else { Issue.record("no door fault"); return }
        #expect(try host.status().events.contains(.doorOpen))
        _ = try host.send(.clearEvents(.faults))
        #expect(try host.readElement(1).curve.count == 200)
    }

    @Test("jam at the second load: the card goes back to the magazine and loads again after the operator clears it")
    func jam() throws {
        var host = Host(try Self.engine([ScenarioFault(kind: .jam, at: FaultTrigger(load: 2))]))
        try host.hello()
        _ = try host.loadNext()
        for e: UInt8 in 1...4 { _ = try host.readElement(e); try host.release(e) }
        try host.eject()
        guard case .started(.loadNext) = try host.send(.loadNext) else { Issue.record("LOAD_NEXT"); return }
        host.wait(milliseconds: 100)
        let s = try host.status()
        #expect(s.events.contains(.jam) && s.cardID.isEmpty && s.magazineRemaining == 2)
        guard case .error(.jam, _) = try host.send(.loadNext) else { Issue.record("load while jammed"); return }
        _ = try host.send(.clearEvents(.faults))
        #expect(try host.loadNext().cardID == Self.card2)
    }

    @Test("reboot during heating: no reply while booting, then notInitialised; the element is interrupted")
    func reboot() throws {
        var host = try Self.ready([ScenarioFault(kind: .reboot, at: FaultTrigger(element: 1), ms: 200, fraction: 0.5)])
        guard case .readStarted = try host.send(.readElement(1, reread: false)) else { Issue.record("READ_ELEMENT"); return }
        host.wait(milliseconds: 30)  // past half of the 40 ms heating
        #expect(host.sendRaw(.status).isEmpty, "booting")
        host.wait(milliseconds: 200)
        #expect(try host.send(.status) == .error(.notInitialised, detail: "send HELLO first"))
        try host.hello()
        let s = try host.status()
        #expect(s.events.contains(.powerOnReset) && s.elementStates[0] == .interrupted && s.cardID == Self.card1)
    }

    @Test("reboot on another request: that request gets no reply")
    func rebootOnRequest() throws {
        var host = try Self.ready([ScenarioFault(kind: .reboot, at: FaultTrigger(request: "qc"), ms: 0)])
        #expect(host.sendRaw(.qc).isEmpty)
        #expect(!host.engine.isSessionInitialised)
    }

    @Test("unplug: the reply is lost and the server is told once how long the cable stays out")
    func unplug() throws {
        var host = try Self.ready([ScenarioFault(kind: .unplug, at: FaultTrigger(request: "getProfile"), ms: 750)])
        #expect(host.sendRaw(.getProfile).isEmpty)
        #expect(host.engine.takeUnplugRequest() == 750)
        #expect(host.engine.takeUnplugRequest() == nil)
    }

    @Test("a restart from the state file does not fire a fault again")
    func firedFaultsPersist() throws {
        let dir = try TemporaryDirectory("faults-state")
        defer { dir.cleanup() }
        var s = TestScenarios.small
        s.faults = [ScenarioFault(kind: .dropReply, at: FaultTrigger(request: "identify"))]
        var host = Host(try ReaderEngine(scenario: s, statePath: dir.path("state.json")))
        try host.hello()
        #expect(host.sendRaw(.identify).isEmpty)
        _ = try host.send(.qc)  // persists
        var again = Host(try ReaderEngine(scenario: s, statePath: dir.path("state.json")))
        try again.hello()
        guard case .identify = try again.send(.identify) else { Issue.record("IDENTIFY dropped again"); return }
    }

    @Test("faults naming what is not there are refused with the field and the reason", arguments: [
        (ScenarioFault(kind: .jam, at: FaultTrigger(card: "12345674")), "faults[0].at.card"),
        (ScenarioFault(kind: .dropReply, at: FaultTrigger(request: "reboot")), "faults[0].at.request"),
        (ScenarioFault(kind: .heaterFault, fraction: 1.5), "faults[0].fraction"),
        (ScenarioFault(kind: .stall, ms: -1), "faults[0].ms"),
        (ScenarioFault(kind: .dropReply, at: FaultTrigger(element: 5)), "faults[0].at.element"),
    ])
    func validation(fault: ScenarioFault, field: String) throws {
        var s = TestScenarios.small
        s.faults = [fault]
        #expect { try s.validate() } throws: { error in "\(error)".contains(field) }
    }

    @Test("the fault kinds and fields decode from the scenario JSON")
    func decodes() throws {
        let json = """
            {"format": 1, "seed": 1, "reader": {"model": "M", "serial": "S", "firmware": "F"}, "storageCelsius": 20,
             "backgroundNanoSievertPerHour": 80, "cards": [{"id": "\(Self.card1)", "role": "worker", "hp10MilliSievert": 1,
             "hp007MilliSievert": 1, "quality": "S-Cs", "daysSinceAnneal": 10}],
             "faults": [{"kind": "stall", "ms": 1500}, {"kind": "jam", "at": {"load": 7}, "clearAfterMs": 2000},
                        {"kind": "reboot", "at": {"card": "\(Self.card1)", "element": 2}, "fraction": 0.3}]}
            """
        let s = try Scenario(json: Data(json.utf8))
        #expect(s.faults?.map(\.kind) == [.stall, .jam, .reboot])
        #expect(s.faults?[1].at?.load == 7 && s.faults?[1].clearAfterMs == 2000 && s.faults?[2].fraction == 0.3)
        #expect { try Scenario(json: Data(json.replacingOccurrences(of: "\"stall\"", with: "\"meltdown\"").utf8)) } throws: { _ in true }
    }

    @Test("the example fault scenario in simulators/scenarios loads")
    func exampleLoads() throws {
        let s = try Scenario.load(path: RepoPaths.file("simulators/scenarios/faults-example.json").path)
        #expect(Set(s.faults?.map(\.kind) ?? []) == Set(FaultKind.allCases))
    }
}
