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
    shutil.copytree(REPO / "wilayah", root / "wilayah")  # batas_kelurahan, relative
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
    assert step["if"] == "${{ !cancelled() }}"
    assert step["env"]["BASE_SHA"] == "${{ github.event.pull_request.base.sha }}"
    summary = tmp_path / "summary.md"
    proc = runner_bash(step["run"], repo, {"BASE_SHA": base, "GITHUB_STEP_SUMMARY": str(summary)})
    assert proc.returncode == 0, proc.stderr
    text = summary.read_text(encoding="utf-8")
    assert "| ditambah | `facilities/baru.yml` |" in text
    assert "| diubah | `facilities/diubah.yml` |" in text
    assert "| dihapus | `facilities/dihapus.yml` |" in text
    assert "tetap.yml" not in text and "README" not in text
    assert "### `facilities/baru.yml`" in text
    assert "- baris 1, peringatan: kelurahan: ejaan resmi: 'Mawar'" in text


def test_pre_commit_hooks():
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    (repo,) = config["repos"]
    assert repo["repo"] == "local"  # nothing is cloned: a fresh clone needs only PyPI
    hooks = {h["id"]: h for h in repo["hooks"]}
    schema_hook = hooks["check-jsonschema"]
    # The hook runs the same check-jsonschema release as the tests below.
    version = importlib.metadata.version("check-jsonschema")
    assert schema_hook["additional_dependencies"] == [f"check-jsonschema=={version}"]
    assert schema_hook["entry"].split()[1:] == ["--schemafile", "petakla/data/fasilitas.schema.json"]
    for hook in hooks.values():
        assert re.search(hook["files"], "facilities/taman-kamboja-rbra.yml")
        assert not re.search(hook["files"], "facilities/_geocode-cache.json")
    assert hooks["periksa-fasilitas"]["entry"] == "scripts/pre-commit-hook check"
    assert hooks["rapikan-fasilitas"]["entry"] == "scripts/pre-commit-hook fmt --check"


def _clone_with_venv(tmp_path: Path) -> Path:
    """A clone of the project's files (as committed plus this working tree's changes) with
    the project's .venv as `make site` leaves it (a link to the one running these tests)."""
    clone = tmp_path / "klon"
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=REPO,
                           check=True, capture_output=True, text=True).stdout.splitlines()
    for name in files:
        if (REPO / name).is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, clone / name)
    (clone / ".venv").symlink_to(BIN.parent, target_is_directory=True)
    git(clone, "init", "-q", "-b", "main")
    git(clone, "config", "user.email", "uji@contoh.example")
    git(clone, "config", "user.name", "Uji")
    git(clone, "add", "-A")
    git(clone, "commit", "-q", "-m", "klon")
    return clone


def test_pre_commit_hooks_run_outside_the_venv(tmp_path):
    """pre-commit (from PyPI) runs every hook in a clone, from a shell whose `python` is not
    the project's: a good record passes, a bad one fails with check's Indonesian message."""
    clone = _clone_with_venv(tmp_path)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8",
           "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-cache"),
           "PIP_INDEX_URL": os.environ.get("PIP_INDEX_URL", ""),
           "PIP_EXTRA_INDEX_URL": os.environ.get("PIP_EXTRA_INDEX_URL", "")}
    env = {k: v for k, v in env.items() if v}
    def commit_hooks(name: str, kelurahan: str) -> subprocess.CompletedProcess:
        path = f"facilities/{name}.yml"
        (clone / path).write_text(
            f"nama: Pojok Baca Uji {name[-5:]}\nkategori: pojok-baca\nkelurahan: {kelurahan}\n"
            "lokasi: [-3.3184, 114.5661]\nsumber: Uji\n", encoding="utf-8")
        return subprocess.run([tool("pre-commit"), "run", "--files", path], cwd=clone, env=env,
                              capture_output=True, text=True, timeout=600)

    proc = commit_hooks("pojok-baca-uji-benar", "Pelambuan")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("Passed") == 3, proc.stdout
    proc = commit_hooks("pojok-baca-uji-salah", "Pelambuwan")
    assert proc.returncode == 1
    assert "Maksud Anda 'Pelambuan'?" in proc.stdout, proc.stdout
    assert "ModuleNotFoundError" not in proc.stdout


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


# --- the pull-request workflow's steps, in order, in a test repository ----------------------

_OUTCOME = re.compile(r"\$\{\{ steps\.(\w+)\.outcome \}\}")
# Other expressions the steps' `env:` use, with what GitHub gives this test repository.
_CONTEXT = {"${{ github.event.repository.default_branch }}": "main"}


def _should_run(condition: str | None, failed: bool) -> bool:
    """The `if:` forms periksa.yml uses, as GitHub evaluates them."""
    if condition is None:
        return not failed  # success()
    inner = condition.strip().removeprefix("${{").removesuffix("}}").strip()
    if inner == "always()":
        return True
    if inner in ("!cancelled()", "!cancelled() && steps.install.outcome == 'success'"):
        return True  # nothing is cancelled here, and the install step (ours) succeeded
    raise AssertionError(f"the test does not know the condition {condition!r}")


