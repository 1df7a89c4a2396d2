-- Headless Neovim test of :FacetEvaluate (editors/neovim/lua/facet/preview.lua) against a
-- real `facet lsp` and Tests/Support/fake-openai, which plays both models and the judge:
-- "small" (quality-4+format=1) scores 4 on every rubric but the format one (1), "strong"
-- (quality-5) scores 5, and "judge" reads those scores back.
-- Run through run.sh:  nvim --headless -u NONE -i NONE -c 'luafile test_evaluate.lua'
-- Environment: FACET_BIN (default <repo>/.build/debug/facet), FACET_TEST_TIMEOUT_MS (default 10000).
--
-- Checks, in order (each fails the run with a message):
--   1. :FacetEvaluate compares small and strong ([preview] compare): the answer gives their
--      means, the evaluation file .facet/previews/billing.eval.md is shown in a split (the
--      cursor stays put) and holds "⚑ small falls short" and "| format | 1 ⚠", and a
--      summary is notified;
--   2. a "not-followed" diagnostic (source "facet eval") sits on "Reply in JSON only.";
--   3. :FacetEvaluate 2 endpoint=small scores case 2 on small alone;
--   4. the "★ Evaluate: small vs strong" code lens runs through the same code;
--   5. :FacetEvaluate! compare=small,endless runs until :FacetEvaluateCancel, which ends it;
--      the file then shows the evaluation cancelled.

local h = dofile(vim.fn.fnamemodify((debug.getinfo(1, 'S').source:gsub('^@', '')), ':p:h') .. '/harness.lua')
local uv, repo, timeout = h.uv, h.repo, h.timeout
local out, check, buffer_text = h.out, h.check, h.buffer_text

local tmp = vim.fn.tempname() .. '-facet-nvim-evaluate'
local trace = tmp .. '/facet-trace.log'
local fake_job

local MESSAGE = {
  '---',
  'cases:',
  '  - Where is my invoice for March?',
  '  - name: refund',
  '    user: I want my money back.',
  '  - Can I switch to the annual plan?',
  '---',
  "You are Orbit's billing assistant for a software company.",
  'Answer questions about invoices, refunds and plans.',
  'Reply in JSON only.',
}
local FORMAT_LINE = 10 -- "Reply in JSON only."

