-- Previews and evaluations for Neovim 0.7 and later: run `facet.preview` or
-- `facet.evaluate` for a buffer and show the Markdown file the server writes.
--
--   require('facet').preview()                          -- every case of the current buffer
--   require('facet').preview({ case = 2, force = true, endpoint = 'local', bufnr = 0 })
--   require('facet').preview_cancel()                   -- stop the current buffer's preview
--   require('facet').evaluate({ compare = { 'small', 'strong' }, judge = 'judge' })
--   require('facet').evaluate_cancel()
--
-- `:FacetPreview[!] [N] [endpoint=NAME]`, `:FacetPreviewCancel`,
-- `:FacetEvaluate[!] [N] [endpoint=NAME] [compare=A,B] [judge=NAME]` and
-- `:FacetEvaluateCancel` call these (defined by require('facet').setup).
--
-- The server tells the editor where the file is with window/showDocument as
-- soon as the run starts (setup advertises support for it on Facet's client and
-- handles it here); the file is opened in a split without moving the cursor and
-- reloaded every `interval` ms until the answer comes, then once more. The
-- answer names the file too, so it is opened then at the latest.

local M = {}

--- Milliseconds between reloads of the report buffer while a preview or an evaluation runs.
M.interval = 200
--- How the preview file is opened when no window shows it yet (an Ex command taking a file name).
M.open_cmd = 'split'
--- The answer of the last finished preview (`{ file, cases = { { name, status, cached, error? } } }`), or nil.
M.last = nil
--- The answer of the last finished evaluation (`{ file, cancelled, requests, endpoints = { { endpoint, mean } },
--- notFollowed = { message } }`), or nil.
M.last_evaluation = nil

local uv = vim.uv or vim.loop
local running = {} -- 'preview:<bufnr>' or 'evaluate:<bufnr>' -> { client_id, request_id, token }
local serial = 0
local watched = {} -- client id -> { [report file] = true }: files reloaded while that client runs something
local timers = {} -- client id -> uv timer

local function notify(message, level, kind)
  vim.notify((kind and 'Facet ' .. kind.label or 'Facet') .. ': ' .. message, level or vim.log.levels.INFO)
end

-- Neovim 0.11 made a client's request and notify methods (client:request); the
-- 0.7-0.10 dot calls warn there and go away in 0.13.
local method_calls = vim.fn.has('nvim-0.11') == 1
local function call(client, name, ...)
  if method_calls then
    return client[name](client, ...)
  end
  return client[name](...)
end

