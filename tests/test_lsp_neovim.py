"""A real editor on ``isollm lsp``: Neovim (Debian's 0.7) headless, its own LSP client attached
to an ``isollm.yaml``, writing down the diagnostics it then shows (``vim.diagnostic.get``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import _env
from dependencies import program

pytest.importorskip("pygls")

# Neovim 0.7 has vim.lsp.start_client and buf_attach_client (vim.lsp.start came in 0.8).
LUA = """
local out = assert(os.getenv("ISOLLM_NVIM_OUT"))
local client = vim.lsp.start_client({
  name = "isollm",
  cmd = {os.getenv("ISOLLM_PYTHON"), "-m", "isollm", "lsp"},
  root_dir = vim.fn.getcwd(),
})
vim.lsp.buf_attach_client(0, client)
local function shown()
  local lines = {}
  for _, d in ipairs(vim.diagnostic.get(0)) do
    table.insert(lines, string.format("%d:%d:%d:%s:%s", d.lnum, d.col, d.severity, d.source, d.message))
  end
  table.sort(lines)
  return lines
end
vim.wait(30000, function() return #vim.diagnostic.get(0) > 0 end, 20)
local first = shown()
-- An edit in the buffer: the diagnostics follow it.
vim.api.nvim_buf_set_lines(0, 3, 4, false, {"workers: 4"})
vim.wait(30000, function() return #vim.diagnostic.get(0) == 2 end, 20)
local after = shown()
vim.fn.writefile(vim.list_extend(vim.list_extend(first, {"--"}), after), out)
vim.cmd("qa!")
"""


def validate_says(isollm: Any, path: Path) -> list[str]:
    """What ``isollm validate --format json`` reports, as the lines the Lua above writes."""
    (entry,) = json.loads(isollm("validate", "--format", "json", path).stdout)["files"]
    return sorted(f"{p['line'] - 1}:{p['column'] - 1}:{severity}:isollm:{p['message']}"
                  for kind, severity in (("errors", 1), ("warnings", 2)) for p in entry[kind])


@program("nvim")
def test_neovim_shows_the_diagnostics_isollm_validate_reports(isollm: Any, tmp_path: Path) -> None:
    config = tmp_path / "isollm.yaml"
    config.write_text("project: demo\nwokers: 3\nimage: ubuntu\nworkers: 99\n")
    (tmp_path / "attach.lua").write_text(LUA)
    out = tmp_path / "shown.txt"
    env = _env({"ISOLLM_NVIM_OUT": str(out), "ISOLLM_PYTHON": sys.executable, "HOME": str(tmp_path)})
    subprocess.run(["nvim", "--headless", "--clean", "isollm.yaml", "-c", "luafile attach.lua"], cwd=tmp_path,
                   env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=120, check=True)
    first, _, after = out.read_text().partition("--\n")
    assert len(first.splitlines()) == 3  # an error, a warning, another error
    assert first.splitlines() == validate_says(isollm, config)
    config.write_text("project: demo\nwokers: 3\nimage: ubuntu\nworkers: 4\n")  # as the edit left the buffer
    assert after.splitlines() == validate_says(isollm, config)
