" Facet system messages are Markdown: reuse Markdown's settings (comments, folding, ...).
if exists('b:did_ftplugin')
  finish
endif
runtime! ftplugin/markdown.vim ftplugin/markdown_*.vim ftplugin/markdown/*.vim
let b:did_ftplugin = 1
