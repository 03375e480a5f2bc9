"""Whole-or-absent output folders, locks and crash-safe training (issue 12, items 2-4 and 6).

The fault-injection tests kill real ``sroi-match`` processes with SIGKILL: at the moment each
output file appears (by polling the staging folder), and at the named fault points of
:mod:`matching.core.folders` and :mod:`matching.model.registry` (``SROI_MATCH_FAULT_POINT``). After every
kill the output folder must be absent or whole (every file listed in ``summary.json`` with its
sha256, and nothing else), and the next run must clean up and say so.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from matching.core.folders import (
    FAULT_ENV,
    LockHeldError,
    OutputFolderError,
    StagedFolder,
    acquire,
    hold_lock,
    lock_path_for,
    release,
)
from matching.model.registry import Registry

ROOT = Path(__file__).resolve().parent.parent


def cli(*args: object, env: dict[str, str] | None = None, **kwargs) -> subprocess.Popen:
    """Start ``sroi-match ARGS`` as a real process (so that it can be killed)."""
    full_env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "Agg", **(env or {})}
    return subprocess.Popen([sys.executable, "-m", "matching.cli", *map(str, args)], cwd=ROOT,
                            env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, **kwargs)


def finish(proc: subprocess.Popen, timeout: float = 300) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files_under(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def assert_whole_or_absent(out: Path) -> str | None:
    """Absent, or every file ``summary.json`` lists is there with its sha256 and nothing else.

    Returns the sha256 of summary.json (which run it is), or None when absent.
    """
    if not out.exists():
        return None
    summary_path = out / "summary.json"
    assert summary_path.is_file(), f"{out} exists without summary.json: {sorted(files_under(out))}"
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    listed = {entry["name"]: entry for entry in summary["files"]}
    assert files_under(out) == set(listed) | {"summary.json"}, "stale or missing files"
    for name, entry in listed.items():
        if entry["sha256"] is not None:
            assert sha256(out / name) == entry["sha256"], f"{name} is not the file of this run"
            assert (out / name).stat().st_size == entry["bytes"], name
    return sha256(summary_path)


def leftovers(out: Path) -> list[str]:
    """Anything beside ``out`` that a run leaves behind (staging, moved-aside, lock file)."""
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


# --------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def world(tmp_path_factory) -> tuple[Path, Path]:
    """A small generated dataset and a registry with one active model trained on it."""
    root = tmp_path_factory.mktemp("safe")
    data, models = root / "data", root / "models"
    code, _, err = finish(cli("sample", "--out", data, "--candidates", "60", "--vacancies", "12",
                              "--placements", "300", "--seed", "3"))
    assert code == 0, err
    code, _, err = finish(cli("train", "--data", data, "--models", models, "--force"))
    assert code == 0, err
    return data, models


@pytest.fixture(scope="module")
def write_order(world, tmp_path_factory) -> list[str]:
    """The files of a complete run in the order they appear in the staging folder."""
    data, models = world
    out = tmp_path_factory.mktemp("order") / "run"
    proc = cli("assign", "--data", data, "--models", models, "--out", out)
    seen: list[str] = []
    while proc.poll() is None:
        for staging in out.parent.glob(".run.new-*"):
            try:
                seen += sorted(files_under(staging) - set(seen))
            except FileNotFoundError:  # published (renamed into place) while we looked
                break
        time.sleep(0.002)
    code, _, err = finish(proc)
    assert code == 0, err
    assert_whole_or_absent(out)
    assert set(seen) <= files_under(out) and len(seen) >= 10, seen
    assert leftovers(out) == []
    return seen


def kill_when(proc: subprocess.Popen, out: Path, name: str, timeout: float = 240) -> bool:
    """SIGKILL ``proc`` as soon as ``name`` appears in its staging folder; False if it ended."""
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        for staging in out.parent.glob(f".{out.name}.new-*"):
            if (staging / name).exists():
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                return True
        time.sleep(0.001)
    proc.communicate()
    return False


# --------------------------------------------------------------------------- fault injection
@pytest.mark.slow
def test_assign_killed_at_each_file_write_leaves_the_folder_absent_or_whole(
        world, write_order, tmp_path: Path) -> None:
    data, models = world
    out = tmp_path / "run"
    for name in write_order[:-1]:  # a first run into a new folder
        proc = cli("assign", "--data", data, "--models", models, "--out", out)
        assert kill_when(proc, out, name), f"the run ended before {name} appeared"
        assert assert_whole_or_absent(out) is None, f"killed at {name}: the folder must be absent"
    code, _, err = finish(cli("assign", "--data", data, "--models", models, "--out", out))
    assert code == 0, err
    assert "interrupted" in err and "Took over the lock" in err
    first = assert_whole_or_absent(out)
    assert leftovers(out) == []

    # Reruns into the complete folder with other options, killed at every other file: the
    # folder is always the complete previous run (never a mix, never a stale report).
    for name in write_order[:-1:2]:
        proc = cli("assign", "--data", data, "--models", models, "--out", out, "--lang", "en")
        assert kill_when(proc, out, name), f"the rerun ended before {name} appeared"
        assert assert_whole_or_absent(out) == first, f"killed at {name}"
    code, _, err = finish(cli("assign", "--data", data, "--models", models, "--out", out,
                              "--no-report"))
    assert code == 0, err
    assert assert_whole_or_absent(out) not in (None, first)
    assert not (out / "report.html").exists()  # no stale report of an earlier run
    assert leftovers(out) == []


@pytest.mark.parametrize("point", ["before-swap", "after-exchange"])
def test_assign_killed_around_the_swap(world, tmp_path: Path, point: str) -> None:
    data, models = world
    out = tmp_path / "run"
    code, _, err = finish(cli("assign", "--data", data, "--models", models, "--out", out))
    assert code == 0, err
    first = assert_whole_or_absent(out)
    code, _, _ = finish(cli("assign", "--data", data, "--models", models, "--out", out,
                            "--no-report", env={FAULT_ENV: point}))
    assert code == -signal.SIGKILL
    now = assert_whole_or_absent(out)
    assert now == first if point == "before-swap" else now not in (None, first)
    assert leftovers(out)  # the staging folder (or the swapped-out old run) and the lock
    code, _, err = finish(cli("assign", "--data", data, "--models", models, "--out", out))
    assert code == 0, err
    assert "interrupted" in err
    assert leftovers(out) == []
    assert assert_whole_or_absent(out)


SWAP_SCRIPT = textwrap.dedent("""
    import sys
    from pathlib import Path
    from matching.core.folders import StagedFolder
    with StagedFolder(Path(sys.argv[1]), marker="done", exchange_atomically=False) as staged:
        for name in ("a", "b", "done"):
            (staged.path / name).write_text(sys.argv[2])
        staged.publish()
