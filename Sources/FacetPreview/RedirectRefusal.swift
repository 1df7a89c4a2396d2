import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Requests to an endpoint carry its API key, and URLSession would send the
/// same headers (the key with them) to wherever a 3xx answer points, another
/// host included. So no redirect is followed: the 3xx answer itself comes back,
/// and the error says where it pointed.
enum RedirectRefusal {
    static let advice = "Facet does not follow redirects, so the key is never sent anywhere else: set base-url to the address the endpoint answers at"

    /// The delegate method's body: `nil` stops at the redirect.
    static func refuse(_ completionHandler: @escaping (URLRequest?) -> Void) {
        completionHandler(nil)
    }

    /// A task delegate that only refuses redirects, for sessions that use completion handlers.
    final class Delegate: NSObject, URLSessionTaskDelegate {
        func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
            RedirectRefusal.refuse(completionHandler)
        }
    }
}
