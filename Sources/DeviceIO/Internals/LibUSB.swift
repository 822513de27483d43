// Thin owners of libusb objects. The only file that touches libusb's C API.

import CLibUSB

/// A `libusb_context *` (libusb_init / libusb_exit).
final class LibUSBContext {
    fileprivate let pointer: OpaquePointer

    init() throws(DiscoveryError) {
        var context: OpaquePointer?
        let rc = libusb_init(&context)
        guard rc == 0, let context else { throw usbError(rc, call: "libusb_init") }
        pointer = context
    }

    deinit { libusb_exit(pointer) }

    /// libusb_get_device_list, each device described, then libusb_free_device_list.
    func devices() throws(DiscoveryError) -> [USBDeviceInfo] {
        var list: UnsafeMutablePointer<OpaquePointer?>?
        let count = libusb_get_device_list(pointer, &list)
        guard count >= 0, let list else { throw usbError(Int32(truncatingIfNeeded: count), call: "libusb_get_device_list") }
        defer { libusb_free_device_list(list, 1) }
        var result: [USBDeviceInfo] = []
        for index in 0..<count {
            guard let device = list[index] else { continue }
            if let info = describe(device) { result.append(info) }
        }
        return result
    }

    /// libusb_get_device_descriptor, bus/address/ports, and the strings if libusb_open works.
    private func describe(_ device: OpaquePointer) -> USBDeviceInfo? {
        var descriptor = libusb_device_descriptor()
        guard libusb_get_device_descriptor(device, &descriptor) == 0 else { return nil }
        var ports = [UInt8](repeating: 0, count: 8)
        let depth = ports.withUnsafeMutableBufferPointer {
            libusb_get_port_numbers(device, $0.baseAddress, Int32($0.count))
        }
        var identity = USBIdentity(vendorID: descriptor.idVendor, productID: descriptor.idProduct)
        var handle: OpaquePointer?
        if libusb_open(device, &handle) == 0, let handle {
            defer { libusb_close(handle) }
            identity.manufacturer = Self.string(handle, index: descriptor.iManufacturer)
            identity.product = Self.string(handle, index: descriptor.iProduct)
            identity.serialNumber = Self.string(handle, index: descriptor.iSerialNumber)
        }
        return USBDeviceInfo(
            busNumber: libusb_get_bus_number(device),
            address: libusb_get_device_address(device),
            portPath: depth > 0 ? Array(ports.prefix(Int(depth))) : [],
            deviceClass: descriptor.bDeviceClass,
            identity: identity)
    }

    /// libusb_get_string_descriptor_ascii; nil for index 0 (no string) or on failure.
    fileprivate static func string(_ handle: OpaquePointer, index: UInt8) -> String? {
        guard index != 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 256)
        let length = buffer.withUnsafeMutableBufferPointer {
            libusb_get_string_descriptor_ascii(handle, index, $0.baseAddress, Int32($0.count))
        }
        guard length > 0 else { return nil }
        return String(decoding: buffer.prefix(Int(length)), as: UTF8.self)
    }
}

/// An open `libusb_device_handle *` (libusb_open / libusb_close) and the context it lives in.
/// Used from one thread at a time: inside one `USBEnumerator` call, or on a `HIDInterruptDevice`'s thread.
final class LibUSBHandle {
    private let context: LibUSBContext
    private let pointer: OpaquePointer
    let match: USBDeviceMatch

    /// Finds the first device in libusb_get_device_list whose descriptor has the ids and (if
    /// given) whose iSerialNumber string is `match.serialNumber`, and opens it.
    init(match: USBDeviceMatch) throws(USBError) {
        let context: LibUSBContext
        do { context = try LibUSBContext() } catch {
            throw .libusb(code: Int32(LIBUSB_ERROR_OTHER.rawValue), name: "libusb_init failed", call: "libusb_init", device: match)
        }
        var list: UnsafeMutablePointer<OpaquePointer?>?
        let count = libusb_get_device_list(context.pointer, &list)
        guard count >= 0, let list else {
            throw Self.error(Int32(truncatingIfNeeded: count), call: "libusb_get_device_list", match: match)
        }
        defer { libusb_free_device_list(list, 1) }
        var refused = false
        for index in 0..<count {
            guard let device = list[index] else { continue }
            var descriptor = libusb_device_descriptor()
            guard libusb_get_device_descriptor(device, &descriptor) == 0,
                  descriptor.idVendor == match.vendorID, descriptor.idProduct == match.productID else { continue }
            var handle: OpaquePointer?
            let rc = libusb_open(device, &handle)
            guard rc == 0, let handle else {
                if rc == LIBUSB_ERROR_ACCESS.rawValue { refused = true }
                continue
            }
            if let wanted = match.serialNumber,
               LibUSBContext.stringDescriptor(handle, index: descriptor.iSerialNumber) != wanted {
                libusb_close(handle)
                continue
            }
            self.context = context
            self.pointer = handle
            self.match = match
            return
        }
        throw refused ? .permissionDenied(match) : .notFound(match)
    }

    /// The interface `claim` took, released (and its kernel driver re-attached) in deinit.
    private var claimed: Int?

    deinit {
        if let claimed { _ = libusb_release_interface(pointer, Int32(claimed)) }
        libusb_close(pointer)
    }

    /// libusb_reset_device: a USB port reset. Returns 0, or LIBUSB_ERROR_NOT_FOUND when the
    /// device re-enumerated (its descriptors changed) and must be opened again.
    func reset() -> Int32 { libusb_reset_device(pointer) }

