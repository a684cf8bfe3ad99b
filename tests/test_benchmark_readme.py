"""The benchmark in README.md is the committed run: its table renders again from
benchmarks/results/latest.json to the same text. And the benchmark package runs end to end
on the real records (its `check` measures, the small ones), as a newcomer would start it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results" / "latest.json"
sys.path.insert(0, str(REPO / "benchmarks"))

from petakla_bench import measures, readme  # noqa: E402

measures.load_all()


def test_readme_table_is_the_committed_run():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    data = json.loads(RESULTS.read_text(encoding="utf-8"))
    assert readme.section(text) == readme.render(data), (
        "README.md's benchmark table is not benchmarks/results/latest.json: run "
        "`.venv/bin/python benchmarks/run.py --readme-only`")
    for target in data["targets"]:  # every target with its verdict
        assert f"| `{target['target']}` |" in text


def test_readme_only_rewrites_just_the_section(tmp_path):
    data = json.loads(RESULTS.read_text(encoding="utf-8"))
    copy = tmp_path / "README.md"
    copy.write_text(f"# Judul\n\nsebelum\n\n{readme.START}\nusang\n{readme.END}\n\nsesudah\n",
                    encoding="utf-8")
    readme.write(data, copy)
    text = copy.read_text(encoding="utf-8")
    assert readme.section(text) == readme.render(data)
    assert text.startswith("# Judul\n\nsebelum\n\n") and text.endswith("\n\nsesudah\n")
    assert "usang" not in text


def test_benchmark_runs_on_the_real_records(tmp_path):
    out = tmp_path / "hasil.json"
    proc = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "run.py"), "--sizes", "real", "--repeats", "1",
         "--skip-build", "--skip-browser", "--skip", "maps,peta_page", "--out", str(out)],
        capture_output=True, text=True, timeout=600, cwd=REPO)
    assert proc.returncode == 0, proc.stderr[-2000:]
    data = json.loads(out.read_text(encoding="utf-8"))
    (real,) = data["results"]
    assert real["size"] == "real"
    assert real["n"] == len(list((REPO / "facilities").glob("*.yml")))
    assert real["check"]["published"] == real["n"]
    assert real["check_cli"]["median_s"] > 0 and real["check_cli"]["cpu_median_s"] > 0
    verdict = {t["target"]: t for t in data["targets"]}
    assert verdict["check-real"]["status"] in ("PASS", "FAIL")
    assert verdict["check-real"]["ratio"] == round(real["check_cli"]["median_s"] / 0.8, 3)
    assert verdict["build-10k"]["status"] == "n/a"
    assert "check-real" in proc.stdout  # the printed report names it
