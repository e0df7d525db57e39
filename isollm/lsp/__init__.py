"""``isollm lsp``, the language server (the ``lsp`` extra: pygls); nothing else imports it."""
