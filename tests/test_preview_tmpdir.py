"""The preview's throwaway site goes to a folder in memory where the machine has one with room
(`make serve`, preview.memory_folder): on a disk slow at making files, making the site anew at
each save was half of the officer's wait at N = 33."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import REPO
from strategy_site.preview import memory_folder

SCRIPT = REPO / "scripts" / "preview_tmpdir.py"


def test_the_first_writable_folder_with_room_is_chosen(tmp_path: Path) -> None:
    missing, a_file, room = tmp_path / "missing", tmp_path / "a-file", tmp_path / "room"
    a_file.write_text("", encoding="utf-8")
    room.mkdir()
    assert memory_folder([str(missing), str(a_file), str(room)], room=0) == room


def test_no_folder_is_chosen_without_room_or_without_one(tmp_path: Path) -> None:
    assert memory_folder([str(tmp_path)], room=2**62) is None  # no disk has 4 EiB free
    assert memory_folder([str(tmp_path / "missing")], room=0) is None


def test_make_serve_keeps_the_officers_own_tmpdir_else_takes_the_folder_in_memory(
    tmp_path: Path,
) -> None:
    env = {key: value for key, value in os.environ.items() if key != "TMPDIR"}
    chosen = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True,
                            env={**env, "TMPDIR": str(tmp_path)}, check=True).stdout.strip()
    assert chosen == str(tmp_path)
    default = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True,
                             env=env, check=True).stdout.strip()
    assert default == str(memory_folder() or "")
    assert "scripts/preview_tmpdir.py" in (REPO / "Makefile").read_text(encoding="utf-8")
