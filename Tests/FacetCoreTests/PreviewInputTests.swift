@testable import FacetCore
import XCTest

/// Preview cases, the system message a preview sends, and the endpoint tables of `.facet.toml`.
final class PreviewInputTests: XCTestCase {
    func document(_ text: String) -> Document { Segmenter.segment(SourceText(text)) }

    static let withCases = """
    ---
    variables:
      company: Acme
      tone: friendly
    cases:
      - What is your refund policy?
      - name: angry
        user: I want my money back NOW.
        variables:
          tone: calm
      - name: follow-up
        turns:
          - Where is my order?
          - assistant: It ships Monday.
          - user: It is Tuesday.
          - Any news?
    ---
    You are a {{tone}} support agent for {{company}}. <!-- facet-disable vague-quantifier -->
    Answer in {{language}}.
    """

    func testCasesFromFrontMatter() throws {
        let cases = try XCTUnwrap(PreviewMessage.frontMatterCases(document(Self.withCases)))
        XCTAssertEqual(cases.problems, [])
        XCTAssertEqual(cases.cases.map(\.name), ["case 1", "angry", "follow-up"])
        XCTAssertEqual(cases.cases[0].turns, [.user("What is your refund policy?")])
        XCTAssertEqual(cases.cases[1].variables, ["tone": "calm"])
        XCTAssertEqual(cases.cases[2].turns, [.user("Where is my order?"), .assistant("It ships Monday."), .user("It is Tuesday."), .user("Any news?")])
        // Answers: turn 3 and turn 4; turn 1 has a written reply after it.
        XCTAssertEqual(cases.cases[2].answerCount, 2)
        XCTAssertEqual(document(Self.withCases).frontMatter?.caseOffsets.count, 3)
    }

    func testSystemMessageDropsFrontMatterAndDirectivesAndFillsVariables() throws {
        let doc = document(Self.withCases)
        let cases = try XCTUnwrap(PreviewMessage.frontMatterCases(doc))
        let first = PreviewMessage(document: doc, variables: PreviewMessage.variables(document: doc, cases: cases, previewCase: cases.cases[0]))
        XCTAssertEqual(first.text, "You are a friendly support agent for Acme. \nAnswer in {{language}}.")
        XCTAssertEqual(first.unfilled, ["language"])
        let angry = PreviewMessage(document: doc, variables: PreviewMessage.variables(document: doc, cases: cases, previewCase: cases.cases[1]))
        XCTAssertTrue(angry.text.hasPrefix("You are a calm support agent"), "a case's variables win over the file's")
    }

    /// Broken cases were replaced by the probe, so a CI gate passed on a question nobody wrote.
    func testCasesThatCannotBeReadAreAnErrorNotAProbe() throws {
        let plain = document("You are a helpful assistant.")
        for broken in ["cases: [", "- 3\n- [1, 2]\n", "just text"] {
            guard case .failure(let error) = PreviewPlan.make(document: plain, casesFile: PreviewCases.parse(yaml: broken), probe: "Who are you?") else {
                return XCTFail("\(broken) gave a plan")
            }
            XCTAssertTrue(error.message.hasPrefix("no case can be sent: "), error.message)
        }
        // Front matter that cannot be read hides its cases: no probe either.
        let badFrontMatter = document("---\ncases:\n  - user: \"What is the fare?\n  - user: Hi\n---\nYou are a travel agent.\n")
        guard case .failure(let unread) = PreviewPlan.make(document: badFrontMatter, casesFile: nil, probe: "x") else { return XCTFail("a plan from unreadable front matter") }
        XCTAssertTrue(unread.message.contains("not valid YAML"), unread.message)
        // An empty cases file (or one of comments) is a file without cases: the probe.
        XCTAssertTrue(try PreviewPlan.make(document: plain, casesFile: PreviewCases.parse(yaml: "# none yet\n"), probe: "x").get().usesProbe)
        // With one good case left, the good one is sent and the problem reported.
        let partly = try PreviewPlan.make(document: plain, casesFile: PreviewCases.parse(yaml: "- Hello\n- [1, 2]\n"), probe: "x").get()
        XCTAssertEqual(partly.items.map(\.number), [1])
        XCTAssertEqual(partly.problems.count, 1)
        XCTAssertFalse(partly.usesProbe)
    }

