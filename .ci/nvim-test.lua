-- .ci/nvim-test.lua: Neovim's built-in LSP client drives dfmt --lsp, as a
-- user's editor would: range formatting, formatting, the hints where
-- refactors apply, a code action and the fix-all action, the error of a
-- broken file. Run by .ci/nvim-test as
--
--   nvim --headless -u NONE -i NONE -n -c 'luafile .ci/nvim-test.lua'
--
-- with $DFMT the dfmt binary, $DFMT_TXTAR the test's files and $DFMT_DIR
-- an empty directory to edit them in. It uses the API of Neovim 0.7
-- (vim.lsp.start_client, buf_request_sync), which later versions keep.
-- It exits 0 when every check passes and 1 at the first that fails.

local dfmt = assert(os.getenv('DFMT'), '$DFMT is not set')
local txtar = assert(os.getenv('DFMT_TXTAR'), '$DFMT_TXTAR is not set')
local dir = assert(os.getenv('DFMT_DIR'), '$DFMT_DIR is not set')
local timeout = 10000 -- ms, for each wait on the server

local function say(...)
  io.stdout:write(string.format(...) .. '\n')
end

local passed, failed = 0, 0
local function check(ok, what, ...)
  if ok then
    passed = passed + 1
    say('ok   %s', what)
  else
    failed = failed + 1
    say('FAIL %s', what)
    for _, detail in ipairs({ ... }) do
      say('     %s', detail)
    end
  end
  return ok
end

-- The files of the txtar archive, by name: each starts after a line
-- "-- name --" and ends before the next such line.
local function read_txtar(path)
  local files, name = {}, nil
  for line in io.lines(path) do
    local n = line:match('^%-%- (.+) %-%-$')
    if n then
      name = n
      files[name] = {}
    elseif name then
      table.insert(files[name], line)
    end
  end
  return files
end

local function write_file(path, lines)
  vim.fn.mkdir(vim.fn.fnamemodify(path, ':h'), 'p')
  local f = assert(io.open(path, 'w'))
  f:write(table.concat(lines, '\n') .. '\n')
  f:close()
end

local function show(lines)
  return vim.inspect(lines)
end

-- same_lines compares a buffer's lines with the expected ones.
local function same_lines(buf, want, what)
  local got = vim.api.nvim_buf_get_lines(buf, 0, -1, true)
  return check(vim.deep_equal(got, want), what, 'got:  ' .. show(got), 'want: ' .. show(want))
end

-- start starts dfmt --lsp for the files in dir. encoding, if given, is
-- offered to the server as the only position encoding; Neovim 0.7 knows
-- only the older offsetEncoding field, so the client takes the server's
-- choice itself.
local function start(encoding)
  local exited = {}
  local capabilities = vim.lsp.protocol.make_client_capabilities()
  if encoding then
    capabilities.general = { positionEncodings = { encoding } }
  end
  local id = vim.lsp.start_client({
    name = 'dfmt',
    cmd = { dfmt, '--lsp' },
    root_dir = dir,
    capabilities = capabilities,
    on_init = function(client, result)
      client.offset_encoding = result.capabilities.positionEncoding or 'utf-16'
    end,
    on_exit = function(code, signal)
      exited.code, exited.signal = code, signal
    end,
  })
  assert(id, 'vim.lsp.start_client failed')
  local client = vim.lsp.get_client_by_id(id)
  assert(vim.wait(timeout, function()
    return client.initialized
  end, 10), 'the server did not initialize')
  return client, exited
end

-- stop shuts the server down and returns its exit status.
local function stop(client, exited)
  client.stop()
  vim.wait(timeout, function()
    return exited.code ~= nil
  end, 10)
  return exited.code
end

-- open edits path in a buffer served by client, and returns the buffer.
local function open(client, path)
  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  local buf = vim.api.nvim_get_current_buf()
  assert(vim.lsp.buf_attach_client(buf, client.id), 'buf_attach_client failed')
  return buf
