// swift-format-ignore-file: AlwaysUseLowerCamelCase
// (`system_NAME` wraps the C call NAME: the prefix marks the syscall layer the tests inject faults into.)
// One thin function per system call (swift-system's `Internals/Syscalls.swift`).
//
// Each returns what the C call returns (-1 with errno set on failure) and does nothing else, so
// that errno handling and EINTR retry stay visible at the call site (`valueOrErrno`). In debug
// builds each first asks the task's `SyscallMock` whether to fail instead (see `Mocking.swift`).
// Nothing outside `Internals/` calls these.

import CSerial
import Glibc
import SystemPackage

#if DEBUG
/// Sets errno and returns -1, as a failing system call does.
@inline(__always)
private func fail<I: FixedWidthInteger & SignedInteger>(_ error: Errno) -> I {
    Glibc.errno = error.rawValue
    return -1
}
#endif

/// open(2)
func system_open(_ path: String, _ flags: CInt) -> CInt {
    #if DEBUG
    if let e = mockedErrno(.open) { return fail(e) }
    #endif
    return Glibc.open(path, flags)
}

/// close(2). Never retried on EINTR: on Linux the descriptor is released even then.
func system_close(_ fd: CInt) -> CInt {
    #if DEBUG
    if let e = mockedErrno(.close) {
        _ = Glibc.close(fd)  // the kernel would have released it; do so, so tests do not leak fds
        return fail(e)
    }
    #endif
    return Glibc.close(fd)
}

/// read(2) into `buffer`.
func system_read(_ fd: CInt, _ buffer: UnsafeMutableRawBufferPointer) -> Int {
    #if DEBUG
    if let e = mockedErrno(.read) { return fail(e) }
    #endif
    return Glibc.read(fd, buffer.baseAddress, buffer.count)
}

/// write(2) from `buffer`.
func system_write(_ fd: CInt, _ buffer: UnsafeRawBufferPointer) -> Int {
    #if DEBUG
    if let e = mockedErrno(.write) { return fail(e) }
    #endif
    return Glibc.write(fd, buffer.baseAddress, buffer.count)
}

/// poll(2) on `fds`, updating their `revents`. `timeoutMilliseconds` < 0 waits forever.
func system_poll(_ fds: inout [pollfd], _ timeoutMilliseconds: CInt) -> CInt {
    #if DEBUG
    if let e = mockedErrno(.poll) { return fail(e) }
    #endif
    return fds.withUnsafeMutableBufferPointer { Glibc.poll($0.baseAddress, nfds_t($0.count), timeoutMilliseconds) }
}

/// flock(2)
func system_flock(_ fd: CInt, _ operation: CInt) -> CInt {
    #if DEBUG
    if let e = mockedErrno(.flock) { return fail(e) }
    #endif
    return flock(fd, operation)
}

/// ioctl(2) for requests that take no argument (TIOCEXCL, TIOCNXCL).
func system_ioctl(_ fd: CInt, _ request: CInt) -> CInt {
    #if DEBUG
    if let e = mockedErrno(.ioctl) { return fail(e) }
    #endif
    return Glibc.ioctl(fd, UInt(request))
}

/// tcgetattr(3)
func system_tcgetattr(_ fd: CInt, _ attributes: inout termios) -> CInt {
    #if DEBUG
    if let e = mockedErrno(.tcgetattr) { return fail(e) }
    #endif
    return Glibc.tcgetattr(fd, &attributes)
}

/// tcsetattr(3)
func system_tcsetattr(_ fd: CInt, _ when: CInt, _ attributes: termios) -> CInt {
    #if DEBUG
    if let e = mockedErrno(.tcsetattr) { return fail(e) }
    #endif
    var attributes = attributes
    return Glibc.tcsetattr(fd, when, &attributes)
}

/// tcdrain(3): blocks until all output has been transmitted.
func system_tcdrain(_ fd: CInt) -> CInt {
    #if DEBUG
    if let e = mockedErrno(.tcdrain) { return fail(e) }
    #endif
    return Glibc.tcdrain(fd)
}

