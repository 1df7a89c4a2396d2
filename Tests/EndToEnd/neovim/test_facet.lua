-- Headless Neovim test of editors/neovim against a real `facet lsp`.
-- Run through run.sh:  nvim --headless -u NONE -i NONE -c 'luafile test_facet.lua'
-- Environment: FACET_BIN (default <repo>/.build/debug/facet), FACET_TEST_TIMEOUT_MS (default 10000).
--
-- Checks, in order (each fails the run with a message):
--   1. the shipped ftdetect gives *.system.md, *.sysmsg, *.prompt.md, *.system.txt the
--      filetype "facet" and leaves notes.md as markdown; a "vim: set filetype=facet:" modeline
--      opts a file in; setup{patterns} adds *.instructions.md;
--   2. require('facet').setup starts the server for buffers already open, on_attach runs;
--   3. Facet publishes diagnostics: weak-instruction (source "facet") on line 10 of the fixture;
--   4. the settings passed to setup reach the server: vague-quantifier (line 11) is turned off;
--   5. hover on line 5 ("You are Nova, ...") says "Facet: this sentence is **role**";
--   6. every system-message buffer in the folder shares one client; notes.md has none;
--   7. completion on an empty line of a message without a harmlessness preference
--      offers one from the embedded collection, with its description as the inserted text;
--   8. code actions at the cursor on line 10 ("Try to solve ...") include the preferred
--      quick fix 'Remove "Try to"'; vim.lsp.util.apply_workspace_edit applies it, the line
--      reads "- Solve the problem in one reply." and weak-instruction is no longer reported.

local h = dofile(vim.fn.fnamemodify((debug.getinfo(1, 'S').source:gsub('^@', '')), ':p:h') .. '/harness.lua')
local uv, repo, timeout = h.uv, h.repo, h.timeout
local out, fail, check = h.out, h.fail, h.check

local tmp = vim.fn.tempname() .. '-facet-nvim'
local trace = tmp .. '/facet-trace.log'