end

-- request sends a request about buf and returns its result.
local function request(client, buf, method, params)
  local res, err = vim.lsp.buf_request_sync(buf, method, params, timeout)
  assert(res, method .. ': ' .. tostring(err))
  local r = assert(res[client.id], method .. ': no response from dfmt')
  assert(not r.error, method .. ': ' .. vim.inspect(r.error))
  return r.result
end

local function uri(buf)
  return vim.uri_from_bufnr(buf)
end

-- diagnostics waits for buf's diagnostics and returns them.
local function diagnostics(buf)
  vim.wait(timeout, function()
    return #vim.diagnostic.get(buf) > 0
  end, 10)
  return vim.diagnostic.get(buf)
end

-- hint_codes waits until buf has n hints and returns their codes, sorted
-- and joined.
local function hint_codes(buf, n)
  local hints = {}
  vim.wait(timeout, function()
    hints = vim.diagnostic.get(buf, { severity = vim.diagnostic.severity.HINT })
    return #hints == n
  end, 10)
  local codes = {}
  for _, d in ipairs(hints) do
    table.insert(codes, tostring(d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)))
  end
  table.sort(codes)
  return table.concat(codes, ' ')
end

-- code_actions asks for the code actions at the start of line (0-based)
-- of kinds only (nil for all).
local function code_actions(client, buf, line, only)
  local pos = { line = line, character = 0 }
  return request(client, buf, 'textDocument/codeAction', {
    textDocument = { uri = uri(buf) },
    range = { start = pos, ['end'] = pos },
    context = { diagnostics = {}, only = only },
  }) or {}
end

