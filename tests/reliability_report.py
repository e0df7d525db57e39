"""Regenerate docs/reliability.md: run every hostile case, fuzz, fault and load, and tabulate.

    python3 -m tests.reliability_report [--examples N] [--soak-seconds S] [--output docs/reliability.md]

Run from the repository root. Each section runs the same code the tests run
(``tests/hostile``, the property strategies of ``tests/test_fuzz_config.py``)
and records what happened, with counts, so the page shows what was tried
rather than what was hoped.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any, Callable

from tests.hostile import corpus

REPO = Path(__file__).resolve().parent.parent
# The test modules it runs import their helpers (schema_strategies, inprocess) as pytest does.
sys.path.insert(0, str(REPO / "tests"))
Section = tuple[str, str, list[str], list[list[str]], str]  # title, intro, header, rows, what was tried


def _hostile_section() -> Section:
    rows = []
    cases = corpus.load_cases()
    for case in cases:
        for entry in corpus.ENTRIES:
            if case.needs_non_root and corpus.os.geteuid() == 0:
                rows.append([case.group, f"`{case.id}`", entry, case.why, "skipped (running as root)", "", "", ""])
                continue
            with tempfile.TemporaryDirectory() as probe, tempfile.TemporaryDirectory() as directory:
                is_readable = corpus.readable(case, Path(probe)) if entry == "config-show" else True
                run = corpus.run_case(case, Path(directory), entry)
            found = corpus.problems(case, run, entry, is_readable)
            first = next((d for d in run.diagnostics if d["kind"] == "error"), None)
            outcome = ("read normally (exit 0)" if run.status == 0 else
                       f"rejected (exit {run.status}): {len(run.diagnostics)} line(s), first "
                       f"`{_where(first)}{_clip(first['message'] if first else '')}`")
            rows.append([case.group, f"`{case.id}`", entry, case.why, outcome,
                         f"{run.seconds:.2f}", f"{run.peak_kib / 1024:.0f}",
                         "as expected" if not found else "**" + "; ".join(found) + "**"])
    return ("Hostile inputs",
            f"Each input of `tests/hostile/cases.yaml` ({len(cases)} cases) run as `isollm-validate isollm.yaml` "
            f"(hook), `isollm validate isollm.yaml` (cli) and `isollm config show --format json` (config-show: "
            f"exit 0 with a JSON document for any readable file, 1 for an unreadable one) in a subprocess limited to "
            f"{corpus.MEMORY_LIMIT // 2**20} MiB of address space and {corpus.TIMEOUT:g} s. "
            "Expected: the status in the table, no traceback, one-line `PATH[:LINE:COL]: error:` diagnostics.",
            ["group", "case", "entry", "why it is hostile", "outcome", "seconds", "peak MiB", "verdict"], rows,
            f"{len(cases)} inputs x {len(corpus.ENTRIES)} entry points = {len(rows)} limited subprocess runs")


def _where(diagnostic: dict[str, Any] | None) -> str:
    if not diagnostic or not diagnostic["line"]:
        return ""
    return f"{diagnostic['line']}:{diagnostic['column']}: "


def _clip(text: str, limit: int = 90) -> str:
    text = text.replace("|", "\\|").replace("`", "'")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _fuzz_section(examples: int) -> Section:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from isollm.config import Config, load_file, parse_config_text
    from isollm.errors import ConfigError
    from tests import test_fuzz_config as fuzz

    def outcome_of(text: str) -> str:
        try:
            config = parse_config_text(text, "fuzz.yaml")
        except ConfigError as error:
            return "ConfigError with a line" if error.line else "**ConfigError without a line**"
        except Exception as error:  # noqa: BLE001 - counting what escapes is the point
            return f"**{type(error).__name__}**"
        return judge_config(config)

    def judge_config(config: Config) -> str:
        issues = config.issues()
        if any(issue.line is None or "\n" in issue.message for issue in issues):
            return "**issue without a line or on two lines**"
        return "Config, valid" if not issues else "Config with located issues"

    def from_bytes(raw: bytes) -> str:
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "isollm.yaml"
            path.write_bytes(raw)
            return outcome_of_file(path)

    def outcome_of_file(path: Path) -> str:
        try:
            config = load_file(path)
        except ConfigError as error:
            return "ConfigError with a line" if error.line else "**ConfigError without a line**"
        except Exception as error:  # noqa: BLE001
            return f"**{type(error).__name__}**"
        return judge_config(config)

    generators: list[tuple[str, Any, Callable[[Any], str]]] = [
        ("any Unicode text", st.text(max_size=200), outcome_of),
        ("YAML-like text (keys, indicators, tags, NUL, BOM, surrogates)", fuzz._yamlish, outcome_of),
        ("YAML-like documents (schema keys at several indents, odd values)", fuzz._yaml_lines, outcome_of),
        ("any bytes in a file", st.binary(max_size=300), from_bytes),
        ("any JSON-like structure, as flow YAML", fuzz._configs,
         lambda data: outcome_of(fuzz.json.dumps(data, ensure_ascii=False))),
    ]
    from tests import test_state_hostile as state_hostile

    def state_outcome(args: tuple[str, dict[str, Any]]) -> str:
        from isollm.errors import StateError
        from isollm.state import FileState

        kind, changes = args
        with tempfile.TemporaryDirectory() as directory:
            store = FileState(Path(directory))
            path = state_hostile._path(store, kind)
            path.parent.mkdir(parents=True, exist_ok=True)
            data = fuzz.json.loads(state_hostile._valid(kind))
            data.update(changes)
            path.write_text(fuzz.json.dumps(data))
            try:
                store.load_session() if kind == "session" else store.load_worker("w")
            except StateError as error:
                return "StateError naming the file" if str(path) in str(error) else "**StateError without the file**"
            except Exception as error:  # noqa: BLE001
                return f"**{type(error).__name__}**"
            return "loaded"

    fields = st.dictionaries(st.sampled_from(["version", "name", "status", "pid", "started_at", "current_task",
                                              "ip", "error_time", "last_error", "extra"]),
                             state_hostile._json_any, max_size=4)
    generators.append(("any JSON value in any session or worker field",
                       st.tuples(st.sampled_from(["session", "worker"]), fields), state_outcome))
    rows = []
    for name, strategy, judge in generators:
        counts: Counter[str] = Counter()

        @settings(max_examples=examples, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(strategy)
        def run(value: Any) -> None:
            counts[judge(value)] += 1

        start = time.monotonic()
        run()
        seconds = time.monotonic() - start
        total = sum(counts.values())
        bad = sum(n for k, n in counts.items() if k.startswith("**"))
        rows.append([name, str(total), _counts_text(counts), f"{seconds:.1f}",
                     "no other exception" if not bad else f"**{bad} failures**"])
    return ("Property-based fuzzing",
            "Generated inputs through `parse_config_text` / `load_file`, then `Config.issues()`. "
            "Every outcome must be a `Config` (issues located, one line each) or a `ConfigError` with a line; "
            "for state files, a loaded record or a `StateError` naming the file.",
            ["generator", "inputs", "outcomes", "seconds", "verdict"], rows,
            f"{sum(int(row[1]) for row in rows)} generated inputs")


def _counts_text(counts: Counter[str]) -> str:
    return ", ".join(f"{k}: {n}" for k, n in sorted(counts.items()))


def _state_files_section() -> Section:
    from isollm.errors import StateError
    from isollm.state import FileState
    from tests import test_state_hostile as hostile

    rows = []
    for corruption, make in hostile.CORRUPT.items():
        for kind in ("session", "worker"):
            with tempfile.TemporaryDirectory() as directory:
                store = FileState(Path(directory))
                path = hostile._path(store, kind)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(make(kind))
                rows.append(["corrupt file", f"`{corruption}`", kind, *_load_outcome(store, kind, StateError)])
    for special in ("planted symlink", "fifo", "fifo via symlink", "/dev/zero via symlink", "directory"):
        for kind in ("session", "worker"):
            with tempfile.TemporaryDirectory() as directory:
                root = Path(directory)
                store = FileState(root / "state")
                path = hostile._path(store, kind)
                path.parent.mkdir(parents=True, exist_ok=True)
                victim = root / "victim"
                victim.write_bytes(hostile._valid(kind))
                {"planted symlink": lambda: path.symlink_to(victim), "fifo": lambda: os.mkfifo(path),
                 "fifo via symlink": lambda: (os.mkfifo(root / "p"), path.symlink_to(root / "p")),
                 "/dev/zero via symlink": lambda: path.symlink_to("/dev/zero"),
                 "directory": lambda: path.mkdir()}[special]()
                outcome = _load_outcome(store, kind, StateError)
                if special == "planted symlink":
                    if kind == "session":
                        store.save_session(hostile.session(os.getpid()))
                    else:
                        store.save_worker(hostile.worker("w"))
                    intact = victim.read_bytes() == hostile._valid(kind)
                    outcome[0] += "; a save replaced the link, " + ("target untouched" if intact else "**target overwritten**")
                    if not intact:
                        outcome[1] = "**target overwritten**"
                rows.append(["special file", special, kind, *outcome])
    return ("State files under attack",
            "Each corrupt or special file placed at `session.json` or `workers/w.json`, then loaded through "
            "`FileState`. Expected: a `StateError` naming the file, one line per problem, no other exception, "
            "no blocking read; a planted symlink is neither followed on read nor written through.",
            ["attack", "input", "file", "outcome", "verdict"], rows, f"{len(rows)} bad files loaded")


def _load_outcome(store: Any, kind: str, expected: type[Exception]) -> list[str]:
    import signal

    def blocked(signum: int, frame: Any) -> None:
        raise TimeoutError("read blocked")

    previous = signal.signal(signal.SIGALRM, blocked)
    signal.alarm(5)
    try:
        store.load_session() if kind == "session" else store.load_worker("w")
    except expected as error:
        lines = str(error).splitlines()
        return [f"{type(error).__name__}: `{_clip(lines[-1].strip(' -'))}`", "as expected"]
    except BaseException as error:  # noqa: BLE001
        return [f"{type(error).__name__}: {_clip(str(error))}", f"**{type(error).__name__}**"]
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    return ["loaded", "**loaded a corrupt file**"]


def _fault_section() -> Section:
    import errno
    import json

    import pytest

    from isollm.errors import StateError
    from isollm.state import FileState
    from tests import test_state_hostile as hostile

    rows = []
    for operation, (setup, write, target) in hostile.OPERATIONS.items():
        with tempfile.TemporaryDirectory() as directory, pytest.MonkeyPatch.context() as patch:
            steps = _steps(Path(directory), patch, operation)
        for code in (errno.ENOSPC, errno.EIO):
            counts: Counter[str] = Counter()
            for index in range(1, len(steps) + 1):
                with tempfile.TemporaryDirectory() as directory:
                    root = Path(directory)
                    store = FileState(root)
                    setup(store)
                    path = target(store)
                    before = path.read_bytes() if path.exists() else None
                    with pytest.MonkeyPatch.context() as patch:
                        hostile._Injector(patch, root, fail_at=index, code=code)
                        try:
                            write(store)
                            counts["**no error reported**"] += 1
                        except StateError:
                            pass
                    after = path.read_bytes() if path.exists() else None
                    if after == before:
                        counts["previous content kept"] += 1
                    else:
                        json.loads(after or b"")
                        counts["new content complete (failure after the rename)"] += 1
                    if list(root.rglob("*.tmp")):
                        counts["**temp file left**"] += 1
            verdict = "as expected" if not any(k.startswith("**") for k in counts) else "**data at risk**"
            rows.append([operation, errno.errorcode[code], f"{len(steps)}: {', '.join(steps)}",
                         _counts_text(counts), verdict])
    return ("Faults injected into writes",
            "Each system call of a state write (traced from a successful write) fails in turn with ENOSPC "
            "and with EIO. Expected: a `StateError`, the previous file intact (or, when only the directory sync "
            "after the rename failed, the new file complete), and no temporary file left.",
            ["operation", "error", "steps", "outcomes", "verdict"], rows,
            f"{sum(int(row[2].split(':')[0]) for row in rows)} injected faults")


def _steps(root: Path, patch: Any, operation: str) -> list[str]:
    from isollm.state import FileState
    from tests import test_state_hostile as hostile

    setup, write, _ = hostile.OPERATIONS[operation]
    store = FileState(root)
    setup(store)
    injector = hostile._Injector(patch, root)
    write(store)
    return injector.calls


def _soak_section(seconds: float) -> Section:
    from tests.state_soak import run_soak

    with tempfile.TemporaryDirectory() as directory:
        outcome = run_soak(Path(directory), seconds, processes=4, seed=1)
    verdict = "as expected" if not outcome["problems"] else f"**{len(outcome['problems'])} problems**"
    row = [f"{outcome['processes']} processes", f"{outcome['seconds']:g}", str(outcome["operations"]),
           str(outcome["kills"]), str(outcome["workers_left"]), str(outcome["temp_files_swept"]),
           "; ".join(outcome["problems"][:3]) or "none", verdict]
    return ("Crash soak",
            "Processes save, load, list and delete workers and create, save, load and clear the session, while "
            "the parent SIGKILLs one at random every 10-150 ms and starts a replacement. Afterwards every file "
            "left must load; temporary files of killed writers are skipped by readers and removed by "
            "`FileState.remove_stale_temp_files` (no command runs it yet), after which none may remain.",
            ["load", "seconds", "operations", "SIGKILLs", "worker files left", "temp files swept",
             "problems", "verdict"], [row],
            f"{outcome['operations']} operations, {outcome['kills']} SIGKILLs in {outcome['seconds']:g} s")


def _cli_section() -> Section:
    from tests import test_cli_hostile as cli

    rows = []
    for name, args, expected in cli.ROWS:
        with tempfile.TemporaryDirectory() as directory:
            root = Path(directory)
            project = root / "project"
            (project / ".isollm").mkdir(parents=True)
            (project / "isollm.yaml").write_text(cli.VALID_CONFIG)
            cwd = root / "empty" if args[0] == "init" else project
            cwd.mkdir(exist_ok=True)
            run = corpus.run_limited(corpus.LAUNCH, list(args), cwd)
        lines = run.stderr.splitlines()
        found = []
        if run.status != expected:
            found.append(f"exit {run.status}, expected {expected}")
        if "Traceback" in run.stderr:
            found.append("traceback")
        if sum(1 for line in lines if line.startswith("error: ") or ": error: " in line) != 1:
            found.append(f"{len(lines)} stderr lines")
        if "\x1b" in run.stderr or "\u202e" in run.stderr or any(len(line) >= 10_000 for line in lines):
            found.append("raw control characters or an unbounded line")
        rows.append([_clip(name, 60), f"exit {run.status}", f"`{_clip(lines[0] if lines else '')}`",
                     "as expected" if not found else "**" + "; ".join(found) + "**"])
    for attack in [*cli.CORRUPT, *cli.SPECIALS]:
        for kind in ("session", "worker"):
            with tempfile.TemporaryDirectory() as directory:
                project = Path(directory)
                (project / "isollm.yaml").write_text(cli.VALID_CONFIG)
                cli._plant(project, kind, attack)
                run = corpus.run_limited(corpus.LAUNCH, ["state", "check"], project)
            ok = run.status == 1 and "Traceback" not in run.stderr and run.diagnostics and \
                len(run.diagnostics) == len(run.stderr.splitlines())
            first = run.stderr.splitlines()[0] if run.stderr else ""
            rows.append([f"state check: {kind} file `{attack}`", f"exit {run.status}", f"`{_clip(first)}`",
                         "as expected" if ok else "**not a clean located error**"])
    return ("Command line under bad flags and hostile values",
            "Every command with unknown flags, missing values, wrong types and hostile strings (shell syntax, "
            "newlines, terminal escapes, 100 KB, non-UTF-8 bytes, right-to-left override), then `isollm state "
            "check` over each bad state file. Expected: exit 2 for a usage error, 1 for bad input, one error "
            "line (a refused `init` adds a note), no traceback, nothing written.",
            ["case", "status", "first stderr line", "verdict"], rows, f"{len(rows)} command lines run")


SECTIONS: list[Callable[[argparse.Namespace], Section]] = [
    lambda a: _hostile_section(), lambda a: _fuzz_section(a.examples), lambda a: _state_files_section(),
    lambda a: _fault_section(), lambda a: _soak_section(a.soak_seconds), lambda a: _cli_section(),
]


# What these runs found in the code, and what was changed. Kept by hand: a finding is history,
# not something a run can regenerate; each one has a test that fails if it comes back.
FINDINGS = [
    ("a NUL or control character in isollm.yaml", "yamlio", "raw `ReaderError` traceback from the hook",
     "parser built inside the guarded block; message names the code point", "`nul-byte`, fuzz"),
    ("an integer of 5,000 digits (config or state file)", "yamlio, state codec",
     "`ValueError` traceback (Python's int() digit limit)", "located `number is too large` / `InvalidStateError`",
     "`huge-integer`, `huge-integer` state file"),
    ("a str holding a lone surrogate", "yamlio", "`UnicodeEncodeError` from libyaml",
     "located refusal", "fuzz (any text)"),
    ("reader errors after non-ASCII text", "yamlio", "wrong line and column (libyaml counts bytes)",
     "byte offset converted to characters", "`test_a_forbidden_character_is_located_exactly`"),
    ("aliases repeating a long string", "yamlio", "every copy expanded into messages (unbounded output)",
     "expanded size bounded (4 x the file size limit)", "`alias-long-string`"),
    ("a FIFO or /dev/zero named isollm.yaml or at a state path", "yamlio, state files",
     "`isollm-validate` and `isollm state check` blocked forever", "only regular files are read "
     "(`isollm/io/atomic.py`)", "`fifo`, `device`, state special files"),
    ("a symlink planted at a state file", "state files", "followed on read (any file could be read as state)",
     "read with O_NOFOLLOW: refused and reported", "`test_a_planted_symlink_is_refused_on_read_and_removed_on_delete`"),
    ("a planted `.isollm/workers` symlink (a cloned repository can carry one)", "state files",
     "followed: `delete_worker`/`clear_all_workers` removed `*.json` files in the link's target",
     "a one-line `StateError`; nothing read, written or removed through it",
     "`test_a_planted_workers_directory_symlink_is_refused`"),
    ("a planted `.isollm` symlink (committed in a repository despite .gitignore)", "state files",
     "followed: state read from and written to the link's target", "`FileState.for_project` refuses it; "
     "every state command exits 1 with one line", "`test_a_planted_state_directory_symlink_is_refused`"),
    ("`isollm.yaml` rewritten on disk while `config edit` had it open", "config edit",
     "the valid edit overwrote the other change", "left as it is; the edit is saved in the temporary "
     "directory and named", "`test_a_config_changed_during_the_edit_is_not_overwritten`"),
    ("an invalid edit aborted in `config edit`", "config edit", "the user's edit was deleted with the copy",
     "saved in the temporary directory and named", "`test_an_aborted_invalid_edit_is_saved_not_lost`"),
    ("a directory at session.json", "state files", "reported against `.` with an absolute path",
     "an `InvalidStateError` naming the file", "`test_state_commands_report_a_bad_state_file`"),
    ("a value with a newline, ESC or RTL override; a 1 MB value", "errors, report, exits",
     "one diagnostic split over lines, escape sequences reaching the terminal, 100 KB lines",
     "every message escaped and bounded (`isollm/errors.py`)", "`escaped-control-in-value`, CLI table"),
    ("a file name that is not UTF-8 with a strict UTF-8 stdout", "exits", "`UnicodeEncodeError` traceback in "
     "`--format json`", "stdout/stderr escape what they cannot encode", "`test_a_file_name_that_is_not_utf8...`"),
    ("saving a value holding NEL, LS or PS", "yamlio dump", "read back as a space: silent data change",
     "such strings are written double-quoted", "`test_what_is_written_reads_back_the_same`"),
    ("saving a value holding a lone surrogate", "config.save", "wrote a file that cannot be read back",
     "`ConfigError`, old file kept", "`test_saving_a_lone_surrogate_is_refused_and_the_old_file_kept`"),
    ("a dangling symlink, directory or FIFO named isollm.yaml", "config.find_project_root",
     "walked past it: 'not in an isollm project', or another project's config higher up",
     "any entry of that name is the project's; the reader says what is wrong", "`config-show` corpus runs"),
    ("a key '' (empty)", "explain", "`unknown key \"the config\"`", "`unknown key \"\"`",
     "`test_an_empty_key_is_named_as_itself_not_as_its_parent`"),
    ("tabs used for indentation", "yamlio", "`found character that cannot start any token`",
     "`a tab cannot indent or start a value in YAML; use spaces`", "`tabs-for-indentation`"),
    ("`.isollm/workers` swapped for a symlink between the check and the use, in a loop", "state files",
     "the symlink checks were check-then-use: `clear_all_workers` and the `state clean` sweep deleted "
     "97-200 of 200 files in the link's target; `save_worker` wrote there or crashed in `mkdir`",
     "each operation opens the directory once (`O_NOFOLLOW`) and works relative to that descriptor "
     "(`dir_fd=`, `scandir(fd)`, `renameat`, `linkat`): zero files touched",
     "`test_a_workers_directory_swapped_for_a_link_mid_operation_is_never_followed`"),
    ("a planted `isollm.yaml` plus `.isollm/workers` link, then `state clean` below it", "state clean",
     "hour-old `.*.tmp` files in the link's target deleted", "refused in one line, exit 1; nothing deleted",
     "`test_clean_never_sweeps_through_a_planted_workers_link`"),
    ("a writer replacing a stale `session.json` by a live one while two `state clean` loops run",
     "state clean", "the live session deleted 7 to 17 times in about 1,000 rounds: clean judged one file "
     "and unlinked whatever was at the path by then", "the judged file is read from one descriptor, moved "
     "aside, its identity (device, inode, size, mtime) compared, and put back by hard link if it is another: "
     "zero live sessions lost", "`test_clean_never_removes_a_live_session_that_replaced_a_stale_one`"),
    ("`.gitignore` a symlink (to a file elsewhere, or dangling)", "init", "appended through it, or created "
     "the dangling link's target", "left unchanged with a warning: git (2.32+) does not follow it either",
     "`test_a_gitignore_symlink_is_not_followed_as_git_does_not`"),
    ("`isollm.yaml` appearing while `init` asks its questions (a `git pull` elsewhere)", "init",
     "replaced by init's file: the pulled config lost", "created exclusively (hard link into place); "
     "a clear error and the file left as it is", "`test_a_config_that_appears_during_the_prompts_is_never_replaced`"),
    ("a dangling symlink, directory or `.isollm` symlink where `init` writes", "init",
     "the dangling link replaced by a file; state kept through a planted link", "counted as an existing config; "
     "a `.isollm` link refused before anything is written", "`test_anything_named_isollm_yaml_counts_as_existing`, "
     "`test_a_planted_state_dir_symlink_is_refused`"),
    ("a symlinked `isollm.yaml` (a dotfile manager's)", "config edit, config.save",
     "the link replaced by a plain file", "the target replaced atomically in its own directory, the link kept; "
     "a link pointed elsewhere during the edit counts as a change on disk",
     "`test_a_symlinked_config_is_edited_in_its_target`, `test_a_config_link_pointed_elsewhere_during_the_edit...`"),
    ("Ctrl-C or Ctrl-\\ while the editor is open", "config edit",
     "isollm (signalled with the editor) killed the editor and deleted the copy",
     "ignored in isollm while the editor runs, as git and visudo do; the editor gets them itself",
     "`test_ctrl_c_and_ctrl_backslash_while_the_editor_runs_reach_only_the_editor` (pty)"),
    ("Ctrl-C at the 'edit again or abort?' prompt; a full disk when writing a valid edit", "config edit",
     "the edit deleted with the copy", "the edit saved and its path printed (the editor's copy kept if no "
     "other can be written)", "`test_ctrl_c_at_the_edit_again_prompt_keeps_the_edit`, "
     "`test_a_failed_write_after_a_valid_edit_keeps_the_edit`"),
    ("an editor killed by a real-time signal (`kill -s 40`)", "config edit",
     "`ValueError: 40 is not a valid Signals` traceback", "`killed by signal 40`",
     "`test_an_editor_killed_by_any_signal_is_described`"),
    ('`"pid": 1.0` in session.json; `Session(pid=1.0)`', "state codec, types",
     "passed `state check`, then `TypeError` in `state show`, `state clean`, `has_active_session()`; "
     "written as `1.0` (the Go decoder refuses it)", "whole-number floats read, constructed and written as "
     "integers (one helper with the config's `workers: 3.0`)",
     "`test_a_whole_number_float_pid_works_in_every_command`, `test_whole_number_floats_are_read_and_written...`"),
    ("`NaN`, `-Infinity`, `1e400` in a state file", "state codec",
     "loaded (an extra field kept it) and written back as text no JSON reader accepts",
     "refused on read (`not valid JSON: NaN is not a JSON number`) and on write",
     "`test_numbers_json_cannot_hold_are_refused_on_read`, `..._on_write`"),
    ("`0x`/`0o` integers with thousands of digits (value or key)", "yamlio",
     "`ValueError` traceback (Python's digit limit) wherever the number was printed",
     "located `number is too large`, as for decimals; a key keeps its text", "`huge-hex-integer`, "
     "`huge-octal-integer`, `huge-hex-key`"),
    ("`!!float 1` followed by 400 zeros (value or key)", "yamlio", "`OverflowError` traceback",
     "an infinity, as `1e400` reads: `workers must be a whole number`; a key keeps its text",
     "`float-tag-beyond-double`, `float-tag-beyond-double-key`"),
    ("ESC, BEL, C1 or RTL characters in `last_error`, branches, session names, task titles", "state show",
     "printed raw to the terminal", "escaped (`isollm/errors.py`, as every diagnostic)",
     "`test_show_escapes_control_characters_from_state_files`"),
    ("60 nested 1,000-character keys over a 20,000-item list (a 100 KB config or worker file)",
     "yamlio locations", "2.4 GB peak in `isollm-validate` and `state check`: each value's location was "
     "keyed by a pointer repeating every key above it", "locations stored by node (parent and key or index), "
     "a pointer built only when asked (`isollm/io/yamlio.py`): 29 MB; at most 128 bytes per byte of input "
     "beyond a tiny file", "`test_memory_bounds.py` (8 shapes)"),
    ("thousands of invalid values (5,000 bad ports; 99,000 entries)", "explain, report",
     "every one explained by jsonschema (about 80 us each) and printed: 99,000 lines in about 5 s",
     "the fast checks find the failing parts in document order; the first 100 problems by position are "
     "explained and listed, then `... and K more problems`; `--format json` gives `errors_not_listed`. "
     "99,000 bad ports: 101 lines in about 3 s and 50 MB (check-jsonschema: 51 s, 385 MB)",
     "`many-bad-values`, `test_problem_limit.py`"),
]


def _findings() -> list[str]:
    out = ["## What was found and fixed", "",
           "| input | where | before | now | guarded by |", "| --- | --- | --- | --- | --- |"]
    out += ["| " + " | ".join(row) + " |" for row in FINDINGS]
    return out + [""]


def render(sections: list[Section]) -> str:
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    out = ["# Reliability: what was tried and what happened", "",
           "Generated by `python3 -m tests.reliability_report`; do not edit by hand. "
           f"Last run {now} on Python {platform.python_version()} ({platform.system()}).", "",
           "The same cases run in CI as `tests/test_hostile.py`, `tests/test_fuzz_config.py`, "
           "`tests/test_state_hostile.py`, `tests/test_state_soak.py` and `tests/test_cli_hostile.py`; "
           "this page records one run with its numbers.", ""]
    summary = []
    for title, intro, header, rows, tried in sections:
        bad = sum(1 for row in rows if "**" in row[-1])
        summary.append(f"| {title} | {tried} | {len(rows)} | {len(rows) - bad} | {bad} |")
    out += ["## Summary", "", "| section | tried | rows | as expected | not as expected |",
            "| --- | --- | --- | --- | --- |", *summary, ""]
    out += _findings()
    for title, intro, header, rows, _ in sections:
        out += [f"## {title}", "", intro, "", "| " + " | ".join(header) + " |",
                "| " + " | ".join("---" for _ in header) + " |"]
        out += ["| " + " | ".join(cell.replace("\n", " ") for cell in row) + " |" for row in rows]
        out.append("")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=500, help="fuzz inputs per generator")
    parser.add_argument("--soak-seconds", type=float, default=10.0, help="length of the crash soak")
    parser.add_argument("--output", type=Path, default=REPO / "docs" / "reliability.md")
    args = parser.parse_args(argv)
    sections = [section(args) for section in SECTIONS]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(render(sections), encoding="utf-8")
    failures = sum(1 for section in sections for row in section[3] if "**" in row[-1])
    print(f"wrote {args.output}: {sum(len(s[3]) for s in sections)} rows, {failures} not as expected")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
