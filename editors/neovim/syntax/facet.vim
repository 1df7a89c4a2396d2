" Facet system messages are highlighted as Markdown.
if exists('b:current_syntax')
  finish
endif
runtime! syntax/markdown.vim
let b:current_syntax = 'facet'
