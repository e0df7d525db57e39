"""The language server of ``isollm.yaml`` (``isollm lsp``): the server, and the editor features it
serves (completion, hover, quick fixes) read from the config schema."""
