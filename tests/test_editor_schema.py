"""The JSON Schema as outside clients read it: Ajv (npm) compiling it in strict mode, and
yaml-language-server (npm; what VS Code and other editors run) with the project's shipped
editor settings, completing and checking a record exactly as `check` does."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from lsp_client import JS, LanguageServer

from petakla.config import load_config
from petakla.pipeline import check

REPO = Path(__file__).resolve().parent.parent
SCHEMA = REPO / "petakla" / "data" / "fasilitas.schema.json"
BASE = ("kategori: ruang-laktasi\nkelurahan: Kertak Baru Ilir\nlokasi: [-3.3263, 114.5892]\n"
        "sumber: Data uji\n")


def test_ajv_compiles_the_schema_in_strict_mode():
    proc = subprocess.run(["node", str(JS / "ajv_compile.js"), str(SCHEMA)], capture_output=True,
                          text=True, timeout=60, cwd=JS)
    assert (proc.returncode, proc.stdout.strip()) == (0, "ok"), proc.stdout + proc.stderr


def editor_settings() -> dict:
    """.vscode/settings.json as the editor sends it to yaml-language-server."""
    flat = json.loads((REPO / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    settings: dict = {}
    for key, value in flat.items():
        section, _, name = key.partition(".")
        settings.setdefault(section, {})[name] = value
    return settings


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """yaml-language-server on a copy of the project's layout: the shipped settings and the
    schema, and a facilities/ folder for the records under test."""
    root = tmp_path_factory.mktemp("editor") / "proyek"
    (root / "petakla" / "data").mkdir(parents=True)
    (root / "petakla" / "data" / SCHEMA.name).write_bytes(SCHEMA.read_bytes())
    (root / "facilities").mkdir()
    ls = LanguageServer(root, editor_settings())
    ls.root = root
    yield ls
    ls.close()


def test_shipped_settings_give_a_record_without_the_comment_its_schema(server):
    path = server.root / "facilities" / "tanpa-komentar.yml"
    uri = server.open(path, BASE + "warna: merah\n")  # no nama, an unknown key
    messages = [d["message"] for d in server.diagnostics(uri)]
    assert any("nama" in m for m in messages) and any("warna" in m for m in messages), messages


@pytest.mark.parametrize("kategori", ["", "ruang-laktasi", "rumah-aman"])
def test_completion_offers_every_key_once(server, kategori):
    path = server.root / "facilities" / f"lengkapi{kategori}.yml"
    given = ["nama"] + (["kategori"] if kategori else [])
    text = "nama: Contoh\n" + (f"kategori: {kategori}\n" if kategori else "") + "\n"
    uri = server.open(path, text)
    server.diagnostics(uri)
    result = server.request("textDocument/completion", {
        "textDocument": {"uri": uri}, "position": {"line": len(given), "character": 0}})
    items = result["items"] if isinstance(result, dict) else result
    labels = [item["label"] for item in items if item.get("kind") == 10]  # properties
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert sorted(labels) == sorted(k for k in schema["properties"] if k not in given), labels


@pytest.mark.parametrize("line, valid", [
    ("nama: yes", True),          # YAML 1.2: text; used to be a boolean for check only
    ("nama: no", True),
    ("nama: on", True),
    ("nama: true", False),        # a boolean for both
    ("nama: 12", False),
])
def test_editor_and_check_agree_on_unquoted_values(server, project, line, valid):
    name = "nilai-" + line.split(": ")[1]
    uri = server.open(server.root / "facilities" / f"{name}.yml", f"{line}\n{BASE}")
    editor_errors = [d for d in server.diagnostics(uri) if d.get("severity", 1) == 1]
    (project / "facilities" / f"{name}.yml").write_text(f"{line}\n{BASE}", encoding="utf-8")
    result = check(load_config(project))
    assert (not editor_errors) == valid, editor_errors
    assert result.ok == valid, [p.format() for p in result.problems]
    if not valid:
        assert "apit dengan tanda kutip" in result.problems[0].message


def test_exponent_numbers_are_numbers_for_editor_and_check(server, project):
    text = BASE.replace("[-3.3263, 114.5892]", "[-3.3263e0, 1.145892e2]")
    uri = server.open(server.root / "facilities" / "eksponen.yml", "nama: Contoh\n" + text)
    assert [d for d in server.diagnostics(uri) if d.get("severity", 1) == 1] == []
    (project / "facilities" / "eksponen.yml").write_text("nama: Contoh\n" + text, encoding="utf-8")
    result = check(load_config(project))
    assert result.ok, [p.format() for p in result.problems]
    assert (result.facilities[0].lat, result.facilities[0].lon) == (-3.3263, 114.5892)
