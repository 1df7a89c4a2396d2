import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP request through `URLSession` with a data delegate: the response
/// head and each piece of the body come out of `events` as they arrive off
/// the socket. A watchdog ends the transfer when the response does not start
/// within `timeout`, or when no data arrives for `chunkTimeout`. Ending the
/// consumer of `events` (or cancelling its task) cancels the request at once.
final class HTTPTransfer: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    enum Event: Sendable {
        case response(HTTPURLResponse)
        case data(Data)
    }

    let events: AsyncThrowingStream<Event, Error>
    private let continuation: AsyncThrowingStream<Event, Error>.Continuation
    private let timeout: Double
    private let chunkTimeout: Double
    private let host: String
    private let lock = NSLock()
    private var session: URLSession?
    private var task: URLSessionDataTask?
    private var watchdog: DispatchSourceTimer?
    private var watchdogError = PreviewError(.connectTimeout, "")

    init(request: URLRequest, timeout: Double, chunkTimeout: Double) {
        (events, continuation) = AsyncThrowingStream.makeStream(of: Event.self)
        self.timeout = timeout
        self.chunkTimeout = chunkTimeout
        host = request.url.map { url in url.host.map { "\($0)\(url.port.map { ":\($0)" } ?? "")" } ?? url.absoluteString } ?? "the endpoint"
        super.init()
        let configuration = URLSessionConfiguration.ephemeral
        // The watchdog gives the specific errors; these are only a backstop.
        configuration.timeoutIntervalForRequest = max(timeout, chunkTimeout) + 5
        configuration.timeoutIntervalForResource = 24 * 3600
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        let session = URLSession(configuration: configuration, delegate: self, delegateQueue: queue)
        self.session = session
        task = session.dataTask(with: request)
        continuation.onTermination = { [weak self] _ in self?.stop() }
    }

    func start() {
        let timer = DispatchSource.makeTimerSource(queue: .global())
        timer.setEventHandler { [weak self] in
            guard let self else { return }
            self.lock.lock()
            let error = self.watchdogError
            self.lock.unlock()
            self.continuation.finish(throwing: error)
            self.stop()
        }
        lock.lock()
        watchdog = timer
        watchdogError = PreviewError(.connectTimeout, "\(host) did not start answering within \(Self.seconds(timeout)) (timeout); is the server busy loading the model? Raise timeout in the endpoint settings if it needs longer")
        timer.schedule(deadline: .now() + timeout)
        lock.unlock()
        timer.resume()
        task?.resume()
    }

    /// Cancels the request and releases the session. Safe to call more than once.
    func stop() {
        lock.lock()
        let (task, session, watchdog) = (self.task, self.session, self.watchdog)
        self.task = nil
        self.session = nil
        self.watchdog = nil
        lock.unlock()
        watchdog?.cancel()
        task?.cancel()
        session?.invalidateAndCancel()
    }

    /// Data arrived: the next must come within `chunkTimeout`.
    private func armChunkTimeout() {
        lock.lock()
        if watchdogError.kind != .chunkTimeout {
            watchdogError = PreviewError(.chunkTimeout, "\(host) sent nothing for \(Self.seconds(chunkTimeout)) in the middle of the answer (chunk timeout); the answer so far is kept")
        }
        watchdog?.schedule(deadline: .now() + chunkTimeout)
        lock.unlock()
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : String(format: "%.1f s", value)
    }

    // MARK: URLSessionDataDelegate (on the session's serial queue)

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        armChunkTimeout()
        if let http = response as? HTTPURLResponse {
            continuation.yield(.response(http))
            completionHandler(.allow)
        } else {
            continuation.finish(throwing: PreviewError(.invalidResponse, "\(host) did not answer with HTTP"))
            completionHandler(.cancel)
        }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        armChunkTimeout()
        continuation.yield(.data(data))
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        lock.lock()
        let timer = watchdog
        watchdog = nil
        lock.unlock()
        timer?.cancel()
        if let error {
            continuation.finish(throwing: Self.describe(error, host: host))
        } else {
            continuation.finish()
        }
        session.finishTasksAndInvalidate()
    }

    /// A transport failure as a `PreviewError` that says what to check.
    static func describe(_ error: Error, host: String) -> PreviewError {
        guard let urlError = error as? URLError else {
            return PreviewError(.transport, "request to \(host) failed: \(error.localizedDescription)")
        }
        switch urlError.code {
        case .cannotConnectToHost:
            return PreviewError(.connectionRefused, "connection refused by \(host): is the server running, and is base-url's port right?")
        case .cannotFindHost, .dnsLookupFailed:
            return PreviewError(.hostNotFound, "cannot resolve the host in \(host) (DNS lookup failed): check base-url")
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate, .serverCertificateNotYetValid,
             .serverCertificateHasUnknownRoot, .clientCertificateRejected, .clientCertificateRequired:
            return PreviewError(.tls, "TLS handshake with \(host) failed (\(urlError.localizedDescription)): if the server speaks plain HTTP, use an http:// base-url")
        case .timedOut:
            return PreviewError(.connectTimeout, "request to \(host) timed out")
        case .cancelled:
            return PreviewError(.cancelled, "the request was cancelled")
        case .networkConnectionLost:
            return PreviewError(.transport, "\(host) closed the connection in the middle of the answer")
        case .notConnectedToInternet:
            return PreviewError(.transport, "no network connection to reach \(host)")
        default:
            let detail = urlError.localizedDescription
            // libcurl's TLS failures arrive as "unknown" errors carrying OpenSSL's text.
            if detail.contains("SSL") || detail.contains("TLS") || detail.contains("certificate") {
                return PreviewError(.tls, "TLS handshake with \(host) failed (\(detail)): if the server speaks plain HTTP, use an http:// base-url")
            }
            return PreviewError(.transport, "request to \(host) failed: \(detail) (code \(urlError.code.rawValue))")
        }
    }
}