local function run()
  local bin = h.facet_bin()

  -- The fixture, copied (never edit files in the repository).
  local fixture = repo .. '/examples/support-agent.system.md'
  check(vim.fn.filereadable(fixture) == 1, 'fixture missing: ' .. fixture)
  vim.fn.mkdir(tmp, 'p')
  local file = tmp .. '/support-agent.system.md'
  check(vim.fn.writefile(vim.fn.readfile(fixture, 'b'), file, 'b') == 0, 'could not copy the fixture to ' .. file)

  -- Load the shipped plugin the way a user's config does.
  vim.opt.runtimepath:prepend(repo .. '/editors/neovim')
  vim.cmd('filetype plugin on')
  vim.cmd('syntax on')

  -- 1. Filetype detection.
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  check(vim.bo[buf].filetype == 'facet',
    ('%s: filetype is %q, expected "facet"'):format(file, vim.bo[buf].filetype))
  local others = {}
  for _, name in ipairs({ 'b.sysmsg', 'c.prompt.md', 'd.system.txt' }) do
    vim.cmd('edit ' .. vim.fn.fnameescape(tmp .. '/' .. name))
    local b = vim.api.nvim_get_current_buf()
    check(vim.bo[b].filetype == 'facet', ('%s: filetype is %q, expected "facet"'):format(name, vim.bo[b].filetype))
    others[#others + 1] = b
  end
  vim.cmd('edit ' .. vim.fn.fnameescape(tmp .. '/notes.md'))
  local notes = vim.api.nvim_get_current_buf()
  check(vim.bo[notes].filetype == 'markdown',
    ('notes.md: filetype is %q, expected "markdown"'):format(vim.bo[notes].filetype))
  out('ok  ftdetect: filetype "facet" for *.system.md, *.sysmsg, *.prompt.md, *.system.txt; notes.md stays markdown')

  -- The opt-in documented in editors/README.md: a modeline. ('modeline' is on by default,
  -- but off for root, as CI may be.)
  vim.o.modeline = true
  local opted = tmp .. '/opt-in.md'
  vim.fn.writefile({ '<!-- vim: set filetype=facet: -->', 'You are a support assistant.' }, opted)
  vim.cmd('edit ' .. vim.fn.fnameescape(opted))
  local opt_in = vim.api.nvim_get_current_buf()
  check(vim.bo[opt_in].filetype == 'facet',
    ('opt-in.md with a modeline: filetype is %q, expected "facet"'):format(vim.bo[opt_in].filetype))
  others[#others + 1] = opt_in
  out('ok  a modeline "vim: set filetype=facet:" opts opt-in.md in')

  -- setup() after the buffers exist: it must attach to them, and add the extra pattern.
  local attached = {}
  require('facet').setup({
    cmd = { bin, 'lsp', '--trace-file', trace },
    settings = { rules = { ['vague-quantifier'] = 'off' } },
    patterns = { '*.instructions.md' },
    on_attach = function(client, bufnr)
      attached[bufnr] = client.id
    end,
  })
  vim.cmd('edit ' .. vim.fn.fnameescape(tmp .. '/e.instructions.md'))
  local extra = vim.api.nvim_get_current_buf()
  check(vim.bo[extra].filetype == 'facet',
    ('e.instructions.md: filetype is %q, expected "facet" (setup patterns)'):format(vim.bo[extra].filetype))
  others[#others + 1] = extra
  vim.cmd('buffer ' .. buf)
  out('ok  setup{patterns = {"*.instructions.md"}} gives e.instructions.md filetype "facet"')

  -- 2. The client attached.
  check(vim.wait(timeout, function() return attached[buf] ~= nil end, 20),
    ('on_attach was not called for %s within %d ms'):format(file, timeout))
  local client = vim.lsp.get_client_by_id(attached[buf])
  check(client ~= nil and client.name == 'facet', 'the attached client is not named "facet"')
  out('ok  client "facet" attached (id ' .. client.id .. ')')

  -- 3. Diagnostics.
  local started = uv.hrtime()
  local function facet_diagnostics()
    local found = {}
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.source == 'facet' then
        found[#found + 1] = d
      end
    end
    return found
  end
  check(vim.wait(timeout, function() return #facet_diagnostics() > 0 end, 20),
    ('no diagnostics with source "facet" within %d ms'):format(timeout))
  local waited = (uv.hrtime() - started) / 1e6
  local diagnostics = facet_diagnostics()
  local summary = {}
  for _, d in ipairs(diagnostics) do
    summary[#summary + 1] = ('%s@%d'):format(tostring(d.code), d.lnum + 1)
  end
  local summary_text = table.concat(summary, ', ')

  local want_rule, want_line = 'weak-instruction', 10
  local found = false
  for _, d in ipairs(diagnostics) do
    if d.code == want_rule and d.lnum + 1 == want_line then
      found = true
    end
  end
  check(found, ('expected %s on line %d; got: %s'):format(want_rule, want_line, summary_text))
  out(('ok  diagnostic %s on line %d (after %.0f ms; all: %s)'):format(want_rule, want_line, waited, summary_text))

  -- 4. Settings reached the server.
  for _, d in ipairs(diagnostics) do
    check(d.code ~= 'vague-quantifier',
      'vague-quantifier is reported although settings turn it off (settings did not reach the server): ' .. summary_text)
  end
  out('ok  settings applied: vague-quantifier is off')

  -- 5. Hover.
  local hover_line, hover_char, want_hover = 5, 10, 'Facet: this sentence is **role**'
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = hover_line - 1, character = hover_char },
  }
  local responses, err = vim.lsp.buf_request_sync(buf, 'textDocument/hover', params, timeout)
  check(responses ~= nil, 'hover request failed: ' .. tostring(err))
  local text
  for _, response in pairs(responses) do
    local response_error = response.err or response.error
    check(response_error == nil, 'hover returned an error: ' .. vim.inspect(response_error))
    local contents = response.result and response.result.contents
    if type(contents) == 'table' then
      text = contents.value or (type(contents[1]) == 'table' and contents[1].value) or contents[1]
    elseif type(contents) == 'string' then
      text = contents
    end
  end
  check(type(text) == 'string', ('no hover at line %d, character %d'):format(hover_line, hover_char))
  check(text:find(want_hover, 1, true) ~= nil,
    ('hover at line %d does not mention %q; got:\n%s'):format(hover_line, want_hover, text))
  out(('ok  hover at %d:%d starts %q'):format(hover_line, hover_char, (text:match('^[^\n]*'))))

  -- 6. One client per root.
  for _, b in ipairs(others) do
    check(vim.wait(timeout, function() return attached[b] ~= nil end, 20),
      ('on_attach was not called for buffer %s'):format(vim.api.nvim_buf_get_name(b)))
    check(attached[b] == client.id,
      ('%s got client %d, expected the shared client %d'):format(vim.api.nvim_buf_get_name(b), attached[b], client.id))
  end
  check(attached[notes] == nil, 'notes.md (markdown) got a Facet client')
  local facet_clients = 0
  for _, c in pairs((vim.lsp.get_clients or vim.lsp.get_active_clients)()) do
    if c.name == 'facet' then
      facet_clients = facet_clients + 1
    end
  end
  check(facet_clients == 1, ('%d Facet clients are running, expected 1'):format(facet_clients))
  out(('ok  %d system-message buffers share one client; notes.md has none'):format(#others + 1))

  -- 7. Completion of a preference from the embedded collection (nothing imported):
  --    a message with no harmlessness preference gets one offered on an empty line.
  local tutor = tmp .. '/tutor.system.md'
  vim.fn.writefile({ 'You are a Python tutor for high-school students.',
    'Explain each concept with a short code example.', 'Keep a friendly tone.', '', '' }, tutor)
  vim.cmd('edit ' .. vim.fn.fnameescape(tutor))
  local tutor_buf = vim.api.nvim_get_current_buf()
  check(vim.wait(timeout, function() return attached[tutor_buf] ~= nil end, 20), 'no client attached to tutor.system.md')
  local completion = vim.lsp.buf_request_sync(tutor_buf, 'textDocument/completion', {
    textDocument = { uri = vim.uri_from_bufnr(tutor_buf) },
    position = { line = 4, character = 0 },
  }, timeout)
  check(completion ~= nil, 'completion request failed')
  local items = {}
  for _, response in pairs(completion) do
    check(response.err == nil, 'completion returned an error: ' .. vim.inspect(response.err))
    local result = response.result or {}
    for _, item in ipairs(result.items or result) do table.insert(items, item) end
  end
  local harmless
  for _, item in ipairs(items) do
    if (item.detail or ''):find('^harmlessness/') and (item.detail or ''):find('facet-default', 1, true) then
      harmless = item
      break
    end
  end
  check(harmless ~= nil, ('no harmlessness preference among %d completion items: %s'):format(#items,
    vim.inspect(vim.tbl_map(function(i) return i.detail end, items))))
  check(type(harmless.insertText) == 'string' and #harmless.insertText > 20, 'the preference inserts no description')
  out(('ok  completion offers %d preferences; harmlessness: %q'):format(#items, harmless.label))

  -- 8. A code action, requested the way vim.lsp.buf.code_action() does (the cursor's range and
  --    the line's diagnostics), and its edit applied through Neovim's own API.
  vim.cmd('buffer ' .. buf)
  local fix_line, want_fixed = 10, '- Solve the problem in one reply.'
  vim.api.nvim_win_set_cursor(0, { fix_line, 2 })
  local action_params = vim.lsp.util.make_range_params(nil, client.offset_encoding)
  -- (get_line_diagnostics is what 0.7 uses; later versions keep the LSP diagnostic in user_data.)
  local line_diagnostics = vim.lsp.diagnostic.get_line_diagnostics and vim.lsp.diagnostic.get_line_diagnostics(buf)
    or vim.tbl_map(function(d) return d.user_data and d.user_data.lsp end, vim.diagnostic.get(buf, { lnum = fix_line - 1 }))
  action_params.context = { diagnostics = line_diagnostics }
  local action_responses, action_err = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', action_params, timeout)
  check(action_responses ~= nil, 'code action request failed: ' .. tostring(action_err))
  local actions = {}
  for _, response in pairs(action_responses) do
    check(response.err == nil, 'code action returned an error: ' .. vim.inspect(response.err))
    for _, action in ipairs(response.result or {}) do table.insert(actions, action) end
  end
  local titles = vim.tbl_map(function(a) return a.title end, actions)
  local fix
  for _, action in ipairs(actions) do
    if action.title == 'Remove "Try to"' then fix = action end
  end
  check(fix ~= nil, ('no "Remove \"Try to\"" action on line %d; got: %s'):format(fix_line, vim.inspect(titles)))
  check(fix.kind == 'quickfix' and fix.isPreferred == true and type(fix.edit) == 'table',
    'the fix is not a preferred quickfix with an edit: ' .. vim.inspect(fix))
  vim.lsp.util.apply_workspace_edit(fix.edit, client.offset_encoding)
  local fixed = vim.api.nvim_buf_get_lines(buf, fix_line - 1, fix_line, false)[1]
  check(fixed == want_fixed, ('after the fix line %d is %q, expected %q'):format(fix_line, fixed, want_fixed))
  local remaining
  check(vim.wait(timeout, function()
    remaining = facet_diagnostics()
    if #remaining == 0 then return false end
    for _, d in ipairs(remaining) do
      if d.code == 'weak-instruction' then return false end
    end
    return true
  end, 20), ('weak-instruction is still reported %d ms after the fix was applied'):format(timeout))
  local after = {}
  for _, d in ipairs(remaining) do after[#after + 1] = ('%s@%d'):format(tostring(d.code), d.lnum + 1) end
  out(('ok  code action %q (of %d) applied: line %d reads %q; diagnostics now: %s'):format(fix.title, #actions,
    fix_line, fixed, table.concat(after, ', ')))
end

h.finish('neovim', run, trace, tmp)