    func testPlanUsesTheProbeWithoutCasesAndChecksTheCaseNumber() throws {
        let plain = document("You are a helpful assistant.")
        let plan = try PreviewPlan.make(document: plain, casesFile: nil, probe: "Who are you?").get()
        XCTAssertTrue(plan.usesProbe)
        XCTAssertEqual(plan.items.map(\.number), [0])
        XCTAssertEqual(plan.items[0].previewCase.turns, [.user("Who are you?")])
        guard case .failure(let error) = PreviewPlan.make(document: plain, casesFile: nil, probe: "x", only: 2) else { return XCTFail() }
        XCTAssertTrue(error.message.contains("declares no cases"))
        let only = try PreviewPlan.make(document: document(Self.withCases), casesFile: nil, probe: "x", only: 2).get()
        XCTAssertEqual(only.items.map(\.number), [2])
        XCTAssertEqual(only.items[0].previewCase.name, "angry")
    }

    func testCasesFileAddsCasesAndVariables() throws {
        let file = PreviewCases.parse(yaml: """
        variables:
          company: Globex
        cases:
          - Hello?
        """)
        XCTAssertEqual(file.problems, [])
        let plan = try PreviewPlan.make(document: document(Self.withCases), casesFile: file, probe: "x").get()
        XCTAssertEqual(plan.items.count, 4)
        XCTAssertEqual(plan.items.last?.number, 4)
        XCTAssertTrue(plan.items[0].systemMessage.text.contains("for Globex"), "the cases file's variables win over the front matter's")
        XCTAssertEqual(PreviewCases.parse(yaml: "- one\n- two\n").cases.count, 2, "a bare list is a cases file too")
    }

    func testBadCasesAreReportedAndLeftOut() {
        let parsed = PreviewCases.parse(yaml: """
        - name: no message
        - user: ""
        - turns:
            - user: hi
            - assistant: hello
        - turns:
            - system: sneaky
        - user: fine
          colour: blue
        - role-play
        """)
        XCTAssertEqual(parsed.cases.map(\.name), ["case 6"])
        XCTAssertEqual(parsed.problems.count, 5)
        XCTAssertTrue(parsed.problems[0].hasPrefix("case 1: give the user's message"), parsed.problems[0])
        XCTAssertTrue(parsed.problems[2].contains("ends with a written reply"), parsed.problems[2])
        XCTAssertTrue(parsed.problems[3].contains("'system' is not user or assistant"), parsed.problems[3])
        XCTAssertTrue(parsed.problems[4].contains("unknown key 'colour'"), parsed.problems[4])
        XCTAssertEqual(PreviewCases.parse(yaml: "cases: [").problems.count, 1)
        XCTAssertEqual(PreviewCases.parse(.string("just text")).problems, ["cases must be a list (one '- ' item per case)"])
    }

    func testEndpointTablesInFacetToml() throws {
        let configuration = try FacetConfiguration.parse(toml: """
        [preview]
        endpoint = "local"
        probe = "Hi?"

        [endpoints.local]
        base-url = "http://localhost:8080/v1"
        model = "qwen2.5"
        api-key-env = "LOCAL_KEY"
        temperature = 0.2
        max-tokens = 256
        timeout = 90
        chunk-timeout = 2.5

        [endpoints.local.headers]
        X-Project = "facet"

        [endpoints.local.header-env]
        X-Gateway-Key = "GATEWAY_KEY"

        [endpoints.openai]
        warm-up = false
        model = "gpt-4.1-mini"
        """, file: ".facet.toml")
        let settings = configuration.preview
        XCTAssertEqual(settings.defaultEndpoint, "local")
        XCTAssertEqual(settings.probe, "Hi?")
        let local = try settings.profile(named: nil).get()
        XCTAssertEqual(local.baseURL, "http://localhost:8080/v1")
        XCTAssertEqual(local.apiKeyEnv, "LOCAL_KEY")
        XCTAssertEqual(local.temperature, 0.2)
        XCTAssertEqual(local.maxTokens, 256)
        XCTAssertEqual(local.timeout, 90)
        XCTAssertEqual(local.chunkTimeout, 2.5)
        XCTAssertEqual(local.headers, ["X-Project": "facet"])
        XCTAssertEqual(local.headerEnv, ["X-Gateway-Key": "GATEWAY_KEY"])
        XCTAssertTrue(local.warmUp, "on unless turned off")
        let openai = try settings.profile(named: "openai").get()
        XCTAssertEqual(openai.model, "gpt-4.1-mini", "a table changes only the fields it names")
        XCTAssertEqual(openai.apiKeyEnv, "OPENAI_API_KEY")
        XCTAssertFalse(openai.warmUp)
        XCTAssertEqual(try FacetConfiguration.default.preview.profile(named: nil).get().baseURL, "http://localhost:11434/v1",
                       "the default needs no key and runs locally")
    }

