import Foundation

/// Why a file operation failed, in the system's words. On Linux, Foundation's
/// own message often names no cause ("The operation could not be completed"),
/// while the POSIX error under it does ("Permission denied").
public enum FileErrorReason {
    /// The POSIX reason under a Foundation file error, if it carries one.
    public static func posix(_ error: Error) -> String? {
        guard let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError else { return nil }
        return String(cString: strerror(Int32(underlying.code)))
    }
}
