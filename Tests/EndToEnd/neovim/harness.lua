-- Shared by the headless Neovim tests (test_*.lua): paths, the timeout, reporting,
-- and the end of a run. Load it with dofile from the test's own folder.
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
