/// Whether a setting or header name looks like it holds a credential
/// (`apiKey`, `api-key`, `X-Goog-Api-Key`, `Authorization`, `accessToken`,
/// `Cookie`), so that its value is blanked wherever Facet writes text.
public enum SecretName {
    private static let words = ["key", "token", "secret", "password", "passwd", "auth", "cookie"]
    /// Names that hold one of those words but never a secret: the variable a
    /// key is read from, and LSP progress tokens.
    private static let harmless: Set<String> = ["apikeyenv", "api-key-env", "api_key_env", "workdonetoken", "partialresulttoken"]

    public static func looksSecret(_ name: String) -> Bool {
        let name = name.lowercased()
        return !harmless.contains(name) && words.contains { name.contains($0) }
    }
}

extension EndpointProfile {
    /// The values of headers read from the environment or whose names look like credentials.
    public var secretHeaderValues: [String] {
        headers.filter { headerEnv[$0.key] != nil || SecretName.looksSecret($0.key) }.map(\.value)
    }

    /// The profile with each `headerEnv` header's value read from its
    /// environment variable; fails naming the first variable that is not set.
    public func readingHeaderEnv(from environment: [String: String]) -> Result<EndpointProfile, PreviewSettingsError> {
        var profile = self
        for (header, variable) in headerEnv.sorted(by: { $0.key < $1.key }) {
            guard let value = environment[variable], !value.isEmpty else {
                return .failure(PreviewSettingsError(message: "endpoint '\(name)' reads header \(header) from $\(variable), which is not set; export it, or remove it from [endpoints.\(name).header-env]"))
            }
            profile.headers[header] = value
        }
        return .success(profile)
    }
}
