import FacetCore
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Whether endpoints answer, for `facet doctor`: one GET of `BASE/models` per
/// endpoint, all at once, each with a short timeout. The request carries no
/// text of the user's; the API key, when given, only as a Bearer header.
public enum EndpointCheck {
    public struct Result: Sendable, Equatable {
        /// answers, refused, timed-out, host-not-found, tls, http-error, failed, invalid-url.
        public var status: String
        /// For people: what happened and what to check.
        public var detail: String
        public var httpStatus: Int?
        public var models: Int?
    }

    /// Checks each profile (with its key, if any); the results in the same order.
    public static func run(_ profiles: [(EndpointProfile, key: String?)], timeout: Double = 2) -> [Result] {
        var results = [Result?](repeating: nil, count: profiles.count)
        var requests: [Int: URLRequest] = [:]
        for (i, (profile, key)) in profiles.enumerated() {
            switch request(profile, key: key, timeout: timeout) {
            case .success(let request): requests[i] = request
            case .failure(let problem): results[i] = Result(status: "invalid-url", detail: problem.message)
            }
        }
        let seconds = String(format: "%g s", timeout)
        for (i, outcome) in send(requests, timeout: timeout) {
            let (profile, key) = profiles[i]
            switch outcome {
            case nil:
                results[i] = Result(status: "timed-out", detail: "timed out: no answer within \(seconds)")
            case .failure(let error)?:
                results[i] = describe(error, seconds: seconds)
            case .success(let (status, body))?:
                results[i] = describe(status: status, body: body, profile: profile, keySet: key != nil)
            }
        }
        return results.map { $0! }
    }

    /// Whether a base URL points at this machine: the endpoints `facet doctor` contacts by default.
    public static func isLocal(_ baseURL: String) -> Bool {
        guard let host = URL(string: baseURL)?.host?.lowercased() else { return false }
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return bare == "localhost" || bare.hasSuffix(".localhost") || bare.hasPrefix("127.") || bare == "::1" || bare == "0.0.0.0"
    }

    static func request(_ profile: EndpointProfile, key: String?, timeout: Double) -> Swift.Result<URLRequest, PreviewError> {
        if profile.baseURL.isEmpty { return .failure(PreviewError(.invalidURL, "no base-url; set it in [endpoints.\(profile.name)]")) }
        if let problem = EndpointURL.problem(profile.baseURL) { return .failure(PreviewError(.invalidURL, problem)) }
        guard let url = URL(string: ChatClient(profile: profile, apiKey: nil).modelsURL) else {
            return .failure(PreviewError(.invalidURL, "base-url '\(profile.baseURL)' is not a valid URL"))
        }
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        for (name, value) in profile.headers { request.setValue(value, forHTTPHeaderField: name) }
        if let key { request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
        return .success(request)
    }

    /// Sends every request at once; nil for those with no answer within the timeout.
    static func send(_ requests: [Int: URLRequest], timeout: Double) -> [Int: Swift.Result<(Int, Data), Error>?] {
        guard !requests.isEmpty else { return [:] }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        let session = URLSession(configuration: configuration, delegate: RedirectRefusal.Delegate(), delegateQueue: nil)
        let answers = Answers()
        let group = DispatchGroup()
        for (i, request) in requests {
            group.enter()
            session.dataTask(with: request) { data, response, error in
                if let http = response as? HTTPURLResponse {
                    answers.set(i, .success((http.statusCode, data ?? Data())))
                } else {
                    answers.set(i, .failure(error ?? URLError(.badServerResponse)))
                }
                group.leave()
            }.resume()
        }
        // URLSession's timeout should fire first; this bounds the wait whatever the transport does.
        _ = group.wait(timeout: .now() + timeout + 1.5)
        session.invalidateAndCancel()
        let seen = answers.all
        return requests.keys.reduce(into: [:]) { result, i in result[i] = .some(seen[i]) }
    }

    private final class Answers: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [Int: Swift.Result<(Int, Data), Error>] = [:]
        func set(_ i: Int, _ value: Swift.Result<(Int, Data), Error>) { lock.lock(); if values[i] == nil { values[i] = value }; lock.unlock() }
        var all: [Int: Swift.Result<(Int, Data), Error>] { lock.lock(); defer { lock.unlock() }; return values }
    }

    static func describe(_ error: Error, seconds: String) -> Result {
        let described = HTTPTransfer.describe(error, host: "the endpoint")
        switch described.kind {
        case .connectionRefused:
            return Result(status: "refused", detail: "refused: is the server running, and is base-url's port right?")
        case .connectTimeout:
            return Result(status: "timed-out", detail: "timed out: no answer within \(seconds)")
        case .hostNotFound:
            return Result(status: "host-not-found", detail: "host not found (DNS lookup failed): check base-url")
        case .tls:
            return Result(status: "tls", detail: "TLS handshake failed: if the server speaks plain HTTP, use an http:// base-url")
        default:
            // libcurl may report a refusal under another code; its text says so.
            if described.message.localizedCaseInsensitiveContains("refused") || described.message.contains("Couldn't connect") {
                return Result(status: "refused", detail: "refused: is the server running, and is base-url's port right?")
            }
            return Result(status: "failed", detail: "failed: \(described.message)")
        }
    }

    static func describe(status: Int, body: Data, profile: EndpointProfile, keySet: Bool) -> Result {
        switch status {
        case 200..<300:
            guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any], let list = object["data"] as? [Any] else {
                return Result(status: "answers", detail: "answers HTTP \(status), but not with a model list", httpStatus: status)
            }
            let ids = list.compactMap { ($0 as? [String: Any])?["id"] as? String }
            // Ollama lists "llama3.2:latest" for the model "llama3.2".
            let listed = ids.contains { $0 == profile.model || $0.hasPrefix(profile.model + ":") }
            let count = "\(ids.count) model\(ids.count == 1 ? "" : "s")"
            return Result(status: "answers", detail: "answers (\(count)" + (listed ? ", \(profile.model) among them)" : "; \(profile.model) is not listed)"),
                          httpStatus: status, models: ids.count)
        case 401, 403:
            let advice: String
            if let variable = profile.apiKeyEnv {
                advice = keySet ? "check the key in $\(variable)" : "check the key: $\(variable) is not set"
            } else {
                advice = "check the key: name its variable with api-key-env in [endpoints.\(profile.name)]"
            }
            return Result(status: "http-error", detail: "HTTP \(status): \(advice)", httpStatus: status)
        case 300...399:
            return Result(status: "http-error", detail: "HTTP \(status), a redirect: " + RedirectRefusal.advice, httpStatus: status)
        case 404:
            return Result(status: "http-error", detail: "HTTP 404 for /models: check base-url (up to and including /v1); some servers have no model list",
                          httpStatus: status)
        default:
            return Result(status: "http-error", detail: "HTTP \(status)", httpStatus: status)
        }
    }
}
