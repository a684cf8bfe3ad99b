"""A command as a fresh process, the way users run it: wall time, CPU time (user + system of
the process and its children) and peak memory (GNU time, plus /proc sampled over the whole
process tree)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path


class TreeMemory:
    """Peak memory of a process and all its descendants together, sampled every 0.1 s from
    /proc: GNU time reports the largest single process, which hides a build's worker
    processes. Sum of RSS (counts pages shared after fork once per process: an upper bound)
    and of PSS (shared pages split between the processes sharing them)."""

    def __init__(self, root: int):
        self.root, self.rss, self.pss, self.procs = root, 0, 0, 1
        self.available = Path(f"/proc/{root}").exists()

    def _tree(self) -> list[int]:
        parent: dict[int, list[int]] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parent.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        found, todo = [], [self.root]
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo.extend(parent.get(pid, []))
        return found

    def sample(self) -> None:
        if not self.available:
            return
        rss = pss = 0
        pids = self._tree()
        for pid in pids:
            try:
                text = Path(f"/proc/{pid}/smaps_rollup").read_text()
            except OSError:
                continue
            for key, value in re.findall(r"^(Rss|Pss):\s+(\d+) kB", text, re.M):
                if key == "Rss":
                    rss += int(value) * 1024
                else:
                    pss += int(value) * 1024
        self.rss, self.pss = max(self.rss, rss), max(self.pss, pss)
        self.procs = max(self.procs, len(pids))

    def result(self) -> dict:
        if not self.available or not self.rss:
            return {}
        return {"tree_peak_rss_mb": round(self.rss / 1e6, 1),
                "tree_peak_pss_mb": round(self.pss / 1e6, 1), "tree_max_processes": self.procs}


def timed_subprocess(cmd: list[str], cwd: Path, log_file: Path, timeout: float) -> dict:
    """Wall time, exit code and peak RSS (GNU time -v, else getrusage in a fresh child)."""
    gnu_time = Path("/usr/bin/time")
    use_time = gnu_time.exists() and subprocess.run(
        [str(gnu_time), "-v", "true"], capture_output=True).returncode == 0
    if use_time:
        full = [str(gnu_time), "-v", *cmd]
    else:
        wrapper = ("import resource, subprocess, sys; rc = subprocess.call(sys.argv[1:]); "
                   "u = resource.getrusage(resource.RUSAGE_CHILDREN); "
                   "print('Maximum resident set size (kbytes): %d' % u.ru_maxrss, "
                   "file=sys.stderr); print('User time (seconds): %.2f' % u.ru_utime, "
                   "file=sys.stderr); print('System time (seconds): %.2f' % u.ru_stime, "
                   "file=sys.stderr); sys.exit(rc)")
        full = [sys.executable, "-c", wrapper, *cmd]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    t0 = time.perf_counter()
    with open(log_file, "w", encoding="utf-8") as fh:
        proc = subprocess.Popen(full, cwd=cwd, stdout=fh, stderr=subprocess.STDOUT, env=env)
        tree = TreeMemory(proc.pid)
        try:
            while proc.poll() is None:
                tree.sample()
                if time.perf_counter() - t0 > timeout:
                    proc.kill()
                    raise subprocess.TimeoutExpired(full, timeout)
                time.sleep(0.1)
        finally:
            proc.wait()
    wall = time.perf_counter() - t0
    text = log_file.read_text(encoding="utf-8", errors="replace")
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    user = re.search(r"User time \(seconds\): ([\d.]+)", text)
    system = re.search(r"System time \(seconds\): ([\d.]+)", text)
    out = {"wall_s": round(wall, 2), "returncode": proc.returncode,
           "cpu_s": round(float(user[1]) + float(system[1]), 2) if user and system else None,
           "peak_rss_mb": round(int(m[1]) * 1024 / 1e6, 1) if m else None,
           "rss_tool": "GNU time -v" if use_time else "getrusage(RUSAGE_CHILDREN)",
           **tree.result(), "log": str(log_file)}
    if proc.returncode != 0:
        tail = [line for line in text.splitlines() if line.strip()
                and not line.startswith("\t")][-6:]
        out["error"] = f"exit {proc.returncode}: " + " | ".join(tail)[-400:]
    return out
