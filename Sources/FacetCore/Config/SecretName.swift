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
    /// The values of headers whose names look like credentials.
    public var secretHeaderValues: [String] {
        headers.filter { SecretName.looksSecret($0.key) }.map(\.value)
    }
}
