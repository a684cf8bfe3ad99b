"""Two builds of the same commit produce byte-identical sites (no timestamps, no random ids,
no unordered iteration); dates come from the last commit (SOURCE_DATE_EPOCH)."""

from __future__ import annotations

import datetime
import hashlib
import re
from pathlib import Path

from petakla.config import load_config
from petakla.site import build_site, source_date_epoch

ROOT = Path(__file__).resolve().parent.parent


def digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_builds_of_one_commit_are_byte_identical(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    config = load_config(ROOT)
    assert build_site(config, site_dir=tmp_path / "a") == 0
    assert build_site(config, site_dir=tmp_path / "b") == 0
    a, b = digest(tmp_path / "a"), digest(tmp_path / "b")
    assert len(a) > 50
    assert a.keys() == b.keys()
    assert [name for name in a if a[name] != b[name]] == []


def test_dates_written_by_the_build_come_from_the_last_commit(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setenv("PETAKLA_SITE_URL", "https://kota.github.io/peta-kla/")  # a sitemap
    epoch = source_date_epoch(ROOT)
    assert epoch is not None, "the repository has no commit to take a date from"
    day = datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).date().isoformat()
    assert build_site(load_config(ROOT), site_dir=tmp_path / "s") == 0
    sitemap = (tmp_path / "s" / "sitemap.xml").read_text(encoding="utf-8")
    lastmod = set(re.findall(r"<lastmod>([^<]+)</lastmod>", sitemap))
    assert lastmod == {day}
    # Folium's random element ids are replaced by stable ones.
    peta = (tmp_path / "s" / "peta" / "peta.html").read_text(encoding="utf-8")
    assert re.findall(r'id="(map_[0-9a-f]+)"', peta) == ["map_0001"]


def test_an_explicit_source_date_epoch_wins(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert source_date_epoch(ROOT) == "1700000000"
