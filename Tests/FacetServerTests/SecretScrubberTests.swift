import XCTest
@testable import FacetServer

/// What reaches a trace file or a log of raw messages.
final class SecretScrubberTests: XCTestCase {
    func testSecretLookingMembersAreBlanked() {
        let settings = #"{"apiKey":"sk-one","api-key":"sk-two","X-Goog-Api-Key":"g-three","authorization":"Bearer x","accessToken":"t\"q","model":"m"}"#
        XCTAssertEqual(SecretScrubber.scrub(settings),
                       #"{"apiKey":"[redacted]","api-key":"[redacted]","X-Goog-Api-Key":"[redacted]","authorization":"[redacted]","accessToken":"[redacted]","model":"m"}"#)
    }

    func testEveryHeaderValueIsBlankedAndHarmlessNamesAreKept() {
        let settings = #"{"endpoints":{"gw":{"apiKeyEnv":"GW_KEY","headers":{ "X-Tenant" : "acme-secret-tenant", "X-Note":"a \"quoted\" {value}"},"model":"m"}},"workDoneToken":"p1"}"#
        XCTAssertEqual(SecretScrubber.scrub(settings),
                       #"{"endpoints":{"gw":{"apiKeyEnv":"GW_KEY","headers":{ "X-Tenant" : "[redacted]", "X-Note":"[redacted]"},"model":"m"}},"workDoneToken":"p1"}"#)
    }

    func testTextWithoutSecretsIsUnchanged() {
        let text = #"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"text":"Use the \"apiKey\": \"x\" field ✓"}}}"#
        XCTAssertEqual(SecretScrubber.scrub(text), text)
    }
}
