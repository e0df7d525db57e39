"""Every ``isollm`` command, described once.

The command line is read from this table by ``isollm.cli.grammar`` (the
console entry, its fast path and the ``isollm-validate`` hook all go through
it), and ``--help`` is rendered by Fire from classes ``isollm.cli.front``
builds from it. So the words, the flags, their defaults and allowed values and
the help text of a command are written here and nowhere else.

To add a command: add a ``Command`` to ``COMMANDS`` naming its words, the
function in ``isollm.cli.commands`` that runs it and its parameters, then
write that function (it returns the exit status). Parameters reach it as the
text the user typed (a bool flag as a bool; a variadic one as a list).

This module is imported on every run, the pre-commit hook's included: it
imports only the names of the schemas (which every command but ``--version``
loads anyway).
"""

from __future__ import annotations

from isollm.schema.loader import SCHEMA_NAMES

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

# Kinds of parameter, as a user writes them:
POSITIONAL = "positional"  # NAME, or --name NAME; optional, with a default
REQUIRED = "required"      # NAME, which must be given (before the optional positionals); never a flag
VARIADIC = "variadic"      # any number of NAMEs (after the other positionals); never a flag
VALUE = "value"            # --name VALUE, --name=VALUE or -n VALUE
FLAG = "flag"              # --name (true) or absent (false); takes no value


class Param:
    """One parameter of a command."""

    __slots__ = ("name", "kind", "default", "choices", "help", "dest")

    def __init__(self, name: str, kind: str, help: str, *, default: str | bool | None = None,  # noqa: A002
                 choices: Sequence[str] = (), dest: str = "") -> None:
        self.name = name
        self.kind = kind
        self.help = help
        self.default: str | bool | None = False if kind == FLAG else default
        self.choices = tuple(choices)
        self.dest = dest or name  # the keyword of the command function that receives it

    @property
    def flag(self) -> str:
        return f"--{self.name}"


class Command:
    """A command: the words that name it, the function that runs it, its parameters and help.

    ``help`` is the ``--help`` text: a one-line summary, a blank line, then the
    description. Each parameter's help is added under Fire's ``Args:``.
    """

    __slots__ = ("words", "module", "function", "params", "help")

    def __init__(self, words: str, target: str, help: str, *params: Param) -> None:  # noqa: A002
        self.words = tuple(words.split())
        module, _, function = target.partition(":")
        self.module = f"isollm.cli.commands.{module}"
        self.function = function or "run"
        self.params = params
        self.help = help

    @property
    def name(self) -> str:
        return " ".join(self.words)


PROGRAM_HELP = """isollm: set up, validate and inspect an isollm project (isollm.yaml and .isollm/).

Exit status: 0 success (warnings allowed), 1 invalid input or a failed operation,
2 usage error. Run `isollm COMMAND --help` for the flags of a command and
`isollm --version` for the version. The commands {orchestrator}
belong to the isollm orchestrator, the Go program of the same name."""

VERSION_FLAG = "--version"

# Commands of the isollm orchestrator (the Go program this toolkit serves); asked of this
# isollm, they get a message saying where they belong instead of "unknown command".
ORCHESTRATOR_COMMANDS = ("up", "down", "status", "task", "worker", "sync")

# The groups of commands (``isollm config ...``) and their help.
GROUPS = {
    "config": "Show, query, change or edit the project's isollm.yaml.",
    "state": "Inspect the runtime state in .isollm/ (session and workers).",
}

