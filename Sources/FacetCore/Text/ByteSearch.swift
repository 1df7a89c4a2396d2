import Foundation  // memchr

/// Finding one byte value in a range, by memchr: scans that run over every
/// document or unit (the segmenter's line pass, the placeholder flag, the NUL
/// check) went byte by byte before.
enum ByteSearch {
    /// The first offset in `start..<limit` holding `byte`; nil when there is none.
    @inline(__always)
    static func first(_ byte: UInt8, in buffer: UnsafeBufferPointer<UInt8>, from start: Int, to limit: Int) -> Int? {
        guard start < limit, let base = buffer.baseAddress,
              let found = memchr(base + start, Int32(byte), limit - start) else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }
}
