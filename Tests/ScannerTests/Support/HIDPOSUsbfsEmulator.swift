import CUmockdev
import Glibc
import ScannerSimulator
import Synchronization

/// A HID POS barcode scanner behind usbfs, for libusb running under a umockdev test bed. It lives
/// with the tests (not in ScannerSimulator) so that building the package needs no umockdev
/// headers; the reports it serves come from `SimulatedScan.hidPOSReports()`. It answers the usbfs
/// ioctls of `/dev/bus/usb/BBB/DDD` (umockdev_testbed_attach_ioctl) the way the kernel
/// would for a scanner, following libusb's own tests/umockdev.c:
///
/// * USBDEVFS_GET_CAPABILITIES, RESET, CLAIMINTERFACE, RELEASEINTERFACE, DISCONNECT_CLAIM (detach the
///   kernel driver and claim), USBDEVFS_IOCTL(CONNECT/DISCONNECT) (re-attach/detach), GETDRIVER
///   (ENODATA: no driver) — recorded in `trace`;
/// * control URBs for GET_DESCRIPTOR: string descriptors (language, manufacturer, product,
///   serial) and the HID report descriptor;
/// * interrupt IN URBs on endpoint 0x81: each is completed with the next queued report
///   (`enqueue(_:)`), else stays in flight; REAPURBNDELAY answers EAGAIN while none is ready, and
///   DISCARDURB (libusb's timeout) hands the URB back with status -ENOENT.
///
/// The handler runs on umockdev's own thread; the state is behind a mutex.
final class HIDPOSUsbfsEmulator: Sendable {
    /// The HID report descriptor it reports (usage page 0x8C by default).
    let reportDescriptor: [UInt8]
    /// String descriptors by index (1 manufacturer, 2 product, 3 serial number, as in the
    /// `.umockdev` description's device descriptor).
    let strings: [UInt8: String]

    private struct Flying {
        /// A retained `UMockdevIoctlData *` of the URB, as a bit pattern (the pointer is not Sendable).
        var data: UInt
        var clientAddress: UInt
        /// A retained `UMockdevIoctlData *` of the URB's buffer (resolved, so it works when the
        /// driver runs in another process; umockdev copies it back on completion), or 0.
        var buffer: UInt = 0
        var type: UInt8
        var endpoint: UInt8
    }

    private struct State {
        var reports: [[UInt8]] = []
        var flying: [Flying] = []
        var discarded: [Flying] = []
        var trace: [String] = []
    }

    private let state = Mutex(State())

    /// A report descriptor declaring usage page 0x8C (Bar Code Scanner), usage 0x02, report ID 2,
    /// 63 bytes of input.
    static let barCodeScannerReportDescriptor: [UInt8] = [
        0x05, 0x8C, 0x09, 0x02, 0xA1, 0x01, 0x85, 0x02, 0x15, 0x00, 0x26, 0xFF, 0x00,
        0x75, 0x08, 0x95, 0x3F, 0x09, 0x00, 0x81, 0x02, 0xC0,
    ]

    init(reportDescriptor: [UInt8] = barCodeScannerReportDescriptor,
                strings: [UInt8: String] = [1: "Newland", 2: "HR200 HID POS", 3: "NLS00071"]) {
        self.reportDescriptor = reportDescriptor
        self.strings = strings
    }

    /// Attaches to `devnode` (e.g. "/dev/bus/usb/001/007") of `testbed`. Call it before adding the
    /// device, whose `N:` line must then have no contents (umockdev makes the node an ioctl socket).
    func attach(to testbed: UnsafeMutablePointer<UMockdevTestbed>, devnode: String) throws(SimulatorError) {
        guard let handler = umockdev_ioctl_base_new() else { throw .system(call: "umockdev_ioctl_base_new", errno: ENOMEM) }
        let context = Unmanaged.passRetained(self).toOpaque()  // released never: lives as long as the test bed
        _ = cumockdev_connect_handle_ioctl(handler, { _, client, context in
            guard let client, let context else { return 0 }
            return Unmanaged<HIDPOSUsbfsEmulator>.fromOpaque(context).takeUnretainedValue().handle(client) ? 1 : 0
        }, context)
        var error: UnsafeMutablePointer<GError>?
        guard umockdev_testbed_attach_ioctl(testbed, devnode, handler, &error) != 0 else {
            throw .system(call: "umockdev_testbed_attach_ioctl", errno: EINVAL)
        }
    }

    /// Queues the reports of one scan; the driver's next interrupt transfers receive them.
    func enqueue(_ scan: SimulatedScan) {
        state.withLock { $0.reports += scan.hidPOSReports() }
    }

    /// Reports queued and not yet read.
    var pendingReports: Int { state.withLock { $0.reports.count } }

