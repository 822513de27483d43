// Thin owners of libudev objects. The only file that touches libudev's C API; pointers do not
// leave it. Each object is used from one thread at a time (libudev is not thread-safe per
// context), inside one `UdevEnumerator.serialPorts()` call.

import CUdev
import SystemPackage

/// A `struct udev *` (udev_new / udev_unref).
final class UdevContext {
    let pointer: OpaquePointer

    init() throws(DiscoveryError) {
        guard let pointer = udev_new() else { throw .udevUnavailable(call: "udev_new") }
        self.pointer = pointer
    }

    deinit { udev_unref(pointer) }

    /// udev_enumerate_new + add_match_subsystem (+ add_match_property for each of `properties`)
    /// + scan_devices; the sys paths found.
    func scan(subsystem: String, properties: [(String, String)] = []) throws(DiscoveryError) -> [String] {
        guard let enumerate = udev_enumerate_new(pointer) else {
            throw .udevUnavailable(call: "udev_enumerate_new")
        }
        defer { udev_enumerate_unref(enumerate) }
        let matched = udev_enumerate_add_match_subsystem(enumerate, subsystem)
        guard matched >= 0 else { throw .udev(Errno(rawValue: -matched), call: "udev_enumerate_add_match_subsystem") }
        for (key, value) in properties {
            let rc = udev_enumerate_add_match_property(enumerate, key, value)
            guard rc >= 0 else { throw .udev(Errno(rawValue: -rc), call: "udev_enumerate_add_match_property") }
        }
        let scanned = udev_enumerate_scan_devices(enumerate)
        guard scanned >= 0 else { throw .udev(Errno(rawValue: -scanned), call: "udev_enumerate_scan_devices") }
        return names(udev_enumerate_get_list_entry(enumerate))
    }

    /// udev_device_new_from_syspath, or nil if the device vanished meanwhile.
    func device(sysPath: String) -> UdevDevice? {
        guard let device = udev_device_new_from_syspath(pointer, sysPath) else { return nil }
        return UdevDevice(owned: device)
    }
}

/// A `struct udev_device *`. Parents are borrowed from their child, which this keeps alive.
final class UdevDevice {
    private let pointer: OpaquePointer
    private let owner: UdevDevice?

    init(owned pointer: OpaquePointer) {
        self.pointer = pointer
        self.owner = nil
    }

    private init(borrowed pointer: OpaquePointer, from owner: UdevDevice) {
        self.pointer = pointer
        self.owner = owner
    }

    deinit { if owner == nil { udev_device_unref(pointer) } }

    var sysPath: String? { string(udev_device_get_syspath(pointer)) }
    var devnode: String? { string(udev_device_get_devnode(pointer)) }
    var driver: String? { string(udev_device_get_driver(pointer)) }
    var subsystem: String? { string(udev_device_get_subsystem(pointer)) }
    var devtype: String? { string(udev_device_get_devtype(pointer)) }
    /// udev_device_get_action: "add", "remove", "change", … for a device from a monitor; nil otherwise.
    var action: String? { string(udev_device_get_action(pointer)) }

    /// udev_device_get_property_value (an `E:` property from the udev database).
    func property(_ key: String) -> String? { string(udev_device_get_property_value(pointer, key)) }

    /// udev_device_get_sysattr_value (a sysfs attribute file, trailing newline removed).
    func sysattr(_ name: String) -> String? { string(udev_device_get_sysattr_value(pointer, name)) }

    /// udev_device_get_devlinks_list_entry.
    var devlinks: [String] { names(udev_device_get_devlinks_list_entry(pointer)) }

    /// udev_device_get_parent_with_subsystem_devtype.
    func parent(subsystem: String, devtype: String?) -> UdevDevice? {
        guard let parent = udev_device_get_parent_with_subsystem_devtype(pointer, subsystem, devtype) else { return nil }
        return UdevDevice(borrowed: parent, from: self)
    }
}

private func string(_ pointer: UnsafePointer<CChar>?) -> String? {
    pointer.map { String(cString: $0) }
}

/// The names along a udev_list_entry chain.
private func names(_ first: OpaquePointer?) -> [String] {
    var result: [String] = []
    var entry = first
    while let current = entry {
        if let name = udev_list_entry_get_name(current) { result.append(String(cString: name)) }
        entry = udev_list_entry_get_next(current)
    }
    return result
}

/// A `struct udev_monitor *` listening on the "udev" netlink group (events after udevd has run its
/// rules; under umockdev, the test bed's uevents). udev_monitor_new_from_netlink / udev_monitor_unref.
final class UdevMonitorHandle {
    private let pointer: OpaquePointer
    private let context: UdevContext

    /// udev_monitor_new_from_netlink(udev, "udev"), one udev_monitor_filter_add_match_subsystem_devtype
    /// per filter, udev_monitor_enable_receiving. Events after this returns are queued in the socket.
    init(context: UdevContext, filters: [(subsystem: String, devtype: String?)]) throws(DiscoveryError) {
        guard let monitor = udev_monitor_new_from_netlink(context.pointer, "udev") else {
            throw .udevUnavailable(call: "udev_monitor_new_from_netlink")
        }
        self.pointer = monitor
        self.context = context
        for filter in filters {
            let rc = udev_monitor_filter_add_match_subsystem_devtype(monitor, filter.subsystem, filter.devtype)
            guard rc >= 0 else { throw .udev(Errno(rawValue: -rc), call: "udev_monitor_filter_add_match_subsystem_devtype") }
        }
        let rc = udev_monitor_enable_receiving(monitor)
        guard rc >= 0 else { throw .udev(Errno(rawValue: -rc), call: "udev_monitor_enable_receiving") }
    }

    deinit { udev_monitor_unref(pointer) }

    /// udev_monitor_get_fd: a non-blocking socket that is readable when an event is queued.
    var fd: CInt { udev_monitor_get_fd(pointer) }

    /// udev_monitor_receive_device: the next queued event, or nil if none is (or it was malformed).
    func receive() -> UdevDevice? {
        guard let device = udev_monitor_receive_device(pointer) else { return nil }
        return UdevDevice(owned: device)
    }
}