""")


def test_two_rename_swap_killed_in_between_is_restored(tmp_path: Path) -> None:
    """Without renameat2 a kill between the renames leaves no target: the next run restores it."""
    out = tmp_path / "run"

    def swap(text: str, fault: str | None = None) -> int:
        env = {**os.environ, **({FAULT_ENV: fault} if fault else {})}
        return subprocess.run([sys.executable, "-c", SWAP_SCRIPT, str(out), text], cwd=ROOT,
                              env=env, check=False).returncode

    assert swap("one") == 0
    assert swap("two", "between-renames") == -signal.SIGKILL
    assert not out.exists()  # the window the recovery closes
    messages: list[str] = []
    with StagedFolder(out, marker="done", notify=messages.append) as staged:
        assert (out / "a").read_text() == "one"  # the previous complete run is back
        (staged.path / "done").write_text("three")
        staged.publish()
    assert "no longer running" in messages[0] and "restored the previous run" in messages[1]
    assert sorted(p.name for p in out.iterdir()) == ["done"] and leftovers(out) == []


# --------------------------------------------------------------------------- concurrency
def wait_for(path: Path, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert proc.poll() is None, finish(proc)
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.01)


def test_second_assign_into_the_same_folder_exits_2_naming_the_holder(world, tmp_path) -> None:
    data, models = world
    out = tmp_path / "run"
    first = cli("assign", "--data", data, "--models", models, "--out", out)
    wait_for(lock_path_for(out.absolute()), first)
    code, _, err = finish(cli("assign", "--data", data, "--models", models, "--out", out))
    assert code == 2
    assert f"pid {first.pid}" in err and "sroi-match assign" in err and "in use" in err
    code, _, err = finish(first)
    assert code == 0, err
    assert assert_whole_or_absent(out) and leftovers(out) == []


def test_second_training_exits_2_and_the_first_lands(world, tmp_path: Path) -> None:
    data, _ = world
    models = tmp_path / "models"
    first = cli("train", "--data", data, "--models", models, "--promote", "--force")
    wait_for(models / ".lock", first)
    code, _, err = finish(cli("train", "--data", data, "--models", models, "--promote",
                              "--force"))
    assert code == 2 and f"pid {first.pid}" in err and "model registry" in err
    code, _, err = finish(first)
    assert code == 0, err
    registry = Registry(models)
    assert registry.versions() == [registry.active()]
    assert not (models / ".lock").exists()


# --------------------------------------------------------------------------- crash-safe training
def test_training_killed_leaves_the_registry_as_it_was(world, tmp_path: Path) -> None:
    data, trained = world
    models = tmp_path / "models"
    import shutil

    shutil.copytree(trained, models)
    before = (Registry(models).versions(), Registry(models).active(), Registry(models).history())
    code, _, _ = finish(cli("train", "--data", data, "--models", models, "--promote", "--force",
                            env={FAULT_ENV: "registry-before-rename"}))
    assert code == -signal.SIGKILL
    registry = Registry(models)
    assert (registry.versions(), registry.active(), registry.history()) == before
    [staging] = models.glob(".staging-*")
    assert (staging / "model.skops").is_file()  # a whole artifact, but never registered
    code, _out, err = finish(cli("models", "list", "--models", models))
    assert code == 0, err
    assert "removed .staging-" in err and "did not finish" in err
    assert not list(models.glob(".staging-*")) and not (models / ".lock").exists()


def test_promotion_killed_between_history_and_active_is_repaired(world, tmp_path) -> None:
    data, trained = world
    models = tmp_path / "models"
    import shutil

    shutil.copytree(trained, models)
    old = Registry(models).active()
    code, _, _err = finish(cli("train", "--data", data, "--models", models, "--promote", "--force",
                              env={FAULT_ENV: "registry-between-history-and-active"}))
    assert code == -signal.SIGKILL
    registry = Registry(models)
    [new] = [v for v in registry.versions() if v != old]
    assert registry.active() == new  # HISTORY is the commit point
    assert (models / "ACTIVE").read_text().strip() == old  # the copy is behind ...
    messages: list[str] = []
    registry.recover(notify=messages.append)
    assert (models / "ACTIVE").read_text().strip() == new  # ... and repaired
    assert "repaired ACTIVE" in messages[0]


# --------------------------------------------------------------------------- units
HOLD_SCRIPT = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from matching.core.folders import acquire
    lock = acquire(Path(sys.argv[1]), what="the test folder")
    print("held", flush=True)
    time.sleep(120)
""")


