"""``isollm lsp``: the language server, when the ``lsp`` extra (pygls) is installed."""

from __future__ import annotations

from isollm.errors import IsollmError

def run() -> int:
    """Serve the Language Server Protocol on stdin and stdout until the editor says exit."""
    try:
        import pygls  # noqa: F401  (which brings lsprotocol, its dependency)
    except ImportError:
        raise IsollmError("isollm lsp needs the lsp extra: pip install 'isollm-toolkit[lsp]'") from None
    from isollm.lsp.server import serve

    return serve()