    /// The interface-level requests seen, in order ("claim 0 (kernel driver detached)", "release 0",
    /// "kernel driver re-attached to 0", …).
    var trace: [String] { state.withLock { $0.trace } }

    private func record(_ line: String) { state.withLock { $0.trace.append(line) } }

    // MARK: the ioctl handler (on umockdev's thread)

    private func handle(_ client: UnsafeMutablePointer<UMockdevIoctlClient>) -> Bool {
        let request = UInt(umockdev_ioctl_client_get_request(client))
        guard let argument = umockdev_ioctl_client_get_arg(client) else { return false }
        switch request {
        case cumockdev_usbdevfs_get_capabilities():
            guard let capabilities = umockdev_ioctl_data_resolve(argument, 0, 4, nil) else { return false }
            // ZERO_PACKET | BULK_CONTINUATION | NO_PACKET_SIZE_LIM | BULK_SCATTER_GATHER | REAP_AFTER_DISCONNECT
            capabilities.pointee.data.withMemoryRebound(to: UInt32.self, capacity: 1) { $0.pointee = 0x1F }
            umockdev_ioctl_data_unref(capabilities)
            umockdev_ioctl_client_complete(client, 0, 0)
        case cumockdev_usbdevfs_claiminterface():
            record("claim \(interfaceNumber(argument))")
            umockdev_ioctl_client_complete(client, 0, 0)
        case cumockdev_usbdevfs_disconnect_claim():
            record("claim \(interfaceNumber(argument)) (kernel driver detached)")
            umockdev_ioctl_client_complete(client, 0, 0)
        case cumockdev_usbdevfs_releaseinterface():
            record("release \(interfaceNumber(argument))")
            umockdev_ioctl_client_complete(client, 0, 0)
        case cumockdev_usbdevfs_getdriver():
            umockdev_ioctl_client_complete(client, -1, ENODATA)
        case cumockdev_usbdevfs_ioctl():
            guard let inner = umockdev_ioctl_data_resolve(argument, 0, UInt(MemoryLayout<usbdevfs_ioctl>.size), nil) else { return false }
            let command = inner.pointee.data.withMemoryRebound(to: usbdevfs_ioctl.self, capacity: 1) { $0.pointee }
            umockdev_ioctl_data_unref(inner)
            switch UInt(bitPattern: Int(command.ioctl_code)) {
            case cumockdev_usbdevfs_connect(): record("kernel driver re-attached to \(command.ifno)")
            case cumockdev_usbdevfs_disconnect(): record("kernel driver detached from \(command.ifno)")
            default: record("usbdevfs ioctl \(command.ioctl_code)")
            }
            umockdev_ioctl_client_complete(client, 0, 0)
        case cumockdev_usbdevfs_reset():
            record("port reset")
            umockdev_ioctl_client_complete(client, 0, 0)
        case cumockdev_usbdevfs_setinterface(), cumockdev_usbdevfs_clear_halt():
            umockdev_ioctl_client_complete(client, 0, 0)
        case cumockdev_usbdevfs_submiturb():
            return submit(client, argument)
        case cumockdev_usbdevfs_reapurb(), cumockdev_usbdevfs_reapurbndelay():
            reap(client, argument)
        case cumockdev_usbdevfs_discardurb():
            let address = argument.pointee.data.withMemoryRebound(to: UInt.self, capacity: 1) { $0.pointee }
            let found = state.withLock { state -> Bool in
                guard let index = state.flying.firstIndex(where: { $0.clientAddress == address }) else { return false }
                state.discarded.append(state.flying.remove(at: index))
                return true
            }
            umockdev_ioctl_client_complete(client, found ? 0 : -1, found ? 0 : EINVAL)
        default:
            record("unhandled ioctl 0x\(String(request, radix: 16))")
            return false
        }
        return true
    }

    private func interfaceNumber(_ argument: UnsafeMutablePointer<UMockdevIoctlData>) -> Int32 {
        guard let value = umockdev_ioctl_data_resolve(argument, 0, 4, nil) else { return -1 }
        defer { umockdev_ioctl_data_unref(value) }
        return value.pointee.data.withMemoryRebound(to: Int32.self, capacity: 1) { $0.pointee }
    }