def test_lock_names_a_live_holder_and_is_taken_over_when_it_dies(tmp_path: Path) -> None:
    path = tmp_path / ".lock"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_SCRIPT, str(path)], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    with pytest.raises(LockHeldError, match=f"pid {holder.pid}") as info:
        acquire(path, what="the test folder")
    assert info.value.exit_code == 2 and "the test folder is in use" in str(info.value)
    holder.kill()
    holder.wait()
    messages: list[str] = []
    with hold_lock(path, what="the test folder", notify=messages.append) as lock:
        assert lock.taken_over["pid"] == holder.pid
        assert json.loads(path.read_text())["pid"] == os.getpid()
    assert "no longer running" in messages[0]
    assert not path.exists()  # released


def test_lock_is_exclusive_within_one_process_too(tmp_path: Path) -> None:
    lock = acquire(tmp_path / ".lock", what="x")
    with pytest.raises(LockHeldError):
        acquire(tmp_path / ".lock", what="x")
    release(lock)
    release(acquire(tmp_path / ".lock", what="x"))


def test_registry_lock_is_reentrant_and_refuses_another_writer(tmp_path: Path) -> None:
    registry = Registry(tmp_path / "models")
    with registry.lock(), registry.lock():
        with pytest.raises(LockHeldError, match="model registry"):
            acquire(registry.path / ".lock", what="model registry")
        assert registry.recover() == []  # cleaning inside the lock is allowed
    assert not (registry.path / ".lock").exists()


def test_a_failed_run_leaves_the_previous_folder_untouched(tmp_path: Path) -> None:
    out = tmp_path / "run"
    with StagedFolder(out, marker="summary.json") as staged:
        (staged.path / "summary.json").write_text("1")
        staged.publish()
    with pytest.raises(RuntimeError), StagedFolder(out, marker="summary.json") as staged:
        (staged.path / "summary.json").write_text("2")
        raise RuntimeError("solver failed")
    assert (out / "summary.json").read_text() == "1"
    assert leftovers(out) == []


def test_a_foreign_folder_is_never_replaced(tmp_path: Path) -> None:
    out = tmp_path / "Documents"
    out.mkdir()
    (out / "letter.docx").write_text("mine")
    with pytest.raises(OutputFolderError, match="holds no earlier sroi-match output"), \
            StagedFolder(out, marker="summary.json"):
        pass
    assert (out / "letter.docx").read_text() == "mine" and leftovers(out) == []
    empty = tmp_path / "empty"
    empty.mkdir()
    with StagedFolder(empty, marker="summary.json") as staged:  # an empty folder is fine
        (staged.path / "summary.json").write_text("{}")
        staged.publish()
    assert (empty / "summary.json").is_file()


def test_assign_refuses_a_foreign_out_folder_with_exit_2(world, tmp_path: Path) -> None:
    data, models = world
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep")
    code, _, err = finish(cli("assign", "--data", data, "--models", models, "--out", out))
    assert code == 2 and "choose a new or empty folder" in err
    assert (out / "notes.txt").read_text() == "keep"