COMMANDS = (
    Command(
        "init", "init",
        """Create isollm.yaml, the .isollm/ state directory and its .gitignore entry here.

        Refuses to overwrite an existing isollm.yaml. On a terminal, asks for the values
        not given as flags. An invalid value is refused with its message and nothing is written.""",
        # {placeholders} are filled from the schema when the help is shown (isollm.cli.front).
        Param("name", VALUE, "Project name (default: this directory's name). {name_rule}"),
        Param("workers", VALUE, "How many agent containers run in parallel, {workers_min}-{workers_max} "
                                "(default {workers_default})."),
        Param("image", VALUE, "Container image (default {image_default})."),
    ),
    Command(
        "validate", "validate",
        """Validate config files (default: the project's isollm.yaml); exit 0 valid, 1 invalid.

        Prints PATH: valid for each valid file (the pre-commit hook, isollm-validate,
        is this command without those lines). Write -- before paths that start with '-'.""",
        Param("paths", VARIADIC, "Files to check; a directory means its isollm.yaml, - standard input "
                                 "(named <stdin> in diagnostics)."),
        Param("format", VALUE, "text (PATH:LINE:COL: error: MESSAGE on stderr), json or github "
                               "(workflow annotations).",
              default="text", choices=("text", "json", "github"), dest="output_format"),
    ),
    Command(
        "config show", "config_show",
        """Print the resolved config, defaults filled in; problems go to stderr.

        Prints even an invalid config (exit 0); exits 1 only when the file cannot be read.""",
        Param("path", POSITIONAL, "The config to show: a file, a directory (its isollm.yaml) or - "
                                  "(standard input). Default: the project's isollm.yaml."),
        Param("format", VALUE, "yaml (headed with the file's path) or json.",
              default="yaml", choices=("yaml", "json"), dest="output_format"),
    ),
    Command(
        "config get", "config_value:get_value",
        """Print one value of the resolved config (defaults count); a section prints as YAML.

        An optional key that is not set prints nothing. Problems of the file go to stderr;
        an unknown key is refused with a suggestion (exit 1).""",
        Param("key", REQUIRED, "Dotted key, e.g. workers or git.base_branch."),
        Param("directory", POSITIONAL, "The config to read instead of the project's: a file, a directory (its "
                                       "isollm.yaml) or - (standard input)."),
    ),
    Command(
        "config set", "config_value:set_value",
        """Set one value in isollm.yaml, changing nothing else (comments, order and quoting stay).

        VALUE is read for the key's type: `workers 5`, `ports '["3000", "8080:80"]'`; a string
        key takes the text as typed. The whole resulting config must be valid: if it is not, or
        isollm.yaml changed on disk meanwhile, the file is left as it was (exit 1).
        Write -- before a value that starts with '-'.""",
        Param("key", REQUIRED, "Dotted key, e.g. workers or git.base_branch."),
        Param("value", REQUIRED, "The new value."),
    ),
    Command(
        "config unset", "config_value:unset_value",
        """Remove a key from isollm.yaml so its default applies; nothing else changes.

        A required key (project) cannot be unset; a key that is not written is left alone.""",
        Param("key", REQUIRED, "Dotted key, e.g. git.upstream."),
    ),
    Command(
        "config edit", "config_edit",
        """Edit isollm.yaml in $VISUAL, else $EDITOR, else vi.

        You edit a copy. A valid result replaces isollm.yaml exactly as you wrote it;
        an invalid one is shown with its errors and you choose to edit again or abort
        (without a terminal: abort, exit 1). isollm.yaml is never left invalid.
        The variable may hold arguments, e.g. EDITOR="code --wait".""",
    ),
    Command(
        "schema", "schema",
        """Print a JSON Schema (config, session, worker or task), or with --path where it is installed.

        Usage: isollm schema [config|session|worker|task] [--path]. An editor or plain
        check-jsonschema pointed at the path checks all isollm validate checks but
        duplicate host ports and a clash with airyra.port; check-jsonschema gets those
        too with --validator-class isollm.validator:IsollmValidator.""",
        Param("name", POSITIONAL, "config (isollm.yaml), session (.isollm/session.json), worker "
                                  "(.isollm/workers/*.json) or task (.isollm/tasks/*.json, read only).",
              default="config", choices=SCHEMA_NAMES),
        Param("path", FLAG, "Print the path of the installed schema file instead of its content."),
    ),
    Command(
        "state show", "state:show",
        """Show the session (live, stale or none) and a table of the workers.

        Invalid state files are reported on stderr; the command still exits 0.""",
        Param("format", VALUE, "text (for people) or json.",
              default="text", choices=("text", "json"), dest="output_format"),
    ),
    Command(
        "state check", "state:check",
        "Validate every state file; PATH:LINE:COL: error: MESSAGE for each problem; exit 1 if any.",
    ),
    Command(
        "state clean", "state:clean",
        """Remove a stale session (its process is gone); refuses while the session is live.

        Also removes temporary files, older than an hour, left by writes that were killed.
        A session written by an isollm that records no PID (isollm up's session.json) may
        still be running: it is removed only with --unknown-session.""",
        Param("unknown_session", FLAG, "Also remove a session whose liveness cannot be told (no PID recorded)."),
    ),
)

BY_WORDS = {command.words: command for command in COMMANDS}