    private func submit(_ client: UnsafeMutablePointer<UMockdevIoctlClient>, _ argument: UnsafeMutablePointer<UMockdevIoctlData>) -> Bool {
        guard let urbData = umockdev_ioctl_data_resolve(argument, 0, UInt(MemoryLayout<usbdevfs_urb>.size), nil) else { return false }
        let urb = urbData.pointee.data.withMemoryRebound(to: usbdevfs_urb.self, capacity: 1) { $0.pointee }
        var buffer: UInt = 0
        if urb.buffer_length > 0, let offset = MemoryLayout<usbdevfs_urb>.offset(of: \.buffer),
           let resolved = umockdev_ioctl_data_resolve(urbData, UInt(offset), UInt(urb.buffer_length), nil) {
            buffer = UInt(bitPattern: resolved)
        }
        let flying = Flying(data: UInt(bitPattern: urbData), clientAddress: urbData.pointee.client_addr, buffer: buffer,
                            type: urb.type, endpoint: urb.endpoint)
        state.withLock { $0.flying.append(flying) }  // keeps the reference from resolve
        umockdev_ioctl_client_complete(client, 0, 0)
        return true
    }

    private func reap(_ client: UnsafeMutablePointer<UMockdevIoctlClient>, _ argument: UnsafeMutablePointer<UMockdevIoctlData>) {
        // A discarded URB first (libusb cancelled it on timeout), then any URB that can complete.
        let next: (Flying, [UInt8]?, Int32)? = state.withLock { state in
            if !state.discarded.isEmpty { return (state.discarded.removeFirst(), nil, -ENOENT) }
            for (index, urb) in state.flying.enumerated() {
                if let reply = reply(to: urb, reports: &state.reports) {
                    state.flying.remove(at: index)
                    return (urb, reply, 0)
                }
            }
            return nil
        }
        guard let (urb, reply, status) = next, let urbData = UnsafeMutablePointer<UMockdevIoctlData>(bitPattern: urb.data) else {
            umockdev_ioctl_client_complete(client, -1, EAGAIN)
            return
        }
        urbData.pointee.data.withMemoryRebound(to: usbdevfs_urb.self, capacity: 1) { pointer in
            pointer.pointee.status = status
            pointer.pointee.actual_length = 0
            if let reply, let bufferData = UnsafeMutablePointer<UMockdevIoctlData>(bitPattern: urb.buffer),
               let buffer = bufferData.pointee.data {
                // The buffer as resolved at submit: umockdev copies it back into the driver's memory.
                let offset = urb.type == UInt8(USBDEVFS_URB_TYPE_CONTROL) ? 8 : 0
                let count = max(0, min(reply.count, Int(pointer.pointee.buffer_length) - offset))
                reply.withUnsafeBytes { (UnsafeMutableRawPointer(buffer) + offset).copyMemory(from: $0.baseAddress!, byteCount: count) }
                pointer.pointee.actual_length = Int32(count)
            }
        }
        let pointerSlot = umockdev_ioctl_data_resolve(argument, 0, UInt(MemoryLayout<UnsafeRawPointer>.size), nil)
        if let pointerSlot { umockdev_ioctl_data_set_ptr(pointerSlot, 0, urbData) }
        umockdev_ioctl_client_complete(client, 0, 0)
        if let pointerSlot { umockdev_ioctl_data_unref(pointerSlot) }
        if let bufferData = UnsafeMutablePointer<UMockdevIoctlData>(bitPattern: urb.buffer) { umockdev_ioctl_data_unref(bufferData) }
        umockdev_ioctl_data_unref(urbData)
    }

    /// The bytes that complete `urb` now, or nil if it must wait (an interrupt IN with no report).
    private func reply(to urb: Flying, reports: inout [[UInt8]]) -> [UInt8]? {
        if urb.type == UInt8(USBDEVFS_URB_TYPE_INTERRUPT) && urb.endpoint == 0x81 {
            return reports.isEmpty ? nil : reports.removeFirst()
        }
        guard urb.type == UInt8(USBDEVFS_URB_TYPE_CONTROL),
              let urbData = UnsafeMutablePointer<UMockdevIoctlData>(bitPattern: urb.data) else { return [] }
        _ = urbData
        guard let bufferData = UnsafeMutablePointer<UMockdevIoctlData>(bitPattern: urb.buffer), let buffer = bufferData.pointee.data,
              bufferData.pointee.data_len >= 8 else { return [] }
        let setup = Array(UnsafeRawBufferPointer(start: UnsafeRawPointer(buffer), count: 8))
        guard setup.count == 8, setup[1] == 0x06 else { return [] }  // GET_DESCRIPTOR only
        let length = Int(setup[6]) | Int(setup[7]) << 8
        switch (setup[3], setup[2]) {
        case (0x22, _):  // HID report descriptor
            return Array(reportDescriptor.prefix(length))
        case (0x03, 0):  // supported languages: en-US
            return Array([4, 3, 0x09, 0x04].prefix(length))
        case (0x03, let index):
            guard let text = strings[index] else { return [] }
            let utf16 = text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
            return Array(([UInt8(2 + utf16.count), 3] + utf16).prefix(length))
        default:
            return []
        }
    }
}
