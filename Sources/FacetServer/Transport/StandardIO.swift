import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a language server over stdin/stdout until the client sends `exit` or closes stdin.
public enum StandardIO {
    /// Guards stdout: protocol messages go to a private copy of it, and file
    /// descriptor 1 is pointed at stderr, so a stray `print` can never corrupt
    /// the stream. Never returns.
    public static func serve(options: ServerOptions, log: Logger, trace: TraceFile?) -> Never {
        signal(SIGPIPE, SIG_IGN)  // a vanished client is seen as EOF, not a crash
        let protocolFD = dup(STDOUT_FILENO)
        dup2(STDERR_FILENO, STDOUT_FILENO)
        let output = FileDescriptorOutput(fd: protocolFD, trace: trace)
        let server = LanguageServer(options: options, output: output, log: log, trace: trace) { code in
            exit(code)
        }
        let reader = Thread {
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                server.receive(buffer[0..<n])
            }
            server.endOfInput()
        }
        reader.stackSize = 8 << 20
        reader.start()
        dispatchMain()
    }
}
