-- Shared by the headless Neovim tests (test_*.lua): paths, the timeout, reporting,
-- the fake endpoint, and the end of a run. Load it with dofile from the test's own folder.
local M = {}

M.uv = vim.uv or vim.loop
M.here = vim.fn.fnamemodify((debug.getinfo(1, 'S').source:gsub('^@', '')), ':p:h')
M.repo = vim.fn.fnamemodify(M.here, ':h:h:h')
M.timeout = tonumber(vim.env.FACET_TEST_TIMEOUT_MS or '') or 10000

function M.out(line)
  io.stdout:write(line .. '\n')
  io.stdout:flush()
end

-- A failed check, told apart from unexpected errors (which get a traceback).
M.Failure = {}

function M.fail(message)
  error(setmetatable({ message = message }, M.Failure), 0)
end

function M.check(ok, message)
  if not ok then
    M.fail(message)
  end
end

--- Starts Tests/Support/fake-openai; returns its port and job id (stop it with vim.fn.jobstop).
function M.start_fake()
  local fake = M.repo .. '/Tests/Support/fake-openai/fake_openai.py'
  M.check(vim.fn.filereadable(fake) == 1, 'missing ' .. fake)
  local port
  local job = vim.fn.jobstart({ 'python3', fake, '--port', '0', '--exit-on-stdin-eof' }, {
    on_stdout = function(_, data)
      for _, line in ipairs(data) do
        local n = line:match('^PORT (%d+)')
        if n then port = tonumber(n) end
      end
    end,
  })
  M.check(job > 0, 'could not start python3 ' .. fake)
  M.check(vim.wait(M.timeout, function() return port ~= nil end, 20), 'fake_openai.py printed no PORT line')
  return port, job
end

--- The facet binary under test ($FACET_BIN, else the debug build), checked and announced.
function M.facet_bin()
  local bin = vim.env.FACET_BIN
  if bin == nil or bin == '' then
    bin = M.repo .. '/.build/debug/facet'
  end
  M.check(vim.fn.executable(bin) == 1, 'FACET_BIN is not an executable file: ' .. bin)
  M.out('nvim ' .. tostring(vim.version().major) .. '.' .. tostring(vim.version().minor) .. '.' .. tostring(vim.version().patch)
    .. ', facet at ' .. bin)
  return bin
end

--- Records vim.notify calls as a user would see them; returns the list and a finder.
function M.capture_notifications()
  local notes = {}
  vim.notify = function(message, level)
    notes[#notes + 1] = { message = message, level = level }
  end
  local function noted(pattern)
    for _, n in ipairs(notes) do
      if n.message:find(pattern, 1, true) then return n end
    end
    return nil
  end
  return notes, noted
end

--- Loads the shipped Neovim configuration, starts Facet with its own trace,
--- preview cache and index under `tmp` (never the user's), opens `file` and
--- waits for the client to attach. Returns the buffer, its window and the
--- table of attached buffers (bufnr -> client id).
function M.open_with_facet(bin, trace, tmp, file)
  vim.opt.runtimepath:prepend(M.repo .. '/editors/neovim')
  vim.cmd('filetype plugin on')
  local attached = {}
  require('facet').setup({
    cmd = { bin, 'lsp', '--trace-file', trace, '--preview-cache', tmp .. '/previews.sqlite', '--index', tmp .. '/index.sqlite' },
    on_attach = function(client, bufnr)
      attached[bufnr] = client.id
    end,
  })
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local source = vim.api.nvim_get_current_buf()
  local source_win = vim.api.nvim_get_current_win()
  M.check(vim.wait(M.timeout, function() return attached[source] ~= nil end, 20), 'Facet did not attach to ' .. file)
  M.out('ok  Facet attached to ' .. vim.fn.fnamemodify(file, ':t'))
  return source, source_win, attached
end

function M.buffer_text(buf)
  return table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
end

--- Runs `run`, then `cleanup` (if any), and prints PASS or FAIL under `name`. On
--- success the temp folder `tmp` is removed and Neovim quits with 0; on failure
--- the end of the server's `trace` is shown (the temp folder goes away with
--- Neovim) and it quits with 1.
function M.finish(name, run, trace, tmp, cleanup)
  local ok, err = xpcall(run, function(e)
    if getmetatable(e) == M.Failure then
      return e.message
    end
    return debug.traceback(tostring(e), 2)
  end)
  if cleanup then
    cleanup()
  end
  if ok then
    M.out('PASS ' .. name .. ': all checks passed')
    vim.fn.delete(tmp, 'rf')
    vim.cmd('qall!')
  else
    M.out('FAIL ' .. name .. ': ' .. tostring(err))
    if vim.fn.filereadable(trace) == 1 then
      M.out('--- last lines of the server trace (' .. trace .. '):')
      local lines = vim.fn.readfile(trace)
      for i = math.max(1, #lines - 11), #lines do
        M.out('    ' .. lines[i]:sub(1, 300))
      end
    end
    vim.cmd('cquit 1')
  end
end

return M
