/// Waiting for a particular device to be attached: for a driver whose device was unplugged or
/// reset, to re-open it by serial number under whatever node it comes back as.
///
///     // the reader's port reported .disconnected
///     if let reader = try await DeviceArrival.wait(serialNumber: "TL00042", role: .reader, timeout: .seconds(60)),
///        let path = reader.path {
///         port = try await SerialPort.open(path: path)
///     }
public enum DeviceArrival {
    /// The attached device with this serial number (and role, if given): at once if it is attached
    /// now, else when a `HotplugMonitor` sees it arrive; nil if it has not come within `timeout`.
    /// The monitor is started before looking, so an arrival in between is not missed.
    ///
    /// - Throws: `DiscoveryError` if libudev cannot list devices or make the monitor.
    public static func wait(
        serialNumber: String, role: DeviceRole? = nil, timeout: Duration, catalogue: DeviceCatalogue = .lab
    ) async throws(DiscoveryError) -> AttachedDevice? {
        let monitor = try await HotplugMonitor.start(catalogue: catalogue)
        defer { monitor.stop() }
        if let present = try DeviceDiscovery(catalogue: catalogue).device(serialNumber: serialNumber, role: role) {
            return present
        }
        return await withTaskGroup(of: AttachedDevice?.self) { group in
            group.addTask {
                for await event in monitor.events where event.action == .added
                    && event.device.serialNumber == serialNumber && (role == nil || event.device.role == role) {
                    return event.device
                }
                return nil
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            monitor.stop()
            return first
        }
    }
}
