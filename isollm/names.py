"""The names of the project's files, below every module that needs one."""

from __future__ import annotations

from isollm.schema.loader import schema_file_name

CONFIG_FILE_NAME = "isollm.yaml"
STATE_DIR = ".isollm"
# The Go isollm reads isollm.yaml alone. This other spelling is recognised only to
# tell the user to rename it, never read as the project's config.
MISNAMED_CONFIG = "isollm.yml"
# The installed schema's copy that the modeline names, relative to the config's directory
# (kept current by isollm.io.schema_copy).
SCHEMA_COPY = f"{STATE_DIR}/{schema_file_name('config')}"
