# Facet language server for kakoune-lsp 17 or later (servers are configured in kakrc).
# Source after kakoune-lsp is loaded (`eval %sh{kak-lsp}`) and after facet.kak.

hook -group lsp-filetype-facet global BufSetOption filetype=facet %{
    set-option buffer lsp_servers %{
        [facet]
        command = "facet"
        args = ["lsp"]
        root_globs = [".facet.toml", ".git", ".hg"]
        # settings.facet is sent as initializationOptions and answers
        # workspace/configuration for section "facet".
        settings_section = "facet"
        [facet.settings.facet]
        # rules = { vague-quantifier = "off", weak-instruction = "warning" }
        # requiredFacets = ["role", "task", "format"]
        # inlayHints = true
    }
}

# Start LSP in Facet windows (not needed if your kakrc runs `lsp-enable` globally).
hook -group lsp-filetype-facet global WinSetOption filetype=facet %{
    lsp-enable-window
}
