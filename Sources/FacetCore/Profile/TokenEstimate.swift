/// A model-free token estimate, close enough for a budget warning:
/// one token per 4 ASCII bytes, one per character of CJK and other
/// three- or four-byte scripts, one per 2 characters of two-byte scripts
/// (accented Latin, Greek, Cyrillic, Arabic, Hebrew).
public enum TokenEstimate {
    public static func count(_ bytes: [UInt8]) -> Int {
        var ascii = 0, twoByte = 0, wide = 0
        bytes.withUnsafeBufferPointer { buffer in
            var i = 0
            while i < buffer.count {
                // Runs of ASCII counted eight bytes at a time.
                let runEnd = ASCIIRun.end(buffer, from: i, to: buffer.count)
                ascii += runEnd - i
                i = runEnd
                guard i < buffer.count else { break }
                let b = buffer[i]
                if b < 0x80 { ascii += 1 } else if b >= 0xC0 && b < 0xE0 { twoByte += 1 } else if b >= 0xE0 { wide += 1 }
                i += 1
            }
        }
        return (ascii + 3) / 4 + (twoByte + 1) / 2 + wide
    }

    static func count(_ document: Document) -> Int { count(document.source.bytes) }
}
