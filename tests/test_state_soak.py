"""Soak: writers, readers and deleters SIGKILLed at random; afterwards every file is valid.

Bounded: ISOLLM_SOAK_SECONDS or --soak-seconds (default 5 s).
"""

from __future__ import annotations

from pathlib import Path

from tests.state_soak import run_soak


def test_state_survives_random_kills(tmp_path: Path, soak_seconds: float) -> None:
    outcome = run_soak(tmp_path, soak_seconds, processes=4, seed=7)
    assert outcome["problems"] == [], outcome["problems"][:10]
    assert outcome["kills"] >= 4 and outcome["operations"] > 0, outcome
