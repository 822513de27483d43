// Unplug and re-plug during a batch on a umockdev test bed: the reader is an emulated FTDI adapter
// (/dev/ttyUSB0, serial TL00042) served by the simulated reader; mid-element it is pulled out (the
// device hangs up, udev "remove"), and comes back on another USB port as /dev/ttyUSB1. The workflow
// finds it again by its serial number (DeviceArrival, as `tld readout --device` does) and resumes.
// Re-runs itself with umockdev's preload, like the DeviceIO and scanner test-bed tests.
import CUmockdev
import DeviceIO
import Foundation
import Glibc
import Instruments
import LabStore
import LabStoreSQLite
import Synchronization
import TLSimulator
import TestSupport
import Testing
@testable import LabWorkflow

/// The umockdev test bed, used from the task that pulls the cable.
final class TestbedHandle: @unchecked Sendable {  // @unchecked: only used by one task at a time (the test's, then the unplug's)
    let pointer: UnsafeMutablePointer<UMockdevTestbed>
    init(_ pointer: UnsafeMutablePointer<UMockdevTestbed>) { self.pointer = pointer }

    func add(_ description: String) -> Bool {
        var error: UnsafeMutablePointer<GError>?
        return umockdev_testbed_add_from_string(pointer, description, &error) != 0
    }
}

@Suite("Unplug and re-plug under umockdev: the reader comes back as another ttyUSB",
       .enabled(if: ChildProcess.umockdevPreload != nil, "needs libumockdev-preload.so.0 (apt install umockdev)"))
struct UmockdevReplugTests {
    static let reportVariable = "LABWORKFLOW_REPLUG_REPORT"

    @Test("found again by serial number under the new node; every reading stored once")
    func replugUnderUmockdev() async throws {
        guard let (outcome, report) = try await ChildProcess.underUmockdevPreload(
            filter: "UmockdevReplugTests", reportVariable: Self.reportVariable, timeout: .seconds(90), child: Self.childHalf)
        else { return }  // this was the child
        let output = outcome.output
        #expect(outcome.status == 0, "child exited with \(outcome.status):\n\(output)")
        let expected = [
            "opened /dev/ttyUSB0",
            "unplugged while heating card \(FaultBench.cardID(3)) element 2",
            "opened /dev/ttyUSB1",
            "reconnections 1",
            "readings before the unplug intact",
            "elements 24, distinct 24, stored 24, lost 0",
            "batch complete",
        ]
        #expect(report.split(separator: "\n").map(String.init) == expected, "report:\n\(report)\nchild output:\n\(output)")
    }

