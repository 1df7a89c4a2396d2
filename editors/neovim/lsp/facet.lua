-- Neovim 0.11+ only: lets `vim.lsp.enable('facet')` start Facet without
-- require('facet').setup(). Use one way or the other, not both.
-- Override fields with vim.lsp.config('facet', { ... }).
return {
  cmd = { 'facet', 'lsp' },
  filetypes = { 'facet' },
  root_markers = { '.facet.toml', '.git' },
}
