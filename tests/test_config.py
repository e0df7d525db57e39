"""isollm.config: the plan's validation tests, defaults, round trips and the schema as the one truth."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from isollm import config as cfg
from isollm.errors import ConfigError, IsollmError, ValidationError
from isollm.schema.loader import load_schema

SCHEMA = load_schema("config")


def messages(data: dict[str, Any]) -> list[str]:
    return [issue.message for issue in cfg.Config(data).issues()]


def valid(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"project": "demo"}
    data.update(overrides)
    return data


# --- constants come from the schema -------------------------------------------------------------

def test_constants_are_read_from_the_schema() -> None:
    props = SCHEMA["properties"]
    assert (cfg.MIN_WORKERS, cfg.MAX_WORKERS) == (props["workers"]["minimum"], props["workers"]["maximum"])
    assert (cfg.MIN_PROJECT_NAME_LEN, cfg.MAX_PROJECT_NAME_LEN) == (
        props["project"]["minLength"], props["project"]["maxLength"])
    port = props["airyra"]["properties"]["port"]
    assert (cfg.MIN_USER_PORT, cfg.MAX_PORT) == (port["minimum"], port["maximum"])
    assert (cfg.CONFIG_FILE_NAME, cfg.STATE_DIR) == ("isollm.yaml", ".isollm")


# The public names of ``isollm.config`` in the design's contract (shared/design.md, beside the repository).
CONTRACT = ["CONFIG_FILE_NAME", "STATE_DIR", "MIN_WORKERS", "MAX_WORKERS", "MIN_USER_PORT", "MAX_PORT",
            "MIN_PROJECT_NAME_LEN", "MAX_PROJECT_NAME_LEN", "Config", "default_config", "load", "save",
            "load_and_validate", "find_project_root", "create_state_dir", "exists", "ValidationError", "ConfigError"]


def test_all_lists_the_contract_and_every_name_is_there() -> None:
    assert sorted(cfg.__all__) == sorted(CONTRACT)
    assert all(hasattr(cfg, name) for name in cfg.__all__)


def _design() -> Path | None:
    for directory in Path(__file__).resolve().parents:
        if (directory / "shared" / "design.md").is_file():
            return directory / "shared" / "design.md"
    return None


@pytest.mark.skipif(_design() is None, reason="shared/design.md is not beside this checkout")
def test_the_contract_is_the_designs() -> None:
    """Each module-level name the design's ``isollm.config`` section shows: a constant, a class,
    a function called (``load(directory)``); not an attribute (``.errors``) or a message."""
    import builtins
    import re

    text = (_design() or Path()).read_text(encoding="utf-8")
    section = text.split("### `isollm.config`", 1)[1].split("\n### ", 1)[0]
    names = set()
    for span in re.findall(r"`([^`]+)`", section):
        found = re.fullmatch(r"([A-Za-z_]\w*)(\(.*\))?(?: -> .*| = .*)?", span)
        if found and (found.group(2) or not found.group(1).islower()) and not hasattr(builtins, found.group(1)):
            names.add(found.group(1))
    assert names == set(CONTRACT)


# --- the plan's "Validation Tests" ---------------------------------------------------------------

def test_validate_valid_config() -> None:
    cfg.default_config("demo").validate()


@pytest.mark.parametrize("name", ["", None])
def test_validate_empty_project(name: Any) -> None:
    data = {} if name is None else {"project": name}
    assert messages(data) == ["project name is required"]


@pytest.mark.parametrize("name", ["a", "b"])
def test_validate_project_name_too_short(name: str) -> None:
    assert messages(valid(project=name)) == [f"project name must be at least {cfg.MIN_PROJECT_NAME_LEN} characters"]


def test_validate_project_name_too_long() -> None:
    name = "a" * (cfg.MAX_PROJECT_NAME_LEN + 1)
    assert messages(valid(project=name)) == [f"project name cannot exceed {cfg.MAX_PROJECT_NAME_LEN} characters"]
    assert messages(valid(project="a" * cfg.MAX_PROJECT_NAME_LEN)) == []


@pytest.mark.parametrize("name", ["1abc", "-abc", "my_app", "my app", "app!", "héllo", "ab\n", "a.b", "ab/c"])
def test_validate_invalid_project_name(name: str) -> None:
    assert messages(valid(project=name)) == ["project name must be alphanumeric with hyphens, starting with a letter"]


@pytest.mark.parametrize("name", ["ab", "my-app", "App2", "a-", "x" + "1" * 63])
def test_valid_project_names(name: str) -> None:
    assert messages(valid(project=name)) == []


@pytest.mark.parametrize("workers", [0, -1, -100])
def test_validate_workers_below_min(workers: int) -> None:
    assert messages(valid(workers=workers)) == [f"workers must be at least {cfg.MIN_WORKERS}"]


@pytest.mark.parametrize("workers", [21, 100, 10**9])
def test_validate_workers_above_max(workers: int) -> None:
    assert messages(valid(workers=workers)) == [f"workers cannot exceed {cfg.MAX_WORKERS}"]


@pytest.mark.parametrize("workers", ["3", 3.5, True, [3]])
def test_workers_of_the_wrong_type(workers: Any) -> None:
    assert messages(valid(workers=workers)) == ["workers must be a whole number"]


@pytest.mark.parametrize("prefix", ["agents", "a/b", "isollm-"])
def test_validate_invalid_branch_prefix(prefix: str) -> None:
    assert messages(valid(git={"branch_prefix": prefix})) == ["git.branch_prefix must end with '/'"]


def test_validate_branch_prefix_just_slash() -> None:
    assert messages(valid(git={"branch_prefix": "/"})) == ["git.branch_prefix cannot be just '/'"]


def test_base_branch_with_a_space_says_so() -> None:
    assert messages(valid(git={"base_branch": "my branch"})) == [
        "git.base_branch is not a valid branch name: cannot contain a space (or other whitespace)"]


def test_an_oci_image_with_capitals_says_lowercase() -> None:
    assert messages(valid(image="ghcr.io/Org/img:1.0")) == [
        'invalid image "ghcr.io/Org/img:1.0": an OCI repository name must be lowercase (registry/name:tag, '
        'as in ghcr.io/org/img:1.0)']


@pytest.mark.parametrize("branch", ["feat~1", "a:b", "x?", "a*", "a[b", "a\\b", "ünï"])
def test_base_branch_invalid_characters(branch: str) -> None:
    assert messages(valid(git={"base_branch": branch})) == ["git.base_branch contains invalid characters"]


def test_base_branch_required() -> None:
    assert messages(valid(git={"base_branch": ""})) == ["git.base_branch is required"]


@pytest.mark.parametrize(("port", "reason"), [
    ("abc", "not a valid number"), ("1:2:3", "invalid format, expected 'port' or 'host:container'"),
    ("70000", "port out of range (1-65535)"), ("0", "port out of range (1-65535)"),
    (0, "port out of range (1-65535)"), (65536, "port out of range (1-65535)"),
])
def test_validate_invalid_port(port: Any, reason: str) -> None:
    assert messages(valid(ports=[port])) == [f'invalid port "{port}": {reason}']


@pytest.mark.parametrize(("port", "shown"), [(3.5, "3.5"), (float("inf"), "Infinity"), (True, "true"),
                                             (None, "null"), ([80], "[80]")])
def test_port_of_the_wrong_type_gets_one_message(port: Any, shown: str) -> None:
    assert messages(valid(ports=[port])) == [f'invalid port {shown}: must be a whole number or a "host:container" string']


@pytest.mark.parametrize("ports", [["8080", "8080"], [8080, "8080:80"], ["8080", 8080.0]])
def test_validate_duplicate_ports(ports: list[Any]) -> None:
    assert messages(valid(ports=ports)) == ["duplicate port: 8080"]


def test_validate_port_conflict_with_airyra_default_and_explicit() -> None:
    default_port = SCHEMA["properties"]["airyra"]["properties"]["port"]["default"]
    assert messages(valid(ports=[default_port])) == [f"port {default_port} conflicts with airyra.port"]
    assert messages(valid(ports=["9000:1"], airyra={"port": 9000})) == ["port 9000 conflicts with airyra.port"]
    assert messages(valid(ports=[default_port], airyra={"port": 9000})) == []


@pytest.mark.parametrize("layout", ["tiles", "Grid", "", "auto "])
def test_validate_invalid_layout(layout: str) -> None:
    assert messages(valid(zellij={"layout": layout})) == [
        "zellij.layout must be one of: auto, horizontal, vertical, grid"]


@pytest.mark.parametrize("layout", ["auto", "horizontal", "vertical", "grid"])
def test_valid_layouts(layout: str) -> None:
    assert messages(valid(zellij={"layout": layout})) == []


@pytest.mark.parametrize("port", [80, 1023, 65536, 0])
def test_airyra_port_range(port: int) -> None:
    assert messages(valid(airyra={"port": port})) == ["airyra.port must be between 1024 and 65535"]


def test_validate_multiple_errors_are_all_reported() -> None:
    data = {"project": "1", "workers": 50, "image": "", "git": {"branch_prefix": "x"},
            "airyra": {"port": 1}, "ports": ["abc", "9", "9"], "zellij": {"layout": "x"}}
    with pytest.raises(ValidationError) as raised:
        cfg.Config(data).validate()
    error = raised.value
    # One message per bad value: project "1" is told its characters, not also its length.
    assert len(error.errors) == 8
    assert str(error).startswith("config validation failed:\n  - ")
    assert str(error).count("\n  - ") == 8
    assert isinstance(error, IsollmError)
    assert {issue.pointer for issue in error.issues} >= {"/project", "/workers", "/image", "/ports/0", "/ports/2"}


@pytest.mark.parametrize(("image", "warned"), [
    ("ubuntu", True), ("ghcr.io/acme/img", True), ("ubuntu:24.04", False),
    ("img@sha256:" + "0" * 64, False), ("images:debian/12", False),
])
def test_warnings_image_no_tag(image: str, warned: bool) -> None:
    config = cfg.Config(valid(image=image))
    assert config.warnings() == (["image has no tag, will use :latest"] if warned else [])
    config.validate()  # a warning is not an error


@pytest.mark.parametrize("host", ["bad host", "under_score", "999.0.0.1", "-x", "a..b"])
def test_invalid_airyra_host(host: str) -> None:
    (message,) = messages(valid(airyra={"host": host}))
    assert message.startswith(f'airyra.host "{host}" is not a valid hostname or IP address')


@pytest.mark.parametrize("upstream", ["two words", "ftp://x/y", "", "bad!", "origin\t"])
def test_invalid_upstream(upstream: str) -> None:
    (message,) = messages(valid(git={"upstream": upstream}))
    assert message.startswith("git.upstream is not a valid remote")


@pytest.mark.parametrize("image", [":", "ubuntu:", "a b", "x@sha256:1", "Bad/Name:1"])
def test_invalid_image(image: str) -> None:
    (message,) = messages(valid(image=image))
    assert message.startswith(f'invalid image "{image}"')


def test_unknown_keys_suggest_near_misses() -> None:
    assert sorted(messages(valid(worker=3, zellij={"layuot": "grid"}, colour="red"))) == [
        'unknown key "colour"',
        'unknown key "worker" (did you mean "workers"?)',
        'unknown key "zellij.layuot" (did you mean "zellij.layout"?)',
    ]


# --- defaults ------------------------------------------------------------------------------------

def schema_defaults(schema: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for name, sub in schema["properties"].items():
        if "properties" in sub:
            out[name] = schema_defaults(sub)
        elif "default" in sub:
            out[name] = sub["default"]
    return out


def test_default_config_is_the_schema_defaults() -> None:
    resolved = cfg.default_config("demo").to_dict()
    expected = schema_defaults(SCHEMA)
    expected["project"] = "demo"
    expected["airyra"]["project"] = "demo"
    assert resolved == expected
    assert resolved["zellij"]["dashboard"] is True
    assert resolved["image"] == "ubuntu:24.04"


def test_load_fills_only_missing_values(tmp_path: Path) -> None:
    (tmp_path / "isollm.yaml").write_text("project: demo\nworkers: 0\nairyra:\n  port: 0\nzellij:\n  layout: grid\n")
    config = cfg.load(tmp_path)
    assert config.workers == 0 and config.airyra.port == 0  # as written, not replaced
    assert config.zellij.layout == "grid" and config.zellij.dashboard is True
    assert config.airyra.host == "localhost"
    assert messages(config.to_dict()) == ["workers must be at least 1", "airyra.port must be between 1024 and 65535"]


def test_load_default_and_default_config_agree(tmp_path: Path) -> None:
    (tmp_path / "isollm.yaml").write_text("project: demo\n")
    assert cfg.load(tmp_path).to_dict() == cfg.default_config("demo").to_dict()


def test_attributes_read_and_write_through() -> None:
    config = cfg.default_config("demo")
    config.workers = 25
    config.git.branch_prefix = "nope"
    assert config.to_dict()["git"]["branch_prefix"] == "nope"
    assert config.warnings() == []
    with pytest.raises(ValidationError) as raised:
        config.validate()
    assert raised.value.errors == ["workers cannot exceed 20", "git.branch_prefix must end with '/'"]


def test_whole_number_floats_read_as_integers(tmp_path: Path) -> None:
    (tmp_path / "isollm.yaml").write_text("project: demo\nworkers: 3.0\nairyra:\n  port: 9e3\n")
    config = cfg.load(tmp_path)
    assert config.issues() == []
    assert (config.workers, config.airyra.port) == (3, 9000)
    assert all(isinstance(v, int) and not isinstance(v, bool) for v in (config.workers, config.airyra.port))
    # Through the API a port is a number or its text; Config.ports holds text.
    assert cfg.Config(valid(ports=[1e3, 2000.0, "3000"])).ports == ["1000", "2000", "3000"]
    assert messages(valid(workers=3.5)) == ["workers must be a whole number"]


# --- load / save ---------------------------------------------------------------------------------

def test_save_load_round_trip(tmp_path: Path) -> None:
    original = cfg.default_config("round-trip")
    original.ports = [3000, "8080:80"]
    original.git.upstream = "git@github.com:a/b.git"
    original.claude.args = ["yes", "on", "0o17", "1e3", "~", "8080:80", "2024-01-01"]
    path = cfg.save(tmp_path, original)
    assert path == tmp_path / "isollm.yaml"
    loaded = cfg.load(tmp_path)
    assert loaded.to_dict() == original.to_dict()
    loaded.validate()
    text = path.read_text()
    assert text.startswith(f"# yaml-language-server: $schema={cfg.SCHEMA_COPY}\n")
    assert not list(tmp_path.glob(".isollm.yaml.*"))  # no temporary file left


def test_save_failure_keeps_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg.save(tmp_path, cfg.default_config("first"))
    before = (tmp_path / "isollm.yaml").read_bytes()

    def broken_replace(*args: Any, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        cfg.save(tmp_path, cfg.default_config("second"))
    assert (tmp_path / "isollm.yaml").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["isollm.yaml"]


COMMENTED = """\
# yaml-language-server: $schema=https://example.invalid/isollm.schema.json
# Our project.
project: demo   # container names use it