local function buffer(bufnr)
  return (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
end

local function client_name()
  local facet = package.loaded['facet']
  return (facet and facet.config and facet.config.name) or 'facet'
end

--- Facet's client attached to `bufnr`, or nil.
function M.client(bufnr)
  local all = (vim.lsp.get_clients or vim.lsp.get_active_clients)()
  for _, client in pairs(all) do
    if client.name == client_name() and vim.lsp.buf_is_attached(bufnr, client.id) then
      return client
    end
  end
  return nil
end

local function window_showing(buf)
  for _, win in ipairs(vim.api.nvim_tabpage_list_wins(0)) do
    if vim.api.nvim_win_get_buf(win) == buf then
      return win
    end
  end
  return nil
end

--- Shows `file` (opening it with `M.open_cmd` unless a window of this tab shows it)
--- with 'autoread' on; returns its buffer. Keeps the cursor where it is unless `focus`.
function M.show(file, focus)
  local buf = vim.fn.bufnr(file)
  local win = buf > 0 and window_showing(buf)
  if not win then
    local from = vim.api.nvim_get_current_win()
    vim.cmd(M.open_cmd .. ' ' .. vim.fn.fnameescape(file))
    buf = vim.api.nvim_get_current_buf()
    win = vim.api.nvim_get_current_win()
    if not focus and vim.api.nvim_win_is_valid(from) then
      vim.api.nvim_set_current_win(from)
    end
  elseif focus then
    vim.api.nvim_set_current_win(win)
  end
  vim.bo[buf].autoread = true
  return buf
end

--- Reloads the preview buffer of `file` if the file changed and the buffer has no edits of its own.
function M.reload(file)
  local buf = vim.fn.bufnr(file)
  if buf > 0 and vim.api.nvim_buf_is_loaded(buf) and not vim.bo[buf].modified then
    pcall(vim.cmd, 'silent! checktime ' .. buf)
  end
end

local function previews_running(client_id)
  for _, run in pairs(running) do
    if run.client_id == client_id then
      return true
    end
  end
  return false
end

local function reload_watched(client_id)
  for file in pairs(watched[client_id] or {}) do
    M.reload(file)
  end
end

local function stop_timer(client_id)
  if timers[client_id] and not previews_running(client_id) then
    timers[client_id]:stop()
    timers[client_id]:close()
    timers[client_id] = nil
  end
end

local function start_timer(client_id)
  if timers[client_id] then
    return
  end
  local timer = uv.new_timer()
  timers[client_id] = timer
  timer:start(M.interval, M.interval, vim.schedule_wrap(function()
    if timers[client_id] == timer then
      reload_watched(client_id)
    end
  end))
end

local function watch(client_id, file)
  watched[client_id] = watched[client_id] or {}
  watched[client_id][file] = true
end

--- Handler for window/showDocument (installed on Facet's client by setup): opens the
--- file, and reloads it while this client has a preview or an evaluation running.
function M.show_document(_, params, ctx)
  local ok, err = pcall(function()
    local file = vim.uri_to_fname(params.uri)
    M.show(file, params.takeFocus == true)
    watch(ctx.client_id, file)
    if previews_running(ctx.client_id) then
      start_timer(ctx.client_id)
    end
  end)
  if not ok then
    notify('cannot show ' .. tostring(params and params.uri) .. ': ' .. tostring(err), vim.log.levels.WARN)
  end
  return { success = ok }
end

local function preview_summary(result)
  local done, cached, failed, cancelled, errors = 0, 0, 0, 0, {}
  for _, case in ipairs(result.cases or {}) do
    if case.status == 'done' then done = done + 1 end
    if case.cached then cached = cached + 1 end
    if case.status == 'failed' then failed = failed + 1 end
    if case.status == 'cancelled' then cancelled = cancelled + 1 end
    if case.error and case.error ~= 'cancelled' and #errors == 0 then
      errors[1] = case.name .. ': ' .. case.error
    end
  end
  local text = ('%d of %d answered'):format(done, #(result.cases or {}))
  if cached > 0 then text = text .. (' (%d from the cache)'):format(cached) end
  if cancelled > 0 then text = 'cancelled; ' .. text end
  if errors[1] then text = text .. '; ' .. errors[1] end
  return text, (failed > 0 and vim.log.levels.WARN or vim.log.levels.INFO)
end

local function evaluation_summary(result)
  local means = {}
  for _, score in ipairs(result.endpoints or {}) do
    -- A mean is null (vim.NIL) when no answer of that endpoint was judged.
    local mean = type(score.mean) == 'number' and ('%.2f'):format(score.mean) or '–'
    means[#means + 1] = score.endpoint .. ' ' .. mean
  end
  local text = table.concat(means, ', ')
  local missed = #(result.notFollowed or {})
  if missed > 0 then text = text .. ('; %d not followed'):format(missed) end
  if result.cancelled == true then text = 'cancelled; ' .. text end
  return text, (missed > 0 and vim.log.levels.WARN or vim.log.levels.INFO)
end

-- What differs between the two commands: `keys` are the options besides case and
-- force, `last` the field of M that keeps the last answer.
local kinds = {
  preview = {
    name = 'preview', command = 'facet.preview', label = 'preview', last = 'last',
    keys = { 'endpoint' }, usage = '[N] [force] [endpoint=NAME]', summary = preview_summary,
  },
  evaluate = {
    name = 'evaluate', command = 'facet.evaluate', label = 'evaluation', last = 'last_evaluation',
    keys = { 'endpoint', 'compare', 'judge' }, usage = '[N] [force] [endpoint=NAME] [compare=A,B] [judge=NAME]',
    summary = evaluation_summary,
  },
}

--- The command's options object from `opts` (nil when there is none).
local function command_options(kind, opts)
  local options = {}
  if opts.case then options.case = tonumber(opts.case) end
  if opts.force then options.force = true end
  for _, key in ipairs(kind.keys) do
    options[key] = opts[key]
  end
  return next(options) ~= nil and options or nil
end

--- Sends the `kind` command for a buffer and shows its file; see M.preview and M.evaluate.
local function start(kind, opts)
  opts = opts or {}
  local bufnr = buffer(opts.bufnr)
  local client = M.client(bufnr)
  if not client then
    notify('Facet is not running for this buffer', vim.log.levels.ERROR, kind)
    return nil
  end
  local arguments = { vim.uri_from_bufnr(bufnr), command_options(kind, opts) }
  -- Our own progress token: the server reports progress on it, and cancelling it
  -- (window/workDoneProgress/cancel) stops the run and still gets its answer.
  serial = serial + 1
  local token = ('facet-%s-nvim-%d-%d'):format(kind.name, vim.fn.getpid(), serial)
  local key = kind.name .. ':' .. bufnr

  local ok, request_id
  ok, request_id = call(client, 'request', 'workspace/executeCommand',
    { command = kind.command, arguments = arguments, workDoneToken = token },
    function(err, result, ctx)
      -- A newer run of this buffer replaced this one: the server answers it as cancelled.
      local current = running[key] and running[key].request_id == request_id
      if current then
        running[key] = nil
      end
      stop_timer(ctx.client_id)
      reload_watched(ctx.client_id) -- the file's last version (also after a cancel or a failure)
      if err then
        if err.code == -32800 then
          notify('cancelled', nil, kind)
        else
          notify(err.message or vim.inspect(err), vim.log.levels.ERROR, kind)
        end
      elseif current and type(result) == 'table' and result.file then
        watch(ctx.client_id, result.file)
        M.show(result.file, false)
        M.reload(result.file)
        M[kind.last] = result
        local text, level = kind.summary(result)
        notify(text, level, kind)
      end
      if opts.on_done then
        opts.on_done(err, result)
      end
    end, bufnr)
  if not ok then
    notify('could not send the request (has the server stopped?)', vim.log.levels.ERROR, kind)
    return nil
  end
  running[key] = { client_id = client.id, request_id = request_id, token = token }
  if next(watched[client.id] or {}) ~= nil then
    start_timer(client.id)
  end
  return request_id
end

--- Runs facet.preview for a buffer. `opts`: `bufnr` (default: current), `case` (1-based),
--- `force` (send again even when cached), `endpoint` (a profile name), `on_done`
--- (called with err, result once the server answers). Returns the request id, or nil.
function M.preview(opts)
  return start(kinds.preview, opts)
end

--- Runs facet.evaluate for a buffer: the options of M.preview, and `compare` (a list of
--- profile names to run side by side) and `judge` (the profile that scores the answers).
function M.evaluate(opts)
  return start(kinds.evaluate, opts)
end

local function cancel(kind, bufnr)
  local run = running[kind.name .. ':' .. buffer(bufnr)]
  local client = run and vim.lsp.get_client_by_id(run.client_id)
  if not client then
    notify(('no %s is running for this buffer'):format(kind.label), vim.log.levels.WARN, kind)
    return false
  end
  call(client, 'notify', 'window/workDoneProgress/cancel', { token = run.token })
  return true
end

--- Cancels the preview running for a buffer (window/workDoneProgress/cancel on its token;
--- the server then answers the request with the cases cancelled). Returns true if there was one.
function M.cancel(bufnr)
  return cancel(kinds.preview, bufnr)
end

--- Cancels the evaluation running for a buffer (the server answers it with `cancelled` true).
function M.evaluate_cancel(bufnr)
  return cancel(kinds.evaluate, bufnr)
end

--- Whether a preview (or, with `kind` 'evaluate', an evaluation) is running for the buffer.
function M.is_running(bufnr, kind)
  return running[(kind or 'preview') .. ':' .. buffer(bufnr)] ~= nil
end

--- Reads `[N] [force] [KEY=VALUE]...` (the keys of `kind`) into options, or nil after an error.
local function parse(kind, args, bang)
  local opts = { force = bang or nil }
  for _, word in ipairs(vim.split(args or '', '%s+', { trimempty = true })) do
    local key, value = word:match('^(%a+)=(.+)$')
    if word:match('^%d+$') then
      opts.case = tonumber(word)
    elseif word == 'force' or word == '!' then
      opts.force = true
    elseif key and vim.tbl_contains(kind.keys, key) then
      opts[key] = key == 'compare' and vim.split(value, ',', { plain = true, trimempty = true }) or value
    else
      notify(('unknown argument %q; use %s'):format(word, kind.usage), vim.log.levels.ERROR, kind)
      return nil
    end
  end
  return opts
end

--- `:FacetPreview[!] [N] [force] [endpoint=NAME]` (`!` is the same as force).
function M.command(args, bang)
  local opts = parse(kinds.preview, args, bang)
  return opts and M.preview(opts)
end

--- `:FacetEvaluate[!] [N] [force] [endpoint=NAME] [compare=A,B] [judge=NAME]`.
function M.evaluate_command(args, bang)
  local opts = parse(kinds.evaluate, args, bang)
  return opts and M.evaluate(opts)
end

--- A client-side handler of the `kind` command, for code lenses (vim.lsp.codelens.run):
--- the lens's arguments are the URI and optionally the options object.
local function lens_handler(kind)
  return function(command, ctx)
    local arguments = command.arguments or {}
    local opts = vim.deepcopy(type(arguments[2]) == 'table' and arguments[2] or {})
    opts.bufnr = ctx and ctx.bufnr
    if type(arguments[1]) == 'string' then
      opts.bufnr = vim.uri_to_bufnr(arguments[1])
    end
    return start(kind, opts)
  end
end

--- For the "▶ Preview" lenses: the arguments are the URI and { case, force, endpoint }.
M.lens_command = lens_handler(kinds.preview)
--- For the "★ Evaluate" lens: the argument is the URI.
M.evaluate_lens_command = lens_handler(kinds.evaluate)

--- The capability window.showDocument.support added to `capabilities` (a new table).
function M.capabilities(capabilities)
  local base = capabilities or vim.lsp.protocol.make_client_capabilities()
  return vim.tbl_deep_extend('force', base, { window = { showDocument = { support = true } } })
end

return M