/// tcflush(3) with TCIFLUSH, TCOFLUSH or TCIOFLUSH.
func system_tcflush(_ fd: CInt, _ queue: CInt) -> CInt {
    #if DEBUG
    if let e = mockedErrno(.tcflush) { return fail(e) }
    #endif
    return Glibc.tcflush(fd, queue)
}

/// ioctl(TCGETS2/TCSETS2) with BOTHER: any speed, through termios2 (CSerial).
func system_setCustomBaud(_ fd: CInt, _ baud: UInt32) -> CInt {
    #if DEBUG
    if let e = mockedErrno(.setCustomBaud) { return fail(e) }
    #endif
    return cserial_set_custom_baud(fd, baud)
}

/// ioctl(TCGETS2): the output speed in bit/s, or -1 with errno set.
func system_getCustomBaud(_ fd: CInt) -> Int64 {
    #if DEBUG
    if let e = mockedErrno(.getCustomBaud) { return fail(e) }
    #endif
    Glibc.errno = 0
    let baud = cserial_get_baud(fd)
    return baud == 0 && Glibc.errno != 0 ? -1 : Int64(baud)
}

/// posix_openpt(O_RDWR|O_NOCTTY|O_CLOEXEC) + grantpt + unlockpt (CSerial).
func system_openPtyMaster() -> CInt {
    #if DEBUG
    if let e = mockedErrno(.openPtyMaster) { return fail(e) }
    #endif
    return cserial_open_pty_master()
}

/// ptsname_r(3): the slave device path of a pty master, or `.failure`.
func system_ptsname(_ fd: CInt) -> Result<String, Errno> {
    #if DEBUG
    if let e = mockedErrno(.ptsname) { return .failure(e) }
    #endif
    var buffer = [CChar](repeating: 0, count: 128)
    let rc = buffer.withUnsafeMutableBufferPointer {
        cserial_pty_slave_name(fd, $0.baseAddress, UInt($0.count))
    }
    guard rc == 0 else { return .failure(Errno(rawValue: rc)) }
    let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    return .success(String(decoding: bytes, as: UTF8.self))
}

/// eventfd(0, EFD_CLOEXEC|EFD_NONBLOCK) (CSerial).
func system_eventfd() -> CInt {
    #if DEBUG
    if let e = mockedErrno(.eventfd) { return fail(e) }
    #endif
    return cserial_eventfd_open()
}

/// write(2) of a counter increment to an eventfd. Mocked as `.eventfd`, apart from `.write`, so
/// that faults injected into the device's writes are not consumed by a wake-up.
func system_eventfdWrite(_ fd: CInt, _ increment: UInt64) -> Int {
    #if DEBUG
    if let e = mockedErrno(.eventfd) { return fail(e) }
    #endif
    var value = increment
    return withUnsafeBytes(of: &value) { Glibc.write(fd, $0.baseAddress, $0.count) }
}

/// read(2) of an eventfd's counter (resets it). Mocked as `.eventfd`.
func system_eventfdRead(_ fd: CInt) -> Int {
    #if DEBUG
    if let e = mockedErrno(.eventfd) { return fail(e) }
    #endif
    var value: UInt64 = 0
    return withUnsafeMutableBytes(of: &value) { Glibc.read(fd, $0.baseAddress, $0.count) }
}

/// close(2) of an eventfd. Mocked as `.eventfd`; the descriptor is released either way.
func system_eventfdClose(_ fd: CInt) -> CInt {
    #if DEBUG
    if let e = mockedErrno(.eventfd) {
        _ = Glibc.close(fd)
        return fail(e)
    }
    #endif
    return Glibc.close(fd)
}

/// fcntl(2) for commands with an integer argument (F_GETFL, F_SETFL).
func system_fcntl(_ fd: CInt, _ command: CInt, _ argument: CInt) -> CInt {
    #if DEBUG
    if let e = mockedErrno(.fcntl) { return fail(e) }
    #endif
    return Glibc.fcntl(fd, command, argument)
}
