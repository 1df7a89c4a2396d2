-- Facet: mark system-message files as filetype "facet".
-- Kept self-contained (no require) so plugin managers that source ftdetect/
-- before the plugin is on 'runtimepath' (lazy.nvim) can run it.
if vim.fn.has('nvim-0.8') == 1 then
  -- Patterns are checked before extensions, so these win over "*.md" -> markdown.
  vim.filetype.add({
    pattern = {
      ['.*%.system%.md'] = 'facet',
      ['.*%.prompt%.md'] = 'facet',
      ['.*%.system%.txt'] = 'facet',
      ['.*%.sysmsg'] = 'facet',
    },
  })
  if vim.treesitter.language and vim.treesitter.language.register then
    pcall(vim.treesitter.language.register, 'markdown', 'facet')
  end
else
  -- Neovim 0.7: filetype.vim has already run `setf markdown` for *.md; override it.
  vim.cmd([[autocmd BufNewFile,BufRead *.system.md,*.sysmsg,*.prompt.md,*.system.txt if &filetype !=# 'facet' | set filetype=facet | endif]])
end
