-- Headless Neovim test of :FacetPreview (editors/neovim/lua/facet/preview.lua) against a
-- real `facet lsp` and Tests/Support/fake-openai (model slow-50: one token every 50 ms).
-- Run through run.sh:  nvim --headless -u NONE -i NONE -c 'luafile test_preview.lua'
-- Environment: FACET_BIN (default <repo>/.build/debug/facet), FACET_TEST_TIMEOUT_MS (default 10000).
--
-- Checks, in order (each fails the run with a message):
--   1. :FacetPreview on a message with three cases opens the preview file in a split as soon
--      as the preview starts (window/showDocument), without moving the cursor, and the
--      buffer is reloaded while the answers stream (a version still streaming is seen);
--   2. when the server answers, the preview buffer holds "Echo: <user message>" for each
--      case, the endpoint and the model, and a summary is notified;
--   3. :FacetPreview 2 previews case 2 only, answered from the cache, and so does the
--      "▶ Preview case 3" code lens for case 3 (vim.lsp.codelens.run);
--   4. :FacetPreview! endpoint=endless streams until :FacetPreviewCancel, which ends it at
--      once; the buffer then shows the cancelled preview.

local h = dofile(vim.fn.fnamemodify((debug.getinfo(1, 'S').source:gsub('^@', '')), ':p:h') .. '/harness.lua')
local uv, repo, timeout = h.uv, h.repo, h.timeout
local out, fail, check, buffer_text = h.out, h.fail, h.check, h.buffer_text

local tmp = vim.fn.tempname() .. '-facet-nvim-preview'
local trace = tmp .. '/facet-trace.log'
local fake_job

local CASES = {
  { name = 'case 1', user = 'What is your refund policy for annual plans?' },
  { name = 'greeting', user = 'Say hello to a new customer.' },
  { name = 'follow-up', user = 'The one from March.' },
}
local MESSAGE = {
  '---',
  'cases:',
  '  - ' .. CASES[1].user,
  '  - name: greeting',
  '    user: ' .. CASES[2].user,
  '  - name: follow-up',
  '    turns:',
  '      - user: My invoice is wrong.',
  '      - assistant: Sorry to hear that. Which invoice is it?',
  '      - user: ' .. CASES[3].user,
  '---',
  "You are Orbit's billing assistant for a software company.",
  'Answer questions about invoices, refunds and plans.',
  'Reply in at most three sentences.',
}

