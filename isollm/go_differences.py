"""Where this toolkit deliberately reads a config differently from the Go isollm, and why.

The Go isollm (``internal/config``: ``Load`` with yaml.v3, ``applyDefaults``,
``Validate``) is the reference for what a field means; these are the places where
the toolkit is stricter or looser on purpose. ``isollm.docgen`` prints them as a
table in docs/configuration.md; the numbers in it are read from the schema.
"""

from __future__ import annotations

from typing import Any, Iterator

TITLE = "Where this toolkit differs from the Go isollm"

INTRO = ("The Go isollm (`internal/config`) reads `isollm.yaml` with yaml.v3, replaces zero values by "
         "defaults and then runs `Validate()`, which only `config show` and `config edit` call. The "
         "configs of its docs and tests pass `isollm validate` (tests/examples/go). Where the two read "
         "a config differently, it is on purpose:")


def rows(schema: dict[str, Any]) -> Iterator[tuple[str, str, str, str]]:
    """(what, the Go isollm, this toolkit, why) for each deliberate difference."""
    props = schema["properties"]
    workers_min = props["workers"]["minimum"]
    port = props["airyra"]["properties"]["port"]
    item = props["ports"]["items"]
    yield ("Unknown keys (`worker: 5`, `git.remote`, a `terminal:` section)",
           "ignored, at the top level and in every section",
           "an error, with a suggestion when the key is close to a known one",
           "a misspelt key would otherwise change nothing, silently")
    yield ("An explicit zero or empty value (`workers: 0`, `airyra.port: 0`, `git.branch_prefix: \"\"`, "
           "`zellij.layout: \"\"`)",
           "replaced by the default before `Validate()` runs",
           f"validated as written: `workers must be at least {workers_min}`, "
           f"`airyra.port must be between {port['minimum']} and {port['maximum']}`...",
           "a written 0 is more often a slip than a request for the default; leaving the key out, "
           "empty or `~` asks for the default (both tools agree on that)")
    yield ("`zellij.dashboard` left out",
           "`false` (`applyDefaults` has no default for it; only `init` writes `true`)",
           f"`{str(props['zellij']['properties']['dashboard']['default']).lower()}`, the schema's default",
           "Go's own `init`, `DefaultConfig` and docs (\"Show status pane\") mean `true`; "
           "write `dashboard: false` to turn it off in both")
    yield ("A number with a leading zero (`workers: 010`, `airyra.port: 07432`, a port `03000`)",
           "yaml.v3 reads `010` as octal 8; a port goes through `Atoi`, as decimal",
           "an error naming it, with the number to write instead",
           "YAML 1.2 readers (editors, check-jsonschema, this toolkit) read `010` as 10: the same file "
           "would mean two things")
    yield ("A number or boolean where a field wants text (`base_branch: 1.10`, "
           "`args: [--max-turns, 50]`, `project: true`)",
           "the text as written (`\"1.10\"`, `\"50\"`, `\"true\"`)",
           "the same: the text as written",
           "never a changed value; YAML 1.2 tools (the editor, check-jsonschema) call it a type error, "
           "and quoting it satisfies them all")
    yield ("`ports` entries (`- 3000`)",
           "strings; each part through `Atoi`: `+3000` and `03000` accepted",
           "strings, as written (`- 3000` is `\"3000\"`); plain decimal digits only: `+3000` and "
           "`03000` refused, as are `0x1F90`, `0o17620`, `8e3`, `8080.0` (also refused by Go)",
           "a sign or a leading zero is no port anyone means; YAML 1.2 tools read `0x1F90` as 8080, "
           "so only the text as written is checked")
    yield ("Duplicate host ports, and a host port equal to `airyra.port`",
           "compared as text (`03000` and `3000` differ)",
           "compared as numbers",
           "the same port must not be forwarded twice however it is written")
    yield ("Range of `ports` entries",
           "1 to 65535 (no lower bound of 1024, unlike `airyra.port`)",
           f"the same: {item['minimum']} to {item['maximum']}; `airyra.port` {port['minimum']} to "
           f"{port['maximum']}",
           "not a difference: a forwarded port may be a privileged one")
    yield ("`airyra.host`",
           "any text; joined with the port as `host:port` (`fmt.Sprintf`, no brackets)",
           "a hostname, IPv4 address or bracketed IPv6 address; a bare IPv6 address is refused with "
           "its bracketed form (`use \"[::1]\"`), as is `host:port`",
           "`::1` joined as `::1:7432` is no address; `[::1]:7432` is")
    yield ("Other text fields (`image`, `git.base_branch` structure, `git.branch_prefix` characters, "
           "`git.upstream`, `claude.command`, `airyra.project`, `setup_script`)",
           "no checks beyond `base_branch`'s character set and `branch_prefix`'s final `/`",
           "image references, git's ref-name rules, remote names (which may contain `/`) or URLs, no "
           "control characters (a `setup_script` may hold newlines and tabs), no empty text",
           "the error shows at `isollm validate` or in the editor, not when a container fails to start")
    yield ("A fraction in a whole-number field (`workers: 2.5`)",
           "truncated to 2 (`workers: 3.0` is 3)",
           "an error (`workers: 3.0` is 3)",
           "a silently changed value")
    yield ("YAML 1.1 spellings (`dashboard: yes`, `on`, `y`; `workers: 1_000`)",
           "`yes`/`on`/`y` are true; `1_000` is 1000",
           "YAML 1.2: they are text, so a boolean or number field refuses them",
           "editors and check-jsonschema read YAML 1.2; the file must mean one thing to all of them")
    yield ("YAML merge keys (`<<: *base`, `<<: {layout: grid}`)",
           "merged into the mapping (yaml.v3 keeps this YAML 1.1 feature)",
           "an error at the `<<` key: merge keys are not supported; write the keys out",
           "YAML 1.2 has no merge keys: editors and check-jsonschema see an unknown key `<<`, so a "
           "merged file would be valid to one tool and not to the others")
    yield ("`isollm.yml`",
           "never read (only `isollm.yaml`)",
           "never read either; every command and the hook that meets one says to rename it",
           "a second spelling would be a second, silently ignored config")
    yield ("`isollm init` in a directory whose name is not a valid project name (`my_project`)",
           "writes it anyway (`init` does not validate)",
           "refuses, and asks for `--name`",
           "the config would fail `Validate()` from its first line")


def render(schema: dict[str, Any]) -> list[str]:
    """The section, as Markdown lines."""
    lines = [f"## {TITLE}\n", INTRO + "\n", "| What | The Go isollm | This toolkit | Why |",
             "| --- | --- | --- | --- |"]
    lines += [f"| {what} | {go} | {here} | {why} |" for what, go, here, why in rows(schema)]
    return lines + [""]
