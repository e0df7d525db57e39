"""Any valid record survives save and load unchanged, and the fast path stays light."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from isollm.state import MemoryState, TaskRef, WorkerState, WorkerStatus
from isollm.state.codec import decode_state, encode_state
from tests.state_helpers import worker

REPO = Path(__file__).resolve().parent.parent

_zones = st.sampled_from([timezone.utc, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-8))])
_times = st.builds(lambda dt, tz: dt.replace(tzinfo=tz),
                   st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)), _zones)
_names = st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9._-]{0,63}\Z")
_text = st.text(max_size=40)
_tasks = st.none() | st.builds(TaskRef, id=_text, title=_text, claimed_at=_times)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=_names, status=st.sampled_from(list(WorkerStatus)), container_id=_text, ip=_text, task=_tasks,
       branch=_text, started=_times, active=_times, error=_text, error_time=st.none() | _times)
def test_any_valid_worker_round_trips(name: str, status: WorkerStatus, container_id: str, ip: str,
                                      task: TaskRef | None, branch: str, started: datetime, active: datetime,
                                      error: str, error_time: datetime | None) -> None:
    original = WorkerState(name=name, status=status, container_id=container_id, ip=ip, current_task=task,
                           current_branch=branch, started_at=started, last_activity=active, last_error=error,
                           error_time=error_time)
    data = encode_state("worker", original.to_dict())
    loaded = WorkerState.from_dict(decode_state("worker", data)[0])
    assert loaded == original
    assert encode_state("worker", loaded.to_dict()) == data
    store = MemoryState()
    store.save_worker(original)
    assert store.load_worker(name) == original


def test_loading_valid_state_imports_neither_jsonschema_nor_fire(tmp_path: Path) -> None:
    from isollm.state import FileState

    store = FileState(tmp_path)
    store.save_worker(worker("worker-1"))
    code = ("import sys; from isollm.state import FileState; s = FileState(sys.argv[1]); "
            "s.load_all_workers(); s.load_worker('worker-1'); s.save_worker(s.load_worker('worker-1')); "
            "bad = [m for m in ('jsonschema', 'fire') if m in sys.modules]; print(bad)")
    run = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True,
                         cwd=REPO, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"
