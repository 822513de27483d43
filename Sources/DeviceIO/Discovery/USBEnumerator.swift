/// Lists the USB devices on the machine through libusb, with their descriptors.
///
///     let readers = try USBEnumerator().devices().filter { $0.identity.vendorID == 0x0403 }
///
/// Each call makes and ends its own libusb context (libusb_init / libusb_exit), so nothing is
/// shared between threads. The string descriptors need libusb_open (permission on
/// /dev/bus/usb/BBB/DDD); without it they are nil. For ttys, `UdevEnumerator` reads the same
/// strings from sysfs without opening the device.
public struct USBEnumerator: Sendable {
    public init() {}

    /// The devices, sorted by bus and address. Calls libusb_init, libusb_get_device_list,
    /// libusb_get_device_descriptor, libusb_get_bus_number, libusb_get_device_address,
    /// libusb_get_port_numbers, and libusb_open + libusb_get_string_descriptor_ascii.
    ///
    /// - Throws: `DiscoveryError.usb` if libusb cannot start (e.g. no usbfs) or list devices.
    public func devices() throws(DiscoveryError) -> [USBDeviceInfo] {
        let context = try LibUSBContext()
        return try context.devices().sorted { ($0.busNumber, $0.address) < ($1.busNumber, $1.address) }
    }
}
