-- Neovim's own LSP client attached to `samcheck server`: opens a template, waits for the
-- diagnostics Neovim received, writes them as JSON to $SAMCHECK_NVIM_OUT and quits.
local python = os.getenv("SAMCHECK_PYTHON")
local template = os.getenv("SAMCHECK_NVIM_FILE")
local out = os.getenv("SAMCHECK_NVIM_OUT")

vim.cmd("edit " .. vim.fn.fnameescape(template))
local client = vim.lsp.start_client({
  name = "samcheck",
  cmd = { python, "-m", "samcheck", "server" },
  root_dir = vim.fn.fnamemodify(template, ":h"),
})
vim.lsp.buf_attach_client(0, client)
local received = vim.wait(60000, function()
  return #vim.diagnostic.get(0) > 0
end, 50)

local items = {}
for _, d in ipairs(vim.diagnostic.get(0)) do
  local lsp = d.user_data and d.user_data.lsp or {}
  table.insert(items, {
    code = d.code or lsp.code,
    lnum = d.lnum,
    col = d.col,
    severity = d.severity,
    source = d.source,
    message = d.message,
    related = lsp.relatedInformation and #lsp.relatedInformation or 0,
  })
end
local file = io.open(out, "w")
file:write(vim.fn.json_encode({ received = received, diagnostics = items }))
file:close()
vim.lsp.stop_client(client)
vim.cmd("qall!")