    static func childHalf(_ lines: inout [String]) async throws {
        let testbed = TestbedHandle(try #require(umockdev_testbed_new()))
        defer { g_object_unref(testbed.pointer) }
        try #require(umockdev_in_mock_environment() != 0, "umockdev preload not active")
        let original = try RepoPaths.text(RepoPaths.file("simulators/devices/reader-ftdi-TL00042.umockdev"))
        try #require(testbed.add(original))

        let scenario = FaultBench.scenario(cards: 6, elementMilliseconds: 120)
        let first = PtyReaderServer(engine: try ReaderEngine(scenario: scenario),
                                    descriptor: umockdev_testbed_get_dev_fd(testbed.pointer, "/dev/ttyUSB0"), devicePath: "/dev/ttyUSB0")
        try first.start()
        let log = Shared<[String]>([])
        let replug = Shared(Replug())
        defer {
            let (second, placeholder) = replug.withLock { ($0.second, $0.placeholder) }
            second?.stop()
            first.stop()
            if let placeholder { Task { await placeholder.close() } }
        }

        // The opener of `tld readout --device /dev/ttyUSB0`: the first time the path; after a disconnect
        // the device with the reader's serial number, else the path, else wait for udev's "add".
        let device = ResilientReadout.Opener.serialDevice(path: "/dev/ttyUSB0", logger: FaultBench.quiet)
        let opener = ResilientReadout.Opener { serial in
            let transport = try await device.open(serial)
            let path = (transport as? SerialPortTransport<SerialPort>)?.port.path ?? "(not a serial port)"
            log.withLock { $0.append("opened \(path)") }
            return transport
        }
        let store = try SQLiteLabStore.inMemory(logger: FaultBench.quiet)
        let target = FaultBench.cardID(3)
        let readout = ResilientReadout(
            job: ReadoutJob(store: store, logger: FaultBench.quiet), opener: opener,
            policy: .init(reconnectTimeout: .seconds(20), retryInterval: .milliseconds(100), readerConfiguration: FaultBench.readerConfiguration),
            logger: FaultBench.quiet)
        let outcome = try await readout.run(manifest: FaultBench.manifest(scenario), groupID: "UMOCKDEV", progress: { p in
            guard p.cardID == target, p.step == .readingElement(2),
                  replug.withLock({ s in defer { s.started = true }; return !s.started }) else { return }
            Task {
                try? await Task.sleep(for: .milliseconds(40))
                let batch = try? store.findOpenBatch(source: "reader:TL00042")?.id
                let before = (try? batch.map { try FaultBench.rows(store, batch: $0) }) ?? []
                // Pull the cable: the device side hangs up, udev announces the removal.
                first.stop()
                let engine = first.withEngine { $0 }  // the reader itself keeps running
                log.withLock { $0.append("unplugged while heating card \(target) element 2") }
                let usb = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2"
                umockdev_testbed_uevent(testbed.pointer, "\(usb)/1-2:1.0/ttyUSB0/tty/ttyUSB0", "remove")
                umockdev_testbed_remove_device(testbed.pointer, "\(usb)/1-2:1.0/ttyUSB0/tty/ttyUSB0")
                umockdev_testbed_remove_device(testbed.pointer, "\(usb)/1-2:1.0")
                umockdev_testbed_uevent(testbed.pointer, usb, "remove")
                umockdev_testbed_remove_device(testbed.pointer, usb)
                try? await Task.sleep(for: .milliseconds(300))
                // umockdev 0.17 keys its tty emulation by pty number: hold the freed one with a
                // placeholder so the returning device gets a new one (see ScannerConnectionUmockdevTests).
                let placeholder = try? await PseudoTerminalPair.open()
                // Plugged into another port: /dev/ttyUSB1, another bus address.
                let returned = original.split(separator: "1-2", omittingEmptySubsequences: false).joined(separator: "1-7")
                    .replacingOccurrences(of: "ttyUSB0", with: "ttyUSB1").replacingOccurrences(of: "001/005", with: "001/011")
                    .replacingOccurrences(of: "devnum=5", with: "devnum=11").replacingOccurrences(of: "DEVNUM=005", with: "DEVNUM=011")
                    .replacingOccurrences(of: "dev=188:0", with: "dev=188:1")
                    .replacingOccurrences(of: "E: MAJOR=188\nE: MINOR=0", with: "E: MAJOR=188\nE: MINOR=1")
                    .replacingOccurrences(of: "dev=189:4", with: "dev=189:10").replacingOccurrences(of: "E: MINOR=4", with: "E: MINOR=10")
                guard testbed.add(returned) else { log.withLock { $0.append("re-plug failed") }; return }
                let second = PtyReaderServer(engine: engine, descriptor: umockdev_testbed_get_dev_fd(testbed.pointer, "/dev/ttyUSB1"),
                                             devicePath: "/dev/ttyUSB1")
                do { try second.start() } catch { log.withLock { $0.append("server: \(error)") } }
                replug.withLock { $0.before = before; $0.second = second; $0.placeholder = placeholder }
            }
        })
        lines = log.withLock { $0 }
        lines.append("reconnections \(outcome.reconnections)")
        guard case let .read(result) = outcome.result, let id = result.batch.id else { lines.append("nothing read"); return }
        let rows = try FaultBench.rows(store, batch: id)
        let before = replug.withLock { $0.before }
        lines.append(!before.isEmpty && before.allSatisfy(rows.contains) ? "readings before the unplug intact" : "readings changed: \(before.count)")
        lines.append("elements \(rows.count), distinct \(Set(rows.map(\.key)).count), stored \(rows.filter { $0.status == .stored }.count), "
                     + "lost \(rows.filter { $0.status == .lost }.count)")
        lines.append(result.batch.state == .complete ? "batch complete" : "batch \(result.batch.state)")
    }
}

struct Replug: Sendable {
    var started = false
    var before: [FaultBench.Row] = []
    var second: PtyReaderServer?
    var placeholder: PseudoTerminalPair?
}

/// A value shared between the test and the closures it hands out.
final class Shared<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>
    init(_ value: Value) { storage = Mutex(value) }
    func withLock<T>(_ body: (inout Value) -> T) -> T { storage.withLock { body(&$0) } }
}