workers: 3  # one per core
git:
  base_branch: 'main'
  # upstream: origin
ports:
  - "3000"   # web
"""


def test_save_keeps_comments_and_changes_only_what_changed(tmp_path: Path) -> None:
    path = tmp_path / "isollm.yaml"
    path.write_text(COMMENTED)
    config = cfg.load(tmp_path)
    config.workers = 5
    config.ports = ["3000", "8080:80"]
    config.zellij.layout = "grid"  # a section the file leaves out
    config.git.upstream = "origin"
    cfg.save(tmp_path, config)
    assert path.read_text() == COMMENTED.replace("workers: 3", "workers: 5").replace(
        "  base_branch: 'main'\n", "  base_branch: 'main'\n  upstream: origin\n") + \
        '  - "8080:80"\nzellij:\n  layout: grid\n'
    assert cfg.load(tmp_path) == config


def test_save_leaves_defaults_out_and_removes_what_was_removed(tmp_path: Path) -> None:
    path = tmp_path / "isollm.yaml"
    path.write_text(COMMENTED)
    config = cfg.load(tmp_path)
    config.ports = []  # the default, but the file writes ports: it stays written
    config.git.base_branch = "main"  # unchanged
    cfg.save(tmp_path, config)
    assert path.read_text() == COMMENTED.replace('ports:\n  - "3000"   # web\n', "ports: []\n")
    fresh = cfg.default_config("demo")   # every value at its default
    cfg.save(tmp_path, fresh)
    assert cfg.load(tmp_path) == fresh
    assert "# Our project." in path.read_text()
    assert "image" not in path.read_text()   # a default the file left out stays out


def test_save_an_unchanged_config_does_not_touch_the_file(tmp_path: Path) -> None:
    path = tmp_path / "isollm.yaml"
    path.write_text(COMMENTED)
    os.utime(path, ns=(1, 1))
    cfg.save(tmp_path, cfg.load(tmp_path))
    assert path.stat().st_mtime_ns == 1


def test_save_refuses_an_invalid_config_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "isollm.yaml"
    path.write_text(COMMENTED)
    config = cfg.load(tmp_path)
    config.workers = 99
    config.ports = ["7432"]
    with pytest.raises(ValidationError) as raised:
        cfg.save(tmp_path, config)
    assert raised.value.errors == ["workers cannot exceed 20", "port 7432 conflicts with airyra.port"]
    assert path.read_text() == COMMENTED
    with pytest.raises(ValidationError):
        cfg.save(tmp_path / "new", cfg.default_config("x"))   # too short a name: no file either
    assert not (tmp_path / "new").exists()


def test_save_keeps_the_file_mode(tmp_path: Path) -> None:
    path = tmp_path / "isollm.yaml"
    path.write_text(COMMENTED)
    os.chmod(path, 0o600)
    config = cfg.load(tmp_path)
    config.workers = 4
    cfg.save(tmp_path, config)
    assert path.stat().st_mode & 0o777 == 0o600


def test_save_refuses_when_the_file_changed_meanwhile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from isollm.io import yaml_edit

    path = tmp_path / "isollm.yaml"
    path.write_text(COMMENTED)
    config = cfg.load(tmp_path)
    config.workers = 4
    real = yaml_edit.set_value

    def racing_set(text: str, keys: Any, value: Any) -> str:
        path.write_text(COMMENTED + "# theirs\n")
        return real(text, keys, value)

    monkeypatch.setattr(yaml_edit, "set_value", racing_set)
    with pytest.raises(ConfigError, match="changed on disk meanwhile"):
        cfg.save(tmp_path, config)
    assert path.read_text() == COMMENTED + "# theirs\n"


def test_save_over_a_file_that_is_not_a_config_is_refused_not_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "isollm.yaml"
    path.write_text("- not\n- a mapping\n")
    with pytest.raises(ConfigError, match=r"isollm.yaml:1:1: config must be a mapping of keys to values, not a list"):
        cfg.save(tmp_path, cfg.default_config("demo"))
    assert path.read_text() == "- not\n- a mapping\n"


@pytest.mark.parametrize("text", ["", "# only a comment\n"])
def test_save_over_an_empty_file_adds_the_keys_and_keeps_the_comments(tmp_path: Path, text: str) -> None:
    path = tmp_path / "isollm.yaml"
    path.write_text(text)
    config = cfg.default_config("demo")
    config.workers = 4
    cfg.save(tmp_path, config)
    assert path.read_text() == text + "project: demo\nworkers: 4\n"


def test_load_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found: .*isollm.yaml"):
        cfg.load(tmp_path)


def test_load_directory_named_like_the_config(tmp_path: Path) -> None:
    (tmp_path / "isollm.yaml").mkdir()
    with pytest.raises(ConfigError, match="is a directory"):
        cfg.load(tmp_path)
    assert not cfg.exists(tmp_path)


def test_load_and_validate(tmp_path: Path) -> None:
    (tmp_path / "isollm.yaml").write_text("project: demo\nworkers: 99\n")
    with pytest.raises(ValidationError) as raised:
        cfg.load_and_validate(tmp_path)
    (issue,) = raised.value.issues
    assert (issue.message, issue.pointer, issue.line, issue.column, issue.keyword) == (
        "workers cannot exceed 20", "/workers", 2, 10, "maximum")
    (tmp_path / "isollm.yaml").write_text("project: demo\n")
    assert cfg.load_and_validate(tmp_path).project == "demo"


def test_find_project_root_from_nested_directories(tmp_path: Path) -> None:
    (tmp_path / "isollm.yaml").write_text("project: demo\n")
    nested = tmp_path / "a" / "b" / "c"
    nested.mkdir(parents=True)
    assert cfg.find_project_root(nested) == tmp_path.resolve()
    assert cfg.find_project_root(tmp_path) == tmp_path.resolve()
    inner = tmp_path / "a" / "isollm.yaml"
    inner.write_text("project: inner\n")
    assert cfg.find_project_root(nested) == (tmp_path / "a").resolve()


def test_find_project_root_outside_a_project(tmp_path: Path) -> None:
    # It says where it looked (here and every directory above) and what makes a project.
    with pytest.raises(ConfigError) as raised:
        cfg.find_project_root(tmp_path)
    assert raised.value.message == (f"not in an isollm project: no isollm.yaml in {tmp_path.resolve()} or any "
                                    "directory above it ('isollm init' creates one)")


def test_create_state_dir_and_exists(tmp_path: Path) -> None:
    assert not cfg.exists(tmp_path)
    state = cfg.create_state_dir(tmp_path)
    assert state == tmp_path / ".isollm" and state.is_dir()
    assert cfg.create_state_dir(tmp_path) == state  # idempotent


# --- single source of truth ----------------------------------------------------------------------

def test_changing_the_schema_changes_every_consumer(tmp_path: Path) -> None:
    """A copy of the package with a different limit in its schema behaves differently."""
    root = Path(__file__).resolve().parent.parent
    shutil.copytree(root / "isollm", tmp_path / "isollm", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(root / "schemas", tmp_path / "schemas")
    schema_file = tmp_path / "schemas" / "isollm.schema.json"
    schema = json.loads(schema_file.read_text())
    schema["properties"]["workers"]["maximum"] = 5
    schema["properties"]["zellij"]["properties"]["layout"]["enum"].append("stacked")
    schema_file.write_text(json.dumps(schema))
    config_file = tmp_path / "isollm.yaml"
    config_file.write_text("project: demo\nworkers: 6\nzellij:\n  layout: stacked\n")
    probe = ("import isollm.config as c; print(c.MAX_WORKERS);"
             "print(c.load('.').issues()[0].message)")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.stdout.splitlines() == ["5", "workers cannot exceed 5"], result.stderr
    hook = subprocess.run([sys.executable, "-m", "isollm.cli.hook", "isollm.yaml"], cwd=tmp_path, env=env,
                          capture_output=True, text=True)
    assert hook.stderr.splitlines() == ["isollm.yaml:2:10: error: workers cannot exceed 5"]
    help_text = subprocess.run([sys.executable, "-m", "isollm", "init", "--help"], cwd=tmp_path, env=env,
                               capture_output=True, text=True).stdout
    assert "in parallel, 1-5 (default 3)" in help_text


def test_save_through_a_symlinked_config_replaces_the_target_and_keeps_the_link(tmp_path: Path) -> None:
    shared = tmp_path / "dotfiles"
    shared.mkdir()
    (shared / "isollm.yaml").write_text("project: first\n")
    project = tmp_path / "project"
    project.mkdir()
    (project / "isollm.yaml").symlink_to(shared / "isollm.yaml")
    cfg.save(project, cfg.default_config("second"))
    assert (project / "isollm.yaml").is_symlink()
    assert cfg.load(shared).project == "second"
    assert sorted(p.name for p in shared.iterdir()) == ["isollm.yaml"]


def test_a_value_of_another_python_type_is_copied_not_recursed_into() -> None:
    config = cfg.Config({"project": "abc", "ports": ("3000",)})  # a tuple, through the API
    assert [i.keyword for i in config.issues()] == ["type"]


# --- the one check stage (isollm.check), which the API, the CLI and an editor call -------------

STAGE_TEXT = ("# yaml-language-server: $schema=https://raw.githubusercontent.com/isollm/isollm-toolkit/main/x.json\n"
              "project: demo\nimage: ubuntu\nworkers: 010\nports:\n" + "".join(f"  - bad{i}\n" for i in range(120)))


@pytest.mark.parametrize("name", ["svc/isollm.yml", "isollm.yaml"])
def test_the_stage_runs_every_rule_from_bytes_or_text(name: str) -> None:
    from isollm.check import check_config

    checked = check_config(STAGE_TEXT.encode(), name)
    assert check_config(STAGE_TEXT, name) == checked  # an editor's text is judged as the file's bytes
    errors, warnings = checked.errors, checked.warnings
    renamed = name.endswith(".yml")
    assert [i.keyword for i in errors[:2]] == (["fileName", "leadingZero"] if renamed else ["leadingZero", "pattern"])
    assert len(errors) == renamed + cfg.MAX_LISTED + 1 and errors[-1].keyword == "leftOut"  # the name is not counted
    assert [(i.keyword, i.line) for i in warnings] == [("modeline", 1), ("warning", 3)]
    assert {i.path for i in errors + warnings} == {name} and not checked.valid
    # The API's problems are the stage's, for the same file (the file name is the CLI's to judge).
    config = cfg.parse_config_text(STAGE_TEXT, name)
    assert config.issues() == errors[renamed:] and config.warning_issues() == warnings[1:]
    assert checked.data is not None and cfg.Config(checked.data) == config


def test_the_stage_reports_what_cannot_be_read_as_one_located_error() -> None:
    from isollm.check import check_config

    for raw, line in ((b"project: demo\n\xff\n", 2), ("a: [\n", 2), ("", 1), ("- a\n", 1)):
        checked = check_config(raw, "x.yaml")
        assert len(checked.errors) == 1 and checked.errors[0].line == line, checked
        assert (checked.warnings, checked.data, checked.document) == ([], None, None)
# --- save through the one edit path (issue 16) ---------------------------------------------------

def test_save_refuses_a_change_it_cannot_make_in_place_and_keeps_the_file(tmp_path: Path) -> None:
    path = tmp_path / "isollm.yaml"
    text = "# mine\nproject: &name demo  # anchored\nairyra:\n  project: *name\n"
    path.write_text(text)
    config = cfg.load(tmp_path)
    config.project = "other"   # the anchor is used elsewhere: never a silent whole-file rewrite
    with pytest.raises(ConfigError, match=r"isollm.yaml: cannot change project in place: it would change other "
                                          r"values too \(an anchor used elsewhere\?\)"):
        cfg.save(tmp_path, config)
    assert path.read_text() == text


def test_save_over_a_file_with_duplicate_keys_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "isollm.yaml"
    text = "project: demo\nimage: a:1\nimage: b:2\n"
    path.write_text(text)
    config = cfg.default_config("demo")
    config.image = "b:2"
    config.workers = 4   # a change it can make, to a file validate rejects: refused
    with pytest.raises(ValidationError) as raised:
        cfg.save(tmp_path, config)
    assert raised.value.errors == ['duplicate key "image" (first defined on line 2)']
    assert path.read_text() == text
    config.image = "c:3"   # a change at the key written twice
    with pytest.raises(ConfigError, match=r"cannot change image in place: image is written twice \(lines 2 and 3\)"):
        cfg.save(tmp_path, config)
    assert path.read_text() == text


def test_save_keeps_the_comments_and_quotes_of_a_flow_mapping(tmp_path: Path) -> None:
    path = tmp_path / "isollm.yaml"
    text = 'project: demo\nclaude: {\n  command: x,  # c1\n  args: [a],  # c2\n}\ngit: {branch_prefix: "w/"}\n'
    path.write_text(text)
    config = cfg.load(tmp_path)
    config.claude.command = "y"
    config.git.base_branch = "dev"
    cfg.save(tmp_path, config)
    assert path.read_text() == text.replace("command: x", "command: y").replace('"w/"}', '"w/", base_branch: dev}')
    assert cfg.load(tmp_path) == config
