"""Config files for the benchmarks: valid ones of varied shape, and invalid ones
that both peers reject (standard keywords only), so errors are really reported."""

from __future__ import annotations

import os
import random

VALID_TEMPLATE = """\
# yaml-language-server: $schema=../schemas/isollm.schema.json
project: {project}
workers: {workers}
image: {image}
setup_script: scripts/setup-worker.sh
git:
  base_branch: {branch}
  branch_prefix: {prefix}
  upstream: git@github.com:acme/{project}.git
claude:
  command: claude
  args:
    - --dangerously-skip-permissions
airyra:
  host: '{host}'
  port: {airyra_port}
ports:
{ports}
zellij:
  layout: {layout}
  dashboard: {dashboard}
"""

# Each breaks a rule that plain check-jsonschema enforces too (no custom format
# or keyword), so the bulk comparison counts the same files as invalid.
BREAKERS = (
    ("workers: {workers}", "workers: 25"),
    ("project: {project}", "project: 9{project}"),
    ("  layout: {layout}", "  layout: diagonal"),
    ("  port: {airyra_port}", "  port: 80"),
    ("zellij:", "colour: blue\nzellij:"),
    ("  dashboard: {dashboard}", "  dashboard: sometimes"),
)

IMAGES = ("ubuntu:24.04", "images:debian/12", "ghcr.io/acme/dev:1.4", "ubuntu:22.04")
HOSTS = ("localhost", "127.0.0.1", "tasks.internal", "[::1]")
LAYOUTS = ("auto", "horizontal", "vertical", "grid")


def config_text(rng: random.Random, index: int, *, invalid: bool) -> str:
    template = VALID_TEMPLATE
    if invalid:
        old, new = BREAKERS[index % len(BREAKERS)]
        template = template.replace(old, new, 1)
    airyra_port = rng.randrange(7000, 7999)
    ports = [str(p) for p in rng.sample(range(3000, 3999), rng.randrange(1, 5))]
    ports.append(f"{rng.randrange(8000, 8999)}:80")
    return template.format(
        project=f"proj-{index}", workers=rng.randrange(1, 21), image=rng.choice(IMAGES),
        branch=rng.choice(("main", "develop", "release/1.x")), prefix=rng.choice(("isollm/", "agents/")),
        host=rng.choice(HOSTS), airyra_port=airyra_port,
        ports="\n".join(f'  - "{p}"' for p in ports), layout=rng.choice(LAYOUTS),
        dashboard=rng.choice(("true", "false")),
    )


def write_configs(directory: str, count: int, *, invalid_every: int = 10, seed: int = 6) -> tuple[list[str], int]:
    """``count`` files in ``directory``; every ``invalid_every``-th is invalid. Returns (paths, invalid)."""
    rng = random.Random(seed)
    os.makedirs(directory, exist_ok=True)
    paths = []
    invalid = 0
    for index in range(count):
        bad = invalid_every > 0 and index % invalid_every == invalid_every - 1
        invalid += bad
        path = os.path.join(directory, f"isollm-{index:04d}.yaml")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(config_text(rng, index, invalid=bad))
        paths.append(path)
    return paths, invalid


def write_project(directory: str) -> str:
    """A project directory holding one valid ``isollm.yaml``; returns the file's path."""
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, "isollm.yaml")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(config_text(random.Random(1), 0, invalid=False))
    return path
