/// A USB device as libusb sees it: where it is, and its device descriptor.
public struct USBDeviceInfo: Sendable, Equatable, Hashable {
    /// libusb_get_bus_number.
    public var busNumber: UInt8
    /// libusb_get_device_address (changes on every re-plug).
    public var address: UInt8
    /// The hub port chain from the root (libusb_get_port_numbers), e.g. [1, 4]: stable across re-plugs
    /// into the same socket.
    public var portPath: [UInt8]
    /// bDeviceClass (0 = per interface, 2 = CDC, 0xFF = vendor specific).
    public var deviceClass: UInt8
    /// idVendor, idProduct, and the string descriptors when they could be read (they need
    /// libusb_open, so permission on /dev/bus/usb/BBB/DDD; nil otherwise).
    public var identity: USBIdentity

    public init(busNumber: UInt8, address: UInt8, portPath: [UInt8], deviceClass: UInt8, identity: USBIdentity) {
        self.busNumber = busNumber
        self.address = address
        self.portPath = portPath
        self.deviceClass = deviceClass
        self.identity = identity
    }
}