local function run()
  local bin = h.facet_bin()

  vim.fn.mkdir(tmp, 'p')
  local port
  port, fake_job = h.start_fake()
  local base_url = ('http://127.0.0.1:%d/v1'):format(port)
  local toml = { '[preview]', 'compare = ["small", "strong"]', '[judge]', 'endpoint = "judge"' }
  for _, e in ipairs({ { 'small', 'quality-4+format=1' }, { 'strong', 'quality-5' }, { 'judge', 'judge' }, { 'endless', 'endless' } }) do
    vim.list_extend(toml, { '[endpoints.' .. e[1] .. ']', 'base-url = "' .. base_url .. '"', 'model = "' .. e[2] .. '"' })
  end
  vim.fn.writefile(toml, tmp .. '/.facet.toml')
  local file = tmp .. '/billing.system.md'
  vim.fn.writefile(MESSAGE, file)
  out(('ok  fake endpoint at %s; workspace %s'):format(base_url, tmp))

  local notes, noted = h.capture_notifications()
  local source, source_win = h.open_with_facet(bin, trace, tmp, file)
  check(vim.fn.exists(':FacetEvaluate') == 2 and vim.fn.exists(':FacetEvaluateCancel') == 2,
    'setup did not define :FacetEvaluate and :FacetEvaluateCancel')

  local preview = require('facet.preview')
  local function evaluating()
    return preview.is_running(source, 'evaluate')
  end
  --- Runs `start` and waits for the evaluation's answer; returns it.
  local function evaluate(what, start)
    preview.last_evaluation = nil
    start()
    check(vim.wait(timeout, function() return preview.last_evaluation ~= nil and not evaluating() end, 10),
      ('%s did not finish within %d ms'):format(what, timeout))
    return preview.last_evaluation
  end
  local function means(result)
    local found = {}
    for _, score in ipairs(result.endpoints or {}) do
      found[#found + 1] = ('%s=%s'):format(score.endpoint, tostring(score.mean))
    end
    return table.concat(found, ' ')
  end

  -- 1. The comparison configured in .facet.toml.
  local started = uv.hrtime()
  local result = evaluate(':FacetEvaluate', function()
    vim.cmd('FacetEvaluate')
    check(evaluating(), ':FacetEvaluate did not start an evaluation')
  end)
  local elapsed = (uv.hrtime() - started) / 1e6
  check(result.cancelled == false and means(result) == 'small=3 strong=5',
    'the answer of :FacetEvaluate: ' .. vim.inspect(result))
  check(vim.endswith(result.file, '/.facet/previews/billing.eval.md'), 'the evaluation file is ' .. result.file)
  local eval_buf = vim.fn.bufnr(result.file)
  check(eval_buf > 0 and vim.fn.bufwinid(eval_buf) ~= -1, 'no window shows ' .. result.file)
  check(vim.api.nvim_get_current_win() == source_win and vim.api.nvim_get_current_buf() == source,
    'the cursor left the system message')
  local text = table.concat(vim.fn.readfile(result.file), '\n')
  for _, piece in ipairs({ '⚑ small falls short', '| format | 1 ⚠' }) do
    check(text:find(piece, 1, true), ('%s lacks %q:\n%s'):format(result.file, piece, text))
  end
  check(buffer_text(eval_buf) == text, 'the evaluation buffer differs from the file:\n' .. buffer_text(eval_buf))
  local note = noted('Facet evaluation: small 3.00, strong 5.00; 1 not followed')
  check(note, 'no summary notification: ' .. vim.inspect(notes))
  out(('ok  :FacetEvaluate answered in %.0f ms (%d requests); billing.eval.md shown with the flagged gap; notified %q')
    :format(elapsed, result.requests, note.message))

  -- 2. The rubric small did not follow, on its sentence.
  local function not_followed()
    local found = {}
    for _, d in ipairs(vim.diagnostic.get(source)) do
      if d.code == 'not-followed' then found[#found + 1] = d end
    end
    return found
  end
  check(vim.wait(timeout, function() return #not_followed() > 0 end, 20), 'no "not-followed" diagnostic arrived')
  local finding
  for _, d in ipairs(not_followed()) do
    if d.lnum + 1 == FORMAT_LINE then finding = d end
  end
  check(finding and finding.source == 'facet eval',
    ('expected a not-followed diagnostic from "facet eval" on line %d; got %s'):format(FORMAT_LINE, vim.inspect(not_followed())))
  out(('ok  not-followed on line %d: %s'):format(FORMAT_LINE, finding.message))

  -- 3. One case on one endpoint.
  result = evaluate(':FacetEvaluate 2 endpoint=small', function() vim.cmd('FacetEvaluate 2 endpoint=small') end)
  check(result.cancelled == false and means(result) == 'small=3',
    ':FacetEvaluate 2 endpoint=small: expected small alone, got ' .. vim.inspect(result))
  text = buffer_text(eval_buf)
  check(text:find('refund', 1, true) and not text:find('annual plan', 1, true),
    'the evaluation buffer does not show case 2 alone:\n' .. text)
  out(('ok  :FacetEvaluate 2 endpoint=small scores case 2 on small alone (%d requests)'):format(result.requests))

  -- 4. The "★ Evaluate" lens shares the top line with others: pick it as a user would.
  vim.lsp.codelens.refresh()
  local title = '★ Evaluate: small vs strong'
  check(vim.wait(timeout, function()
    for _, lens in ipairs(vim.lsp.codelens.get(source) or {}) do
      if lens.command and lens.command.title == title then return true end
    end
    return false
  end, 20), ('no %q code lens: %s'):format(title, vim.inspect(vim.lsp.codelens.get(source))))
  vim.ui.select = function(items, opts, on_choice)
    for i, item in ipairs(items) do
      if opts.format_item(item) == title then return on_choice(item, i) end
    end
    on_choice(nil, nil)
  end
  vim.api.nvim_win_set_cursor(0, { 1, 0 })
  result = evaluate('the ★ Evaluate lens', function()
    vim.lsp.codelens.run()
    check(evaluating(), 'the ★ Evaluate lens did not run through facet.evaluate\'s client-side command')
  end)
  check(means(result) == 'small=3 strong=5', 'the lens evaluation: ' .. vim.inspect(result))
  out(('ok  the %q lens (vim.lsp.codelens.run) evaluates through the same code'):format(title))

  -- 5. Cancelling an evaluation that never ends.
  preview.last_evaluation = nil
  vim.cmd('FacetEvaluate! compare=small,endless')
  check(evaluating(), ':FacetEvaluate! compare=small,endless did not start an evaluation')
  vim.wait(300) -- let the endless answer begin
  local cancelled_at = uv.hrtime()
  vim.cmd('FacetEvaluateCancel')
  check(vim.wait(2000, function() return not evaluating() end, 5), 'the evaluation still runs 2 s after :FacetEvaluateCancel')
  local cancel_ms = (uv.hrtime() - cancelled_at) / 1e6
  check(preview.last_evaluation and preview.last_evaluation.cancelled == true,
    'the cancelled evaluation\'s answer: ' .. vim.inspect(preview.last_evaluation))
  check(noted('Facet evaluation: cancelled'), 'no "cancelled" notification: ' .. vim.inspect(notes))
  check(vim.wait(2000, function() return buffer_text(eval_buf):find('| Status | cancelled |', 1, true) ~= nil end, 10),
    'the evaluation buffer does not show the cancelled evaluation:\n' .. buffer_text(eval_buf))
  out(('ok  :FacetEvaluateCancel ended the endless evaluation in %.0f ms; the buffer shows it cancelled'):format(cancel_ms))
end

h.finish('neovim evaluate', run, trace, tmp, function()
  if fake_job then
    vim.fn.jobstop(fake_job)
  end
end)
