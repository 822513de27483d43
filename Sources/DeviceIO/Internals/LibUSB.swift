// Thin owners of libusb objects. The only file that touches libusb's C API.

import CLibUSB

/// A `libusb_context *` (libusb_init / libusb_exit).
final class LibUSBContext {
    private let pointer: OpaquePointer

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
    private static func string(_ handle: OpaquePointer, index: UInt8) -> String? {
        guard index != 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 256)
        let length = buffer.withUnsafeMutableBufferPointer {
            libusb_get_string_descriptor_ascii(handle, index, $0.baseAddress, Int32($0.count))
        }
        guard length > 0 else { return nil }
        return String(decoding: buffer.prefix(Int(length)), as: UTF8.self)
    }
}

/// A libusb error code as a `DiscoveryError`, with libusb_error_name.
private func usbError(_ code: Int32, call: String) -> DiscoveryError {
    let name = libusb_error_name(code).map { String(cString: $0) } ?? "LIBUSB_ERROR \(code)"
    return .usb(code: code, name: name, call: call)
}