    func testEndpointTableErrorsNameTheLine() {
        func error(_ toml: String) -> String {
            do { _ = try FacetConfiguration.parse(toml: toml, file: "f.toml"); return "" } catch { return error.description }
        }
        XCTAssertEqual(error("[endpoints.x]\napi-key = \"sk-123\""), "f.toml:2: do not put API keys in .facet.toml; set api-key-env to the name of the environment variable holding it")
        XCTAssertTrue(error("[endpoints.x]\nbase-url = \"ftp://host/v1\"").contains("must start with http:// or https://"))
        XCTAssertTrue(error("[endpoints.x]\nbase-url = \"http://user:pw@host/v1\"").contains("must not carry credentials"))
        XCTAssertTrue(error("[endpoints.x.headers]\nAuthorization = \"Bearer x\"").contains("do not put credentials"))
        XCTAssertTrue(error("[endpoints.x.headers]\nX-Api-Key = \"k-123456\"").contains("header 'X-Api-Key' looks like a credential"))
        XCTAssertTrue(error("[endpoints.x.headers]\nX-Api-Key = \"k-123456\"").contains("[endpoints.x.header-env]"), "the refusal says where the credential can go")
        XCTAssertEqual(error("[endpoints.x.header-env]\nX-Api-Key = \"k-123456 secret\""),
                       "f.toml:2: header-env.X-Api-Key takes the name of an environment variable (letters, digits, _), not the value itself")
        XCTAssertEqual(error("[endpoints.x]\nwarm-up = \"no\""), "f.toml:2: warm-up takes true or false")
        XCTAssertTrue(error("[endpoints.x]\nmodle = \"y\"").hasPrefix("f.toml:2: unknown endpoint setting 'modle'"))
        XCTAssertTrue(error("[endpoints.x]\napi-key-env = \"sk-abc def\"").contains("name of an environment variable"))
        XCTAssertTrue(error("[preview]\nendpont = \"x\"").contains("unknown setting 'preview.endpont'"))
        guard case .failure(let missing) = PreviewSettings().profile(named: "nope") else { return XCTFail() }
        XCTAssertTrue(missing.message.contains("no endpoint named 'nope'"))
    }

    /// A key written without quotes (in api-key, in api-key-env by mistake, or as a credential
    /// header) was quoted back in the syntax error, into the terminal, CI logs and the editor's log.
    func testAnUnquotedKeyIsNotRepeatedInTheSyntaxError() {
        for toml in ["[endpoints.x]\napi-key = sk-live-0123456789", "[endpoints.x]\napi-key-env = sk-live-0123456789",
                     "[endpoints.x.headers]\nX-Api-Key = sk-live-0123456789", "[endpoints.x]\napi-key = [sk-live-0123456789]",
                     "[endpoints.x]\napi-key = [\n  sk-live-0123456789\n]"] {
            do {
                _ = try FacetConfiguration.parse(toml: toml, file: "f.toml")
                XCTFail(toml)
            } catch {
                XCTAssertFalse(error.description.contains("sk-live"), error.description)
                XCTAssertTrue(error.description.contains("is not a TOML value (strings need quotes)"), error.description)
            }
        }
        do { _ = try FacetConfiguration.parse(toml: "[endpoints.x]\nmodel = qwen", file: "f.toml") } catch {
            XCTAssertTrue(error.description.contains("'qwen' is not a TOML value"), "other values are still quoted: \(error.description)")
        }
    }

    /// A `header-env` header is read from its variable when the profile is
    /// used, and its value counts as a secret whatever the header's name.
    func testHeaderEnvIsReadFromTheEnvironmentAndIsSecret() throws {
        var profile = EndpointProfile(name: "gw", baseURL: "http://localhost:1/v1", model: "m")
        profile.headers = ["X-Project": "facet"]
        profile.headerEnv = ["X-Gateway": "GW_VALUE"]
        let read = try profile.readingHeaderEnv(from: ["GW_VALUE": "gateway-credential-7"]).get()
        XCTAssertEqual(read.headers, ["X-Project": "facet", "X-Gateway": "gateway-credential-7"])
        XCTAssertEqual(read.secretHeaderValues, ["gateway-credential-7"])
        guard case .failure(let missing) = profile.readingHeaderEnv(from: ["GW_VALUE": ""]) else { return XCTFail("an empty variable is not a value") }
        XCTAssertEqual(missing.message, "endpoint 'gw' reads header X-Gateway from $GW_VALUE, which is not set; export it, or remove it from [endpoints.gw.header-env]")
    }
}