    /// The HID interfaces (bInterfaceClass 3) of the active configuration that have an interrupt
    /// IN endpoint: libusb_get_active_config_descriptor, walked, then libusb_free_config_descriptor.
    func hidInterfaces() -> [(interface: Int, endpoint: UInt8, maxPacketSize: Int)] {
        guard let device = libusb_get_device(pointer) else { return [] }
        var config: UnsafeMutablePointer<libusb_config_descriptor>?
        guard libusb_get_active_config_descriptor(device, &config) == 0, let config else { return [] }
        defer { libusb_free_config_descriptor(config) }
        var found: [(Int, UInt8, Int)] = []
        for i in 0..<Int(config.pointee.bNumInterfaces) {
            let interface = config.pointee.interface[i]
            guard interface.num_altsetting > 0, let setting = interface.altsetting?.pointee,
                  setting.bInterfaceClass == UInt8(LIBUSB_CLASS_HID.rawValue) else { continue }
            for e in 0..<Int(setting.bNumEndpoints) {
                guard let endpoint = setting.endpoint?[e] else { continue }
                let isInterrupt = endpoint.bmAttributes & 0x03 == UInt8(LIBUSB_TRANSFER_TYPE_INTERRUPT.rawValue)
                if isInterrupt && endpoint.bEndpointAddress & 0x80 != 0 {
                    found.append((Int(setting.bInterfaceNumber), endpoint.bEndpointAddress, Int(endpoint.wMaxPacketSize)))
                    break
                }
            }
        }
        return found
    }

    /// GET_DESCRIPTOR(Report) on an interface (libusb_control_transfer, bmRequestType 0x81,
    /// bRequest 6, wValue 0x2200, wIndex = interface); nil if the device refuses.
    func reportDescriptor(interface: Int) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 1024)
        let count = buffer.withUnsafeMutableBufferPointer {
            libusb_control_transfer(pointer, 0x81, 0x06, 0x2200, UInt16(interface), $0.baseAddress, UInt16($0.count), 1000)
        }
        return count > 0 ? Array(buffer.prefix(Int(count))) : nil
    }

    /// libusb_set_auto_detach_kernel_driver(1) then libusb_claim_interface: the kernel's usbhid
    /// driver is detached while we hold the interface (so scans do not reach the input layer or a
    /// focused window) and re-attached by libusb_release_interface.
    func claim(interface: Int) -> Int32 {
        _ = libusb_set_auto_detach_kernel_driver(pointer, 1)  // LIBUSB_ERROR_NOT_SUPPORTED off Linux: claim decides
        let rc = libusb_claim_interface(pointer, Int32(interface))
        if rc == 0 { claimed = interface }
        return rc
    }

    /// libusb_release_interface of the claimed interface (re-attaches the kernel driver after auto-detach).
    func release() {
        guard let interface = claimed else { return }
        _ = libusb_release_interface(pointer, Int32(interface))
        claimed = nil
    }

    /// libusb_interrupt_transfer on an IN endpoint: blocks up to `timeoutMilliseconds`.
    /// Returns the bytes (empty on LIBUSB_ERROR_TIMEOUT with nothing), or the libusb error code.
    func interruptIn(endpoint: UInt8, maxCount: Int, timeoutMilliseconds: UInt32) -> TransferResult {
        var buffer = [UInt8](repeating: 0, count: maxCount)
        var transferred: Int32 = 0
        let rc = buffer.withUnsafeMutableBufferPointer {
            libusb_interrupt_transfer(pointer, endpoint, $0.baseAddress, Int32($0.count), &transferred, timeoutMilliseconds)
        }
        if rc == 0 || (rc == LIBUSB_ERROR_TIMEOUT.rawValue && transferred > 0) {
            return .data(Array(buffer.prefix(Int(transferred))))
        }
        if rc == LIBUSB_ERROR_TIMEOUT.rawValue { return .data([]) }
        return .failed(rc)
    }

    enum TransferResult {
        /// The bytes received (empty when the timeout passed with nothing).
        case data([UInt8])
        /// A LIBUSB_ERROR_* code.
        case failed(Int32)
    }

    /// A libusb error code as a `USBError`.
    static func error(_ code: Int32, call: String, match: USBDeviceMatch) -> USBError {
        switch code {
        case LIBUSB_ERROR_NO_DEVICE.rawValue: return .disconnected(match)
        case LIBUSB_ERROR_NOT_FOUND.rawValue: return .notFound(match)
        case LIBUSB_ERROR_ACCESS.rawValue: return .permissionDenied(match)
        default:
            let name = libusb_error_name(code).map { String(cString: $0) } ?? "LIBUSB_ERROR \(code)"
            return .libusb(code: code, name: name, call: call, device: match)
        }
    }
}

extension LibUSBContext {
    /// libusb_get_string_descriptor_ascii, for `LibUSBHandle`.
    fileprivate static func stringDescriptor(_ handle: OpaquePointer, index: UInt8) -> String? { string(handle, index: index) }
}

/// A libusb error code as a `DiscoveryError`, with libusb_error_name.
private func usbError(_ code: Int32, call: String) -> DiscoveryError {
    let name = libusb_error_name(code).map { String(cString: $0) } ?? "LIBUSB_ERROR \(code)"
    return .usb(code: code, name: name, call: call)
}
