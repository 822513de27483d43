import Glibc

extension DeviceDiscovery {
    /// The attached device with this USB serial number (and role, if given), e.g. the reader
    /// "TL00042" after it was re-plugged under another tty name. Calls `attachedDevices()`.
    public func device(serialNumber: String, role: DeviceRole? = nil) throws(DiscoveryError) -> AttachedDevice? {
        try attachedDevices().first { $0.serialNumber == serialNumber && (role == nil || $0.role == role) }
    }

    /// The attached device reached by `path`: one of its nodes (`/dev/ttyUSB0`,
    /// `/dev/bus/usb/001/005`, `/dev/hidraw0`), one of its udev symlinks
    /// (`/dev/tl-lab/reader-TL00042`, `/dev/serial/by-id/…`), or a symlink that realpath(3)
    /// resolves to one of its nodes.
    public func device(path: String) throws(DiscoveryError) -> AttachedDevice? {
        let devices = try attachedDevices()
        if let direct = devices.first(where: { $0.nodes.contains(path) || $0.symlinks.contains(path) }) { return direct }
        guard let resolved = Self.realPath(path), resolved != path else { return nil }
        return devices.first { $0.nodes.contains(resolved) }
    }

    /// realpath(3), or nil if it fails (e.g. a dangling symlink).
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

extension AttachedDevice {
    /// Every device node of the device: usbfs, tty, hidraw and evdev.
    public var nodes: [String] {
        [usbDevnode, ttyDevnode].compactMap { $0 } + hidrawDevnodes + inputDevnodes
    }
}
