"""The names of the project's files, below every module that needs one."""

from __future__ import annotations

from isollm.schema.loader import SCHEMA_FILES

CONFIG_FILE_NAME = "isollm.yaml"
STATE_DIR = ".isollm"
MISNAMED_CONFIG = "isollm.yml"  # never read (the Go isollm reads isollm.yaml alone): only told to rename
# The installed schema's copy the modeline names, relative to the config (kept by isollm.io.schema_copy).
SCHEMA_COPY = f"{STATE_DIR}/{SCHEMA_FILES['config']}"
