/// A USB HID device read through libusb instead of the kernel's HID drivers: used for barcode
/// scanners in HID point-of-sale mode (usage page 0x8C).
///
///     let scanner = try await HIDInterruptDevice.open(USBDeviceMatch(vendorID: 0x1eab, productID: 0x0110))
///     while let report = try await scanner.readReport(timeout: .seconds(1)) { handle(report) }
///
/// Opening claims the HID interface with the kernel driver detached
/// (libusb_set_auto_detach_kernel_driver), so while we hold it scans never reach the input layer
/// and cannot type into a focused window; `close()` releases it and the kernel driver returns.
/// Like `SerialPort` it is an actor on its own thread, because libusb_interrupt_transfer blocks.
public actor HIDInterruptDevice {
    /// What was opened.
    public nonisolated let match: USBDeviceMatch
    /// The claimed interface's bInterfaceNumber.
    public private(set) var interfaceNumber = 0
    /// Its report descriptor (GET_DESCRIPTOR 0x22), when the device gave it.
    public private(set) var reportDescriptor: HIDReportDescriptor?

    private let lease: ExecutorLease
    private var handle: LibUSBHandle?
    private var endpoint: UInt8 = 0x81
    private var maxPacketSize = 64

    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        lease.executor.asUnownedSerialExecutor()
    }

    private init(match: USBDeviceMatch, lease: ExecutorLease) {
        self.match = match
        self.lease = lease
    }

    /// Opens the first device matching `match`, picks its HID interface with an interrupt IN
    /// endpoint (the one whose report descriptor declares usage page 0x8C, if several), detaches
    /// the kernel driver and claims it. Calls libusb_init, libusb_get_device_list, libusb_open,
    /// libusb_get_active_config_descriptor, libusb_control_transfer (GET_DESCRIPTOR Report),
    /// libusb_set_auto_detach_kernel_driver and libusb_claim_interface, on the device's thread.
    ///
    /// - Throws: `.notFound`, `.permissionDenied`, `.noHIDInterface`, `.busy`, or `.libusb`.
    public static func open(_ match: USBDeviceMatch) async throws(USBError) -> HIDInterruptDevice {
        guard let executor = DedicatedThreadExecutor.start() else {
            throw .libusb(code: -99, name: "pthread_create failed", call: "pthread_create", device: match)
        }
        let device = HIDInterruptDevice(match: match, lease: ExecutorLease(executor))
        try await device.openDevice()
        return device
    }

    private func openDevice() throws(USBError) {
        let handle = try LibUSBHandle(match: match)
        let interfaces = handle.hidInterfaces()
        guard !interfaces.isEmpty else { throw .noHIDInterface(match) }
        let described = interfaces.map { ($0, handle.reportDescriptor(interface: $0.interface).map(HIDReportDescriptor.init)) }
        let chosen = described.first { $0.1?.isBarCodeScanner == true } ?? described[0]
        let rc = handle.claim(interface: chosen.0.interface)
        switch rc {
        case 0: break
        case -6: throw .busy(match, interface: chosen.0.interface)  // LIBUSB_ERROR_BUSY
        default: throw LibUSBHandle.error(rc, call: "libusb_claim_interface", match: match)
        }
        self.handle = handle
        interfaceNumber = chosen.0.interface
        endpoint = chosen.0.endpoint
        maxPacketSize = max(8, chosen.0.maxPacketSize)
        reportDescriptor = chosen.1
    }

    /// Waits up to `timeout` for one input report (libusb_interrupt_transfer in slices of at most
    /// 100 ms, so a cancelled task stops within one slice). Returns nil if none came.
    ///
    /// - Throws: `.disconnected`, `.cancelled`, `.closed`, or `.libusb`.
    public func readReport(timeout: Duration) throws(USBError) -> [UInt8]? {
        guard let handle else { throw .closed(match) }
        let deadline = ContinuousClock.now.advanced(by: timeout)
        repeat {
            if Task.isCancelled { throw .cancelled(match) }
            let left = ContinuousClock.now.duration(to: deadline)
            let milliseconds = max(1, min(100, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000))
            switch handle.interruptIn(endpoint: endpoint, maxCount: maxPacketSize, timeoutMilliseconds: UInt32(milliseconds)) {
            case .data(let bytes) where !bytes.isEmpty: return bytes
            case .data: continue
            case .failed(let code) where code == -1 || code == -4:  // LIBUSB_ERROR_IO, LIBUSB_ERROR_NO_DEVICE
                throw .disconnected(match)
            case .failed(let code):
                throw LibUSBHandle.error(code, call: "libusb_interrupt_transfer", match: match)
            }
        } while ContinuousClock.now < deadline
        return nil
    }

    /// Releases the interface (libusb_release_interface; the kernel driver is re-attached) and
    /// closes the device (libusb_close, libusb_exit). Calling it again does nothing.
    public func close() {
        handle?.release()
        handle = nil
    }
}
