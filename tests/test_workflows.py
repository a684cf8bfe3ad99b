"""The GitHub Actions workflows, the pre-commit hooks and the JSON Schema as other tools read it:
actionlint passes, every action is pinned, the pull-request workflow's steps do what they say
(run as a runner runs them), and check-jsonschema accepts every real record."""

from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
WORKFLOWS = REPO / ".github" / "workflows"
PR_WORKFLOW = WORKFLOWS / "periksa.yml"
PAGES_WORKFLOW = WORKFLOWS / "terbitkan.yml"
BIN = Path(sys.executable).parent
SCHEMA = REPO / "petakla" / "data" / "fasilitas.schema.json"


def tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    assert found, f"{name} is not installed: pip install -e '.[test]'"
    return found


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def steps_running(workflow: dict, command: str) -> list[tuple[str, dict, dict]]:
    return [(name, job, step) for name, job in workflow["jobs"].items()
            for step in job.get("steps", []) if command in step.get("run", "")]


def test_actionlint_passes():
    files = sorted(str(p) for p in WORKFLOWS.glob("*.y*ml"))
    assert len(files) >= 2
    proc = subprocess.run([tool("actionlint"), "-no-color", *files], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_every_action_is_pinned_to_a_commit_with_its_version():
    uses = []
    for path in sorted(WORKFLOWS.glob("*.y*ml")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if re.match(r"^\s*(-\s+)?uses:", line):
                uses.append((path.name, line.strip()))
    assert len(uses) >= 6
    for name, line in uses:
        assert re.fullmatch(r"(-\s+)?uses:\s+[\w.-]+/[\w./-]+@[0-9a-f]{40}\s+# v\d+\.\d+\.\d+",
                            line), f"{name}: not pinned to a full commit SHA: {line}"


def test_pull_request_workflow_checks_with_annotations():
    wf = load(PR_WORKFLOW)
    assert "pull_request" in wf["on"]
    found = steps_running(wf, "build_map.py check")
    assert len(found) == 1
    job_name, job, step = found[0]
    # GITHUB_ACTIONS is "true" on runners: nothing may override it, or the annotations vanish.
    for env in (wf.get("env", {}), job.get("env", {}), step.get("env", {})):
        assert "GITHUB_ACTIONS" not in env
    assert "GITHUB_ACTIONS" not in step["run"]
    names = [s.get("run", "") for s in job["steps"]]
    assert any("make test" in r for r in names)
    assert any("build_map.py build --strict" in r for r in names)
    assert any("build_map.py fmt --check" in r for r in names)
    assert any("GITHUB_STEP_SUMMARY" in r for r in names)
    setup = [s for s in job["steps"] if s.get("uses", "").startswith("actions/setup-python@")]
    assert setup and setup[0]["with"]["cache"] == "pip"
    assert wf["permissions"] == {"contents": "read"}


def test_pages_workflow_has_least_permissions():
    wf = load(PAGES_WORKFLOW)
    assert wf["on"]["push"]["branches"] == ["main"]
    assert wf["permissions"] == {}
    assert wf["concurrency"]["group"] == "pages"
    by_action = {}
    for name, job in wf["jobs"].items():
        for step in job.get("steps", []):
            if "uses" in step:
                by_action[step["uses"].split("@")[0]] = name
    deploy = wf["jobs"][by_action["actions/deploy-pages"]]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    build_name = by_action["actions/upload-pages-artifact"]
    assert by_action["actions/configure-pages"] == build_name
    build = wf["jobs"][build_name]
    assert "write" not in build["permissions"].values()
    step = steps_running(wf, "build_map.py build --strict")[0][2]
    assert re.fullmatch(r"\$\{\{ steps\.\w+\.outputs\.base_url \}\}/",
                        step["env"]["PETAKLA_SITE_URL"])
    assert "PETAKLA_SITE_URL" in (REPO / "mkdocs.yml").read_text(encoding="utf-8")


def runner_bash(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    """A `run:` script as GitHub runs it with `shell: bash`."""
    full = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", **env}
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
                          cwd=cwd, env=full, capture_output=True, text=True, timeout=300)


def test_check_step_run_as_on_a_runner_fails_with_inline_annotations(tmp_path):
    """The check step's own script, in a copy of the project with a bad record."""
    root = tmp_path / "proyek"
    shutil.copytree(REPO / "petakla", root / "petakla",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "build_map.py", root)
    shutil.copy(REPO / "pyproject.toml", root)
    (root / "facilities").mkdir()
    (root / "facilities" / "salah.yml").write_text(
        "nama: Salah\nkategori: pojok-bacaan\nkelurahan: Mawar\nalamat: Jl. Uji\nsumber: Uji\n",
        encoding="utf-8")
    (_, _, step), = steps_running(load(PR_WORKFLOW), "build_map.py check")
    proc = runner_bash(step["run"], root, {"GITHUB_ACTIONS": "true"})
    assert proc.returncode != 0
    assert re.search(r"^::error file=facilities/salah\.yml,line=2,col=11::kategori: ",
                     proc.stdout, re.M), proc.stdout + proc.stderr
    assert "::error" in (root / "check.log").read_text(encoding="utf-8")


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout.strip()


def test_summary_step_lists_added_changed_removed_and_warnings(tmp_path):
    repo = tmp_path / "repo"
    (repo / "facilities").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "uji@contoh.example")
    git(repo, "config", "user.name", "Uji")
    for name in ("tetap", "diubah", "dihapus"):
        (repo / "facilities" / f"{name}.yml").write_text(f"nama: {name}\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "dasar")
    base = git(repo, "rev-parse", "HEAD")
    (repo / "facilities" / "diubah.yml").write_text("nama: diubah lagi\n", encoding="utf-8")
    (repo / "facilities" / "dihapus.yml").unlink()
    (repo / "facilities" / "baru.yml").write_text("nama: baru\n", encoding="utf-8")
    (repo / "README.md").write_text("bukan fasilitas\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "usulan")
    (repo / "check.log").write_text(
        "facilities/baru.yml:1:7: warning: kelurahan: ejaan resmi: 'Mawar'\n"
        "4 berkas diperiksa: 0 galat, 1 peringatan.\n", encoding="utf-8")
    wf = load(PR_WORKFLOW)
    (_, _, step), = steps_running(wf, "GITHUB_STEP_SUMMARY")
    assert step["if"] == "always()"
    assert step["env"]["BASE_SHA"] == "${{ github.event.pull_request.base.sha }}"
    summary = tmp_path / "summary.md"
    proc = runner_bash(step["run"], repo, {"BASE_SHA": base, "GITHUB_STEP_SUMMARY": str(summary)})
    assert proc.returncode == 0, proc.stderr
    text = summary.read_text(encoding="utf-8")
    assert "| ditambah | `facilities/baru.yml` |" in text
    assert "| diubah | `facilities/diubah.yml` |" in text
    assert "| dihapus | `facilities/dihapus.yml` |" in text
    assert "tetap.yml" not in text and "README" not in text
    assert "- facilities/baru.yml:1:7: warning: kelurahan: ejaan resmi: 'Mawar'" in text


def test_pre_commit_hooks():
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    repos = {r["repo"]: r for r in config["repos"]}
    schema_repo = repos["https://github.com/python-jsonschema/check-jsonschema"]
    # The hook runs the same check-jsonschema release as the tests below.
    assert schema_repo["rev"] == importlib.metadata.version("check-jsonschema")
    (hook,) = schema_repo["hooks"]
    assert hook["id"] == "check-jsonschema"
    assert hook["args"] == ["--schemafile", "petakla/data/fasilitas.schema.json"]
    assert re.search(hook["files"], "facilities/taman-kamboja-rbra.yml")
    assert not re.search(hook["files"], "facilities/_geocode-cache.json")
    local = {h["entry"]: h for h in repos["local"]["hooks"]}
    assert set(local) == {"python build_map.py check", "python build_map.py fmt --check"}
    assert all(h["language"] == "system" for h in local.values())


def records() -> list[str]:
    return sorted(str(p) for p in (REPO / "facilities").glob("*.y*ml"))  # not _geocode-cache.json


def test_check_jsonschema_accepts_every_real_record():
    proc = subprocess.run([tool("check-jsonschema"), "--schemafile", str(SCHEMA), *records()],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize(("fixture", "ok"), [("valid/ruang-laktasi-lengkap.yml", True),
                                             ("invalid/kontak_situs_javascript.yml", False),
                                             ("invalid/verifikasi_date_format.yml", False)])
def test_check_jsonschema_reads_records_as_check_does(fixture, ok):
    """check-jsonschema reads an unquoted YAML date (`tanggal: 2026-10-15`) as text, like
    `check` does, so the schema's pattern applies to it in both."""
    path = REPO / "tests" / "fixtures" / fixture
    proc = subprocess.run([tool("check-jsonschema"), "--schemafile", str(SCHEMA), str(path)],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert (proc.returncode == 0) == ok, proc.stdout + proc.stderr


def test_pull_request_template_is_a_checklist():
    text = (REPO / ".github" / "pull_request_template.md").read_text(encoding="utf-8")
    assert text.count("- [ ]") >= 5
    assert "verifikasi" in text and "dilindungi" in text and "sumber" in text