def run_pull_request(repo: Path, base: str, tmp: Path) -> tuple[dict[str, str], str, bool]:
    """Every `run:` step of periksa.yml after the install, as a runner runs it: outcomes by
    step id (or name), the job summary, and whether the job failed."""
    wf = load(PR_WORKFLOW)
    (job,) = wf["jobs"].values()
    outcomes: dict[str, str] = {"install": "success"}
    summary = tmp / "summary.md"
    summary.write_text("", encoding="utf-8")
    failed = False
    for step in job["steps"]:
        if "run" not in step or step.get("id") == "install":
            continue
        key = step.get("id", step["name"])
        if not _should_run(step.get("if"), failed):
            outcomes[key] = "skipped"
            continue
        env = {k: _OUTCOME.sub(lambda m: outcomes.get(m.group(1), ""), _CONTEXT.get(str(v), str(v)))
               for k, v in step.get("env", {}).items()}
        env.update({"BASE_SHA": base, "GITHUB_STEP_SUMMARY": str(summary),
                    "GITHUB_ACTIONS": "true"})
        unknown = [v for v in env.values() if "${{" in v]
        assert not unknown, f"the test does not know the expression {unknown[0]!r}"
        script = step["run"]
        if step.get("shell") != "bash":  # the runner's default: bash -e, without pipefail
            script = "set +o pipefail\n" + script
        proc = runner_bash(script, repo, env)
        outcomes[key] = "success" if proc.returncode == 0 else "failure"
        failed = failed or proc.returncode != 0
    return outcomes, summary.read_text(encoding="utf-8"), failed


def pull_request_repo(root: Path) -> tuple[Path, str]:
    """A project (code, configuration, content, fixture records) committed as the base of a
    pull request. Its Makefile's `test` stands in for the suite (which cannot run inside
    itself): a real, quick check that the committed schema matches the vocabularies."""
    from helpers_site import make_project

    make_project(root)
    shutil.copytree(REPO / "petakla", root / "petakla",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "build_map.py", root)
    (root / "Makefile").write_text("test:\n\tpython build_map.py schema --check\n",
                                   encoding="utf-8")
    subprocess.run([sys.executable, "build_map.py", "fmt"], cwd=root, check=True,
                   capture_output=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "uji@contoh.example")
    git(root, "config", "user.name", "Uji")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "dasar")
    return root, git(root, "rev-parse", "HEAD")


def propose(repo: Path, records: dict[str, str]) -> None:
    """The pull request's commit: these facilities/<name>.yml files."""
    for name, text in records.items():
        (repo / "facilities" / f"{name}.yml").write_text(text, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "usulan")


def test_a_failing_pull_request_runs_every_check_and_lists_every_error(tmp_path):
    repo, base = pull_request_repo(tmp_path / "repo")
    propose(repo, {
        "usulan-salah": "nama: Usulan Salah\nkategori: pojok-bacaan\nkelurahan: Pelambuwan\n"
                        "lokasi: [-3.3184, 114.5661]\nkontak:\n  telepon: \"12345\"\nsumber: Uji\n",
        "usulan-rapi": "sumber: Uji\nnama: Usulan Belum Rapi\nkategori: pojok-baca\n"
                       "kelurahan: Pelambuan\nlokasi: [-3.3184, 114.5661]\n"})
    outcomes, summary, failed = run_pull_request(repo, base, tmp_path)
    assert failed
    # fmt, the tests and the build ran although check failed before them
    assert outcomes["check"] == "failure" and outcomes["fmt"] == "failure"
    assert outcomes["tests"] == "success" and outcomes["build"] == "failure"
    assert "| Data fasilitas (check) | **gagal** |" in summary
    assert "| Semua tes (make test) | lulus |" in summary
    assert "3 galat, 0 peringatan." in summary
    assert "### `facilities/usulan-salah.yml`" in summary
    assert "- baris 2, galat: kategori: nilai 'pojok-bacaan' tidak dikenal." in summary
    assert "- baris 3, galat: kelurahan: kelurahan 'Pelambuwan' tidak ada" in summary
    assert "Maksud Anda 'Pelambuan'?" in summary
    assert "- baris 6, galat: kontak.telepon: nomor telepon '12345' tidak sah" in summary
    assert "- facilities/usulan-rapi.yml: perlu dirapikan" in summary
    assert "berkas diperiksa" not in summary.split("## Berkas yang perlu dirapikan")[1]
    assert "| ditambah | `facilities/usulan-salah.yml` |" in summary


def test_a_passing_pull_request_passes_every_check(tmp_path):
    repo, base = pull_request_repo(tmp_path / "repo")
    propose(repo, {"pojok-baca-usulan-uji": "nama: Pojok Baca Usulan Uji\nkategori: pojok-baca\n"
                                            "kelurahan: Pelambuan\nlokasi: [-3.3184, 114.5661]\n"
                                            "sumber: Uji\n"})
    outcomes, summary, failed = run_pull_request(repo, base, tmp_path)
    assert not failed, (outcomes, summary)
    assert set(outcomes.values()) == {"success"}
    assert "Tidak ada galat dan tidak ada peringatan." in summary
    assert "| ditambah | `facilities/pojok-baca-usulan-uji.yml` |" in summary
    assert "**gagal**" not in summary
