-- Facet language server for Neovim 0.7 and later.
--
--   require('facet').setup({
--     cmd = { 'facet', 'lsp' },                    -- how to start the server
--     settings = { rules = { ['vague-quantifier'] = 'off' } },
--     on_attach = function(client, bufnr) end,
--     filetypes = { 'facet' },                     -- buffers of these filetypes get Facet
--     patterns = { '*.instructions.md' },          -- more files to give filetype "facet"
--   })
--
--   :FacetPreview[!] [N] [endpoint=NAME]        -- run the "▶ Preview" of the current buffer
--   :FacetPreviewCancel                          -- (lua/facet/preview.lua)
--   :FacetEvaluate[!] [N] [endpoint=NAME] [compare=A,B] [judge=NAME]   -- the "★ Evaluate"
--   :FacetEvaluateCancel
--
-- On Neovim 0.8+ clients are started with vim.lsp.start; on 0.7 with
-- vim.lsp.start_client + vim.lsp.buf_attach_client. Either way there is one
-- client per root directory (nearest .facet.toml or .git, else the file's folder).

local M = {}

--- Files Facet treats as system messages (globs, as in autocommands).
M.default_patterns = { '*.system.md', '*.sysmsg', '*.prompt.md', '*.system.txt' }

local defaults = {
  name = 'facet',
  cmd = { 'facet', 'lsp' },
  settings = {},
  filetypes = { 'facet' },
  patterns = {},
  root_markers = { '.facet.toml', '.git' },
  autostart = true,
  -- on_attach, on_init, capabilities, handlers, commands, cmd_env: passed through to the client.
}

M.config = nil
local clients = {} -- root_dir -> client id (Neovim 0.7 path)

local uv = vim.uv or vim.loop

local function has(feature)
  return vim.fn.has(feature) == 1
end

local function is_empty(t)
  return type(t) ~= 'table' or next(t) == nil
end

--- Converts an autocommand-style glob (`*` and `?`) to an anchored-by-caller Lua pattern.
local function glob_to_lua(glob)
  local escaped = glob:gsub('[%^%$%(%)%%%.%[%]%+%-]', '%%%0')
  return (escaped:gsub('%*', '.*'):gsub('%?', '.'))
end

--- Gives the files matching `patterns` (globs) the filetype "facet".
function M.add_patterns(patterns)
  if is_empty(patterns) then
    return
  end
  if has('nvim-0.8') then
    local map = {}
    for _, glob in ipairs(patterns) do
      -- Without '/', match the file name in any folder.
      local pattern = glob_to_lua(glob)
      if not glob:find('/', 1, true) then
        pattern = '.*/' .. pattern
      end
      map[pattern] = 'facet'
      map[glob_to_lua(glob)] = 'facet' -- buffers named without a folder
    end
    vim.filetype.add({ pattern = map })
  else
    local group = vim.api.nvim_create_augroup('facet_filetype', { clear = false })
    vim.api.nvim_create_autocmd({ 'BufNewFile', 'BufRead' }, {
      group = group,
      pattern = patterns,
      command = "if &filetype !=# 'facet' | set filetype=facet | endif",
    })
  end
end

local function dirname(path)
  return vim.fn.fnamemodify(path, ':h')
end

--- The nearest folder at or above the buffer's file holding one of `markers`;
--- else the file's folder (or the working directory for a buffer without a file).
function M.root_dir(bufnr, markers)
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == '' or name:match('^%a[%w+.-]*://') then
    return uv.cwd()
  end
  local start = dirname(vim.fn.fnamemodify(name, ':p'))
  local dir = start
  while true do
    for _, marker in ipairs(markers or {}) do
      if uv.fs_stat(dir .. '/' .. marker) then
        return dir
      end
    end
    local parent = dirname(dir)
    if parent == dir then
      return start
    end
    dir = parent
  end
end

local function preview()
  return require('facet.preview')
end

--- The client configuration for a root directory.
local function client_config(config, root)
  local c = {
    name = config.name,
    cmd = vim.deepcopy(config.cmd),
    cmd_env = config.cmd_env,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
    -- window.showDocument lets the server open a preview's file as soon as it starts.
    capabilities = preview().capabilities(config.capabilities),
    handlers = vim.tbl_extend('keep', config.handlers or {}, { ['window/showDocument'] = preview().show_document }),
    -- The "▶ Preview" and "★ Evaluate" code lenses run through the commands' code (vim.lsp.codelens.run).
    commands = vim.tbl_extend('keep', config.commands or {}, {
      ['facet.preview'] = preview().lens_command,
      ['facet.evaluate'] = preview().evaluate_lens_command,
    }),
    on_init = config.on_init,
    on_attach = config.on_attach,
    flags = config.flags,
  }
  -- Sent as initializationOptions and as the answer to workspace/configuration
  -- for section "facet". (An empty table would be sent as [], so leave it out.)
  if not is_empty(config.settings) then
    c.init_options = vim.deepcopy(config.settings)
    c.settings = { facet = vim.deepcopy(config.settings) }
  end
  return c
end

--- Starts Facet for a buffer (or reuses the client of its root). Returns the client id.
function M.attach(bufnr)
  local config = M.config
  if not config then
    error('facet: call require("facet").setup() first')
  end
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if vim.bo[bufnr].buftype ~= '' then
    return nil
  end
  local root = M.root_dir(bufnr, config.root_markers)

  if vim.lsp.start then
    local id
    vim.api.nvim_buf_call(bufnr, function()
      id = vim.lsp.start(client_config(config, root))
    end)
    return id
  end

  -- Neovim 0.7.
  local id = clients[root]
  local client = id and vim.lsp.get_client_by_id(id)
  if not client or client.is_stopped() then
    id = vim.lsp.start_client(client_config(config, root))
    if not id then
      vim.notify('facet: could not start ' .. table.concat(config.cmd, ' '), vim.log.levels.ERROR)
      return nil
    end
    clients[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

--- Runs facet.preview for a buffer: see lua/facet/preview.lua for `opts`
--- (`bufnr`, `case`, `force`, `endpoint`, `on_done`). Returns the request id.
function M.preview(opts)
  return preview().preview(opts)
end

--- Cancels the running preview of a buffer (default: the current one).
function M.preview_cancel(bufnr)
  return preview().cancel(bufnr)
end

--- Runs facet.evaluate for a buffer: the options of `preview`, and `compare`
--- (a list of endpoint profiles) and `judge` (a profile). Returns the request id.
function M.evaluate(opts)
  return preview().evaluate(opts)
end

--- Cancels the running evaluation of a buffer (default: the current one).
function M.evaluate_cancel(bufnr)
  return preview().evaluate_cancel(bufnr)
end

--- Configures Facet and starts it for buffers of `filetypes` (now and later).
function M.setup(opts)
  opts = opts or {}
  for key, kind in pairs({ cmd = 'table', settings = 'table', on_attach = 'function', filetypes = 'table',
                           patterns = 'table', root_markers = 'table' }) do
    if opts[key] ~= nil and type(opts[key]) ~= kind then
      error(('facet.setup: %s must be a %s, not a %s'):format(key, kind, type(opts[key])), 2)
    end
  end
  local config = vim.tbl_extend('force', vim.deepcopy(defaults), opts)
  M.config = config

  -- The default patterns normally come from ftdetect/facet.lua; adding them
  -- again is harmless and covers set-ups that skip ftdetect (e.g. `nvim -u NONE`).
  M.add_patterns(M.default_patterns)
  M.add_patterns(config.patterns)

  vim.api.nvim_create_user_command('FacetPreview', function(args)
    preview().command(args.args, args.bang)
  end, { nargs = '*', bang = true, desc = 'Facet: preview the buffer\'s cases ([N] [force] [endpoint=NAME])' })
  vim.api.nvim_create_user_command('FacetPreviewCancel', function()
    preview().cancel(0)
  end, { nargs = 0, desc = 'Facet: stop the running preview of the buffer' })
  vim.api.nvim_create_user_command('FacetEvaluate', function(args)
    preview().evaluate_command(args.args, args.bang)
  end, { nargs = '*', bang = true,
         desc = 'Facet: score the answers to the buffer\'s cases ([N] [force] [endpoint=NAME] [compare=A,B] [judge=NAME])' })
  vim.api.nvim_create_user_command('FacetEvaluateCancel', function()
    preview().evaluate_cancel(0)
  end, { nargs = 0, desc = 'Facet: stop the running evaluation of the buffer' })

  local group = vim.api.nvim_create_augroup('facet_lsp', { clear = true })
  if not config.autostart then
    return
  end
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = config.filetypes,
    callback = function(args)
      M.attach(args.buf)
    end,
  })
  -- Buffers that already have a matching filetype.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(config.filetypes, vim.bo[bufnr].filetype) then
      M.attach(bufnr)
    end
  end
end

return M
