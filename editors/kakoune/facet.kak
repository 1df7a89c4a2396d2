# Facet system messages in Kakoune: filetype detection and Markdown highlighting.
# Source it from your kakrc (after the standard rc files, which your kakrc
# always follows):   source /path/to/facet/editors/kakoune/facet.kak

# *.system.md, *.sysmsg, *.prompt.md, *.system.txt are system messages. Registered
# after markdown.kak's *.md hook, so this one runs last and wins.
hook global BufCreate .*[.](system[.]md|sysmsg|prompt[.]md|system[.]txt) %{
    set-option buffer filetype facet
}

# Highlight them as Markdown.
hook -group facet-highlight global WinSetOption filetype=facet %{
    require-module markdown
    add-highlighter window/facet ref markdown
    hook -once -always window WinSetOption filetype=.* %{ remove-highlighter window/facet }
}