local function run()
  local bin = h.facet_bin()

  vim.fn.mkdir(tmp, 'p')
  local port
  port, fake_job = h.start_fake()
  local base_url = ('http://127.0.0.1:%d/v1'):format(port)
  vim.fn.writefile({
    '[preview]',
    'endpoint = "fake"',
    '[endpoints.fake]',
    'base-url = "' .. base_url .. '"',
    'model = "slow-50"',
    '[endpoints.endless]',
    'base-url = "' .. base_url .. '"',
    'model = "endless"',
  }, tmp .. '/.facet.toml')
  local file = tmp .. '/billing.system.md'
  vim.fn.writefile(MESSAGE, file)
  out(('ok  fake endpoint at %s; workspace %s'):format(base_url, tmp))

  local notes, noted = h.capture_notifications()
  local source, source_win, attached = h.open_with_facet(bin, trace, tmp, file)
  check(vim.fn.exists(':FacetPreview') == 2 and vim.fn.exists(':FacetPreviewCancel') == 2,
    'setup did not define :FacetPreview and :FacetPreviewCancel')

  local preview = require('facet.preview')

  -- 1. :FacetPreview; the preview file opens at the start and is reloaded as it streams.
  local started = uv.hrtime()
  vim.cmd('FacetPreview')
  check(preview.is_running(source), ':FacetPreview did not start a preview')
  local preview_buf, opened_while_running
  local versions, streaming_seen = {}, false
  check(vim.wait(timeout, function()
    if not preview_buf then
      for _, win in ipairs(vim.api.nvim_tabpage_list_wins(0)) do
        local name = vim.api.nvim_buf_get_name(vim.api.nvim_win_get_buf(win))
        if name:find('/.facet/previews/', 1, true) then
          preview_buf = vim.api.nvim_win_get_buf(win)
          opened_while_running = preview.is_running(source)
        end
      end
    end
    if preview_buf then
      local text = buffer_text(preview_buf)
      if versions[#versions] ~= text then
        versions[#versions + 1] = text
        if preview.is_running(source) and text:find('streaming…', 1, true) then streaming_seen = true end
      end
    end
    return not preview.is_running(source)
  end, 10), (':FacetPreview did not finish within %d ms'):format(timeout))
  local elapsed = (uv.hrtime() - started) / 1e6
  check(preview_buf ~= nil, 'no window shows a file under .facet/previews/')
  check(opened_while_running, 'the preview file was opened only after the preview had finished (window/showDocument not handled?)')
  check(streaming_seen, ('the preview buffer was not reloaded while the answers streamed (%d versions seen)'):format(#versions))
  check(vim.api.nvim_get_current_win() == source_win and vim.api.nvim_get_current_buf() == source,
    'the cursor left the system message')
  out(('ok  the preview opened in a split while running and was reloaded %d times as it streamed; the cursor stayed put'):format(#versions))

  -- 2. The finished preview.
  local result = preview.last
  check(type(result) == 'table' and type(result.file) == 'string', 'no answer from facet.preview: ' .. vim.inspect(result))
  check(vim.fn.fnamemodify(result.file, ':p') == vim.fn.fnamemodify(vim.api.nvim_buf_get_name(preview_buf), ':p'),
    ('the buffer shows %s, the answer names %s'):format(vim.api.nvim_buf_get_name(preview_buf), result.file))
  local text = buffer_text(preview_buf)
  for i, case in ipairs(CASES) do
    check(result.cases[i] and result.cases[i].name == case.name and result.cases[i].status == 'done',
      ('case %d in the answer: %s'):format(i, vim.inspect(result.cases[i])))
    check(text:find('Echo: ' .. case.user, 1, true), ('the preview buffer lacks "Echo: %s":\n%s'):format(case.user, text))
  end
  check(text:find('fake (' .. base_url .. ')', 1, true) and text:find('| Model | slow-50 |', 1, true),
    'the preview buffer does not name the endpoint and the model:\n' .. text)
  check(not text:find('streaming…', 1, true), 'the preview buffer was not reloaded after the end:\n' .. text)
  check(vim.bo[preview_buf].autoread, "'autoread' is off in the preview buffer")
  check(noted('Facet preview: 3 of 3 answered'), 'no summary notification: ' .. vim.inspect(notes))
  out(('ok  after %.0f ms the preview buffer shows the 3 answers, endpoint and model; notified %q'):format(elapsed,
    noted('Facet preview: 3 of 3 answered').message))

  -- 3. One case, from the cache.
  preview.last = nil
  vim.cmd('FacetPreview 2')
  check(vim.wait(timeout, function() return preview.last ~= nil end, 10), ':FacetPreview 2 did not finish')
  result = preview.last
  check(#result.cases == 1 and result.cases[1].name == 'greeting' and result.cases[1].cached == true,
    ':FacetPreview 2: expected case "greeting" from the cache, got ' .. vim.inspect(result.cases))
  text = buffer_text(preview_buf)
  check(text:find('## Case 2: greeting (cached)', 1, true) and not text:find('Case 1', 1, true),
    'the preview buffer does not show case 2 alone, from the cache:\n' .. text)
  out('ok  :FacetPreview 2 shows case 2 only, from the cache')

  -- 3b. The "▶ Preview case 3" code lens, run as a user does: through the same code.
  vim.lsp.codelens.refresh()
  check(vim.wait(timeout, function() return #(vim.lsp.codelens.get(source) or {}) >= 5 end, 20),
    'the code lenses (Preview, coverage, 3 cases) did not arrive: ' .. vim.inspect(vim.lsp.codelens.get(source)))
  vim.api.nvim_win_set_cursor(0, { 6, 0 }) -- "  - name: follow-up"
  preview.last = nil
  vim.lsp.codelens.run()
  check(preview.is_running(source) or preview.last ~= nil, 'running the case 3 lens started no preview through facet.preview')
  check(vim.wait(timeout, function() return preview.last ~= nil end, 10), 'the case 3 lens preview did not finish')
  result = preview.last
  check(#result.cases == 1 and result.cases[1].name == 'follow-up' and result.cases[1].cached == true,
    'the case 3 lens: expected case "follow-up" from the cache, got ' .. vim.inspect(result.cases))
  check(buffer_text(preview_buf):find('## Case 3: follow-up (cached)', 1, true),
    'the preview buffer does not show case 3:\n' .. buffer_text(preview_buf))
  out('ok  the "▶ Preview case 3" code lens (vim.lsp.codelens.run) previews case 3 through the same code')

  -- 4. Cancelling an endless answer.
  vim.cmd('FacetPreview! endpoint=endless')
  check(vim.wait(timeout, function() return buffer_text(preview_buf):find('tick tick', 1, true) ~= nil end, 10),
    'the endless answer never showed in the preview buffer:\n' .. buffer_text(preview_buf))
  local cancelled_at = uv.hrtime()
  vim.cmd('FacetPreviewCancel')
  check(vim.wait(2000, function() return not preview.is_running(source) end, 5), 'the preview still runs 2 s after :FacetPreviewCancel')
  local cancel_ms = (uv.hrtime() - cancelled_at) / 1e6
  check(noted('Facet preview: cancelled; 0 of 3 answered'), 'no "cancelled" notification: ' .. vim.inspect(notes))
  check(vim.wait(2000, function() return buffer_text(preview_buf):find('| Status | cancelled |', 1, true) ~= nil end, 10),
    'the preview buffer does not show the cancelled preview:\n' .. buffer_text(preview_buf))
  out(('ok  :FacetPreviewCancel ended the endless preview in %.0f ms; the buffer shows it cancelled'):format(cancel_ms))

  -- billing.system.md's report is billing.preview.md: not a system message, so no Facet client on it.
  check(vim.bo[preview_buf].filetype ~= 'facet' and not attached[preview_buf],
    ('the preview buffer was taken for a system message (filetype %q)'):format(vim.bo[preview_buf].filetype))
  out('ok  the preview buffer is not treated as a system message')
end

h.finish('neovim preview', run, trace, tmp, function()
  if fake_job then
    vim.fn.jobstop(fake_job)
  end
end)
