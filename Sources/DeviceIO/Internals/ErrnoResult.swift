// errno → typed results, with EINTR retry as an explicit parameter (swift-system's `Util.swift`).

import CSerial
import Glibc
import SystemPackage

/// Runs `f` until it does not fail with EINTR (when `retryOnInterrupt`), turning `-1` + errno into
/// `.failure(Errno)`. `f` is called again from scratch on each retry, so a call with a deadline
/// must recompute its remaining time inside `f`.
func valueOrErrno<I: FixedWidthInteger>(
    retryOnInterrupt: Bool, _ f: () -> I
) -> Result<I, Errno> {
    while true {
        let value = f()
        guard value == -1 else { return .success(value) }
        let error = Errno(rawValue: Glibc.errno)
        guard retryOnInterrupt, error == .interrupted else { return .failure(error) }
    }
}

/// As `valueOrErrno`, for calls whose only result is success or failure.
func nothingOrErrno<I: FixedWidthInteger>(
    retryOnInterrupt: Bool, _ f: () -> I
) -> Result<Void, Errno> {
    valueOrErrno(retryOnInterrupt: retryOnInterrupt, f).map { _ in () }
}

extension Errno {
    /// The symbolic name, e.g. "EIO" (glibc `strerrorname_np`), or "errno 1234" if unknown.
    var symbolicName: String {
        guard let name = cserial_errno_name(rawValue) else { return "errno \(rawValue)" }
        return String(cString: name)
    }

    /// "EIO (Input/output error)": name and `strerror` text, for error messages.
    var nameAndText: String { "\(symbolicName) (\(description))" }
}
