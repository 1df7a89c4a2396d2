import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP request through `URLSession` with a data delegate: the response
/// head and each piece of the body come out of `events` as they arrive off
/// the socket. A watchdog ends the transfer when the consumer has not called
/// `progressed()` within `timeout` of the start, or within `chunkTimeout` of
/// the last call: only the consumer knows whether bytes were an answer or a
/// keep-alive comment, which would otherwise hold a dead stream open forever.
/// Ending the consumer of `events` (or cancelling its task) cancels the
/// request at once.
///
/// With a `warmUpURL`, a GET to it goes first on the same session and the
/// request follows once it has finished, so that libcurl sends the request on
/// that kept-alive connection. This is about CPU, not speed: FoundationNetworking
/// (URLSession/libcurl/MultiHandle.swift, `_SocketSources.createSources`) only
/// ever adds dispatch sources for a socket and cancels them when libcurl stops
/// watching it (`CURL_POLL_REMOVE`). The write-readiness source made while a new
/// connection is being opened (`CURL_POLL_OUT`) so stays armed after libcurl
/// has gone over to `CURL_POLL_IN`, and fires for as long as the socket can be
/// written to: about 70% of a core while the server thinks and between
/// streamed chunks. A connection that already served a transfer was handed
/// back with `CURL_POLL_REMOVE`; reused, it gets a read source only. When the
/// warm-up fails to connect, that is the answer; when it is slow or fails
/// otherwise, the request goes ahead anyway (on a new connection). A profile
/// can turn the warm-up off (`warm-up = false`) for a server or proxy that
/// drops requests on kept-alive connections.
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
    private var warmUpTask: URLSessionDataTask?
    private var warmUpTaskID: Int?
    private var requestStarted = false
    private var answered = false
    private var watchdog: DispatchSourceTimer?
    private var watchdogError = PreviewError(.connectTimeout, "")

    /// How long the request waits for the warm-up before it goes on a new connection.
    static let warmUpWait = 1.0

    init(request: URLRequest, warmUpURL: URL? = nil, timeout: Double, chunkTimeout: Double) {
        (events, continuation) = AsyncThrowingStream.makeStream(of: Event.self)
        self.timeout = timeout
        self.chunkTimeout = chunkTimeout
        host = request.url.map { url in url.host.map { "\($0)\(url.port.map { ":\($0)" } ?? "")" } ?? url.absoluteString } ?? "the endpoint"
        super.init()
        let configuration = URLSessionConfiguration.ephemeral
        // The watchdog gives the specific errors; these are only a backstop.
        // Capped: FoundationNetworking turns it into a whole number and traps on a huge one (`--timeout 1e300`).
        configuration.timeoutIntervalForRequest = min(max(timeout, chunkTimeout) + 5, 7 * 24 * 3600)
        configuration.timeoutIntervalForResource = 24 * 3600
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        let session = URLSession(configuration: configuration, delegate: self, delegateQueue: queue)
        self.session = session
        task = session.dataTask(with: request)
        if let warmUpURL {
            var warmUp = URLRequest(url: warmUpURL)
            warmUp.httpMethod = "GET"
            // The same credentials and custom headers, so a gateway answers as it would the request.
            for (name, value) in request.allHTTPHeaderFields ?? [:] where name.lowercased() != "content-type" {
                warmUp.setValue(value, forHTTPHeaderField: name)
            }
            warmUp.setValue("application/json", forHTTPHeaderField: "Accept")
            let warmUpTask = session.dataTask(with: warmUp)
            self.warmUpTask = warmUpTask
            warmUpTaskID = warmUpTask.taskIdentifier
        }
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
        watchdogError = notStartedError(onWarmUpConnection: false)
        timer.schedule(deadline: .now() + timeout)
        let warmUpTask = self.warmUpTask
        self.warmUpTask = nil
        lock.unlock()
        timer.resume()
        if let warmUpTask {
            warmUpTask.resume()
            DispatchQueue.global().asyncAfter(deadline: .now() + Self.warmUpWait) { [weak self] in self?.startRequest() }
        } else {
            startRequest()
        }
    }

    /// Starts the request itself, once.
    private func startRequest() {
        lock.lock()
        let task = requestStarted ? nil : self.task
        requestStarted = true
        lock.unlock()
        task?.resume()
    }

    /// Cancels the request and releases the session. Safe to call more than
    /// once. Returns at once: FoundationNetworking's `cancel()` can wait on its
    /// own queue while a fast stream is being delivered, and the caller (who has
    /// the answer or the error already) was seen waiting there for good.
    func stop() {
        lock.lock()
        let (task, session, watchdog) = (self.task, self.session, self.watchdog)
        self.task = nil
        warmUpTask = nil
        requestStarted = true
        self.session = nil
        self.watchdog = nil
        lock.unlock()
        watchdog?.cancel()
        guard task != nil || session != nil else { return }
        DispatchQueue.global().async {
            task?.cancel()
            session?.invalidateAndCancel()
        }
    }

    /// The answer did not start within `timeout`. Sent on the warm-up's kept-alive
    /// connection, it may have been dropped there by a server or proxy that
    /// closes idle connections without saying so: then waiting longer is no cure.
    private func notStartedError(onWarmUpConnection: Bool) -> PreviewError {
        var message = "\(host) did not start answering within \(Self.seconds(timeout)) (timeout; keep-alive comments do not count); is the server busy loading the model? Raise timeout in the endpoint settings if it needs longer"
        if onWarmUpConnection {
            message += ". If it answers other clients at once, it may drop requests sent on a kept-alive connection: set warm-up = false for this endpoint (warmUp in the editor's settings)"
        }
        return PreviewError(.connectTimeout, message)
    }

    /// Part of the answer arrived: the next part must come within `chunkTimeout`.
    func progressed() {
        lock.lock()
        if watchdogError.kind != .chunkTimeout {
            watchdogError = PreviewError(.chunkTimeout, "\(host) sent nothing of the answer for \(Self.seconds(chunkTimeout)) (chunk timeout; keep-alive comments do not count); the answer so far is kept")
        }
        watchdog?.schedule(deadline: .now() + chunkTimeout)
        lock.unlock()
    }

    static func seconds(_ value: Double) -> String {
        // Int(_:) traps past Int.max: `--timeout 1e300` crashed here.
        guard value.magnitude < 1e15 else { return String(format: "%.0f s", value) }
        return value == value.rounded() ? "\(Int(value)) s" : String(format: "%.1f s", value)
    }

    // MARK: URLSessionDataDelegate (on the session's serial queue)

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        // The warm-up's answer is read to the end (and dropped) so its connection is kept.
        if isWarmUp(dataTask) { return completionHandler(.allow) }
        if let http = response as? HTTPURLResponse {
            lock.lock()
            answered = true
            lock.unlock()
            continuation.yield(.response(http))
            completionHandler(.allow)
        } else {
            continuation.finish(throwing: PreviewError(.invalidResponse, "\(host) did not answer with HTTP"))
            completionHandler(.cancel)
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        RedirectRefusal.refuse(completionHandler)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        if isWarmUp(dataTask) { return }
        continuation.yield(.data(data))
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        if isWarmUp(task) {
            lock.lock()
            let started = requestStarted
            lock.unlock()
            if !started, let error, (error as? URLError)?.code != .cancelled {
                let failure = Self.describe(error, host: host)
                if [.connectionRefused, .hostNotFound, .tls].contains(failure.kind) {
                    finish(throwing: failure)
                    return
                }
            }
            if error == nil {
                lock.lock()
                if !requestStarted && watchdogError.kind == .connectTimeout { watchdogError = notStartedError(onWarmUpConnection: true) }
                lock.unlock()
            }
            startRequest()
            return
        }
        lock.lock()
        let timer = watchdog
        watchdog = nil
        let unheard = !answered
        lock.unlock()
        timer?.cancel()
        // FoundationNetworking hands a 3xx with no Location to no delegate method,
        // only to the task: without this it read "closed the connection without answering".
        if error == nil, unheard, let http = task.response as? HTTPURLResponse {
            continuation.yield(.response(http))
        }
        if let error {
            continuation.finish(throwing: Self.describe(error, host: host))
        } else {
            continuation.finish()
        }
        session.finishTasksAndInvalidate()
    }

    private func isWarmUp(_ task: URLSessionTask) -> Bool {
        task.taskIdentifier == warmUpTaskID
    }

    /// Ends `events` with `error` before the request started.
    private func finish(throwing error: PreviewError) {
        continuation.finish(throwing: error)
        stop()
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
