"""`build_map.py serve` is a live preview that also rebuilds when a record changes."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.read().decode("utf-8")
    except OSError:
        return None


def _wait_for(url: str, needle: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        body = _fetch(url)
        if body and needle in body:
            return True
        time.sleep(0.3)
    return False


def test_serve_rebuilds_when_a_record_changes(tmp_path):
    for name in ("pyproject.toml", "mkdocs.yml"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "content", tmp_path / "content")
    (tmp_path / "facilities").mkdir()
    (tmp_path / "petakla").symlink_to(ROOT / "petakla")  # mkdocs.yml names the hook by path
    record = tmp_path / "facilities" / "contoh-taman.yml"
    record.write_text("nama: Contoh Taman Pertama\nkategori: ruang-bermain-ramah-anak\n"
                      "kelurahan: Teluk Dalam\nlokasi: [-3.3225, 114.5805]\nsumber: uji\n",
                      encoding="utf-8")
    port = _free_port()
    url = f"http://127.0.0.1:{port}/fasilitas/contoh-taman/"
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "build_map.py"), "--root", str(tmp_path), "serve",
         "--dev-addr", f"127.0.0.1:{port}"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ},
    )
    try:
        assert _wait_for(url, "Contoh Taman Pertama", 60), "preview never served the record"
        record.write_text(record.read_text(encoding="utf-8").replace("Pertama", "Kedua"),
                          encoding="utf-8")
        assert _wait_for(url, "Contoh Taman Kedua", 30), "preview did not pick up the edit"
    finally:
        proc.terminate()
        try:
            output = proc.communicate(timeout=10)[0].decode("utf-8", "replace")
        except subprocess.TimeoutExpired:
            proc.kill()
            output = proc.communicate()[0].decode("utf-8", "replace")
    assert "Traceback" not in output, output