local function run()
  local files = read_txtar(txtar)
  for _, name in ipairs({ '.editorconfig', 'Dockerfile', 'broken/Dockerfile' }) do
    write_file(dir .. '/' .. name, files[name])
  end
  say('nvim %s, dfmt at %s', tostring(vim.version().major) .. '.' .. vim.version().minor .. '.' .. vim.version().patch, dfmt)

  -- UTF-16 positions, as every client takes.
  local client, exited = start(nil)
  check(client.offset_encoding == 'utf-16', 'a client that offers nothing gets utf-16', client.offset_encoding)
  local buf = open(client, dir .. '/Dockerfile')

  -- A mark after the whale on a line that formatting leaves alone, and
  -- the cursor there too.
  local ns = vim.api.nvim_create_namespace('dfmt-test')
  local okline = 2 -- 0-based: LABEL ok="🐳 stays"
  local col = #'LABEL ok="🐳'
  local mark = vim.api.nvim_buf_set_extmark(buf, ns, okline, col, {})
  vim.api.nvim_win_set_cursor(0, { okline + 1, col })

  -- Range formatting of the RUN instruction, from a point on its
  -- second line.
  local edits = request(client, buf, 'textDocument/rangeFormatting', {
    textDocument = { uri = uri(buf) },
    range = { start = { line = 4, character = 3 }, ['end'] = { line = 4, character = 3 } },
    options = { tabSize = 8, insertSpaces = true },
  })
  vim.lsp.util.apply_text_edits(edits, buf, client.offset_encoding)
  same_lines(buf, files['range'], 'range formatting formats the RUN only, indented as .editorconfig says')

  -- Formatting the whole buffer, as format on save does.
  edits = request(client, buf, 'textDocument/formatting', vim.lsp.util.make_formatting_params({ tabSize = 8 }))
  check(#edits == 2, 'formatting sends an edit per run of changed lines (FROM and LABEL, the comment)', vim.inspect(edits))
  vim.lsp.util.apply_text_edits(edits, buf, client.offset_encoding)
  same_lines(buf, files['formatted'], 'formatting gives the formatted file')
  local pos = vim.api.nvim_buf_get_extmark_by_id(buf, ns, mark, {})
  check(pos[1] == okline and pos[2] == col, 'a mark on a line that did not change stays', vim.inspect(pos))
  local cursor = vim.api.nvim_win_get_cursor(0)
  check(cursor[1] == okline + 1 and cursor[2] == col, 'the cursor stays', vim.inspect(cursor))

  edits = request(client, buf, 'textDocument/formatting', vim.lsp.util.make_formatting_params())
  check(#edits == 0, 'a formatted buffer gets no edits', vim.inspect(edits))

  -- A hint where each refactor applies: the RUNs, the ENV, the
  -- MAINTAINER.
  local hints = hint_codes(buf, 3)
  check(hints == 'key-value maintainer merge-runs', 'a hint where each refactor applies', hints)

  -- The code action on the second RUN merges the two.
  local actions = code_actions(client, buf, 5, { 'refactor.rewrite' })
  local a = actions[1] or {}
  check(#actions == 1 and a.title == 'Merge with the next RUN' and a.kind == 'refactor.rewrite',
    'the action on the second RUN merges it with the first', vim.inspect(actions))
  vim.lsp.util.apply_workspace_edit(a.edit, client.offset_encoding)
  same_lines(buf, files['merged'], 'the action merges the RUNs and formats them')
  hints = hint_codes(buf, 2)
  check(hints == 'key-value maintainer', 'the hint on the RUNs is gone', hints)

  -- The fix-all action, as editor.codeActionsOnSave asks for it.
  actions = code_actions(client, buf, 0, { 'source.fixAll' })
  a = actions[1] or {}
  check(#actions == 1 and a.kind == 'source.fixAll.dfmt', 'a fix-all action', vim.inspect(actions))
  vim.lsp.util.apply_workspace_edit(a.edit, client.offset_encoding)
  same_lines(buf, files['fixed'], 'the fix-all action applies every refactor')
  hints = hint_codes(buf, 0)
  check(hints == '', 'no hint is left', hints)
  actions = code_actions(client, buf, 0, nil)
  check(#actions == 0, 'no action is left', vim.inspect(actions))

  -- A file that does not parse: one error over its LABEL, whose end is
  -- the end of the line in bytes (10) though the server said 8 UTF-16
  -- units.
  local broken = open(client, dir .. '/broken/Dockerfile')
  local diags = diagnostics(broken)
  local d = diags[1] or {}
  check(#diags == 1 and d.severity == vim.diagnostic.severity.ERROR and d.lnum == 1 and d.col == 0
    and d.end_lnum == 1 and d.end_col == #'LABEL 🐳🐳' and d.source == 'dfmt'
    and d.message == 'label must have two arguments',
    'the broken file has an error over its LABEL', vim.inspect(diags))
  edits = request(client, broken, 'textDocument/formatting', vim.lsp.util.make_formatting_params())
  check(#edits == 0, 'the broken file gets no edits', vim.inspect(edits))

  local status = stop(client, exited)
  check(status == 0, 'the server exits 0 after shutdown', tostring(status))
  vim.cmd('silent bwipeout! ' .. buf .. ' ' .. broken)

  -- UTF-8 positions, which the client offers.
  client, exited = start('utf-8')
  check(client.offset_encoding == 'utf-8', 'a client that offers utf-8 gets it', client.offset_encoding)
  broken = open(client, dir .. '/broken/Dockerfile')
  diags = diagnostics(broken)
  d = diags[1] or {}
  check(#diags == 1 and d.end_col == #'LABEL 🐳🐳', 'in UTF-8 the error ends at the end of the line', vim.inspect(diags))
  status = stop(client, exited)
  check(status == 0, 'the server exits 0 after shutdown', tostring(status))
end

local ok, err = xpcall(run, debug.traceback)
if not ok then
  failed = failed + 1
  say('FAIL %s', err)
end
say('%d passed, %d failed', passed, failed)
if failed > 0 then
  vim.cmd('cquit 1')
end
vim.cmd('qall!')
