"""How a change moves the coverage and data-quality figures: `build_map.py banding BASE
[HEAD]` checks the records of two commits with the current code and prints, as Markdown, the
figures that differ (the pull-request workflow adds it to its summary).

The records of each commit are taken with `git archive` into a temporary folder; both sides
are measured against the later commit's date (verification age), so only the records
differ between the two columns."""

from __future__ import annotations

import dataclasses
import datetime
import io
import subprocess
import tarfile
import tempfile
from pathlib import Path

from . import evidence, quality, stats
from .config import Config
from .indikator import load_indicators
from .model import Facility
from .pipeline import check
from .regions import City, load_city
from .vocab import Vocab, load_vocab

Figures = dict[str, float]


class CompareError(Exception):
    """A revision that git cannot read (message in Indonesian, for the workflow's log)."""


def figures(vocab: Vocab, city: City, facilities: list[Facility],
            build_date: datetime.date) -> Figures:
    """The figures /cakupan/, /laporan/ and /mutu/ show, by a stable Indonesian name."""
    categories = stats.public_categories(vocab)
    matrix = stats.coverage_matrix(city, categories, facilities)
    n_kel = len(city.kelurahan)
    out: Figures = {
        "Fasilitas yang dihitung (aktif/tutup sementara)":
            sum(1 for f in stats.counted(facilities) if not f.protected),
        f"Kelurahan tanpa fasilitas (dari {n_kel})": len(quality.empty_kelurahan(city,
                                                                                 facilities)),
    }
    for gap in stats.gaps(city, categories, matrix):
        slug = gap.category.slug
        out[f"{gap.category.label}: fasilitas"] = sum(row[slug] for row in matrix.values())
        out[f"{gap.category.label}: kelurahan yang memiliki"] = len(gap.covered)
    for r in stats.klaster_rollup(city, vocab, matrix):
        out[f"{r.klaster.judul}: kelurahan terlayani"] = len(r.covered)
    for ind in load_indicators(vocab):
        s = evidence.indicator_summary(city, ind, facilities)
        label = ind.label if ind.nomor_pasti else f"Indikator {ind.label}"
        short = label if len(label) <= 90 else label[:89].rsplit(" ", 1)[0] + " …"
        out[f"{short}: kelurahan yang memiliki"] = len(s.kelurahan)
    rows = quality.quality_list(facilities, build_date)
    out["Rata-rata kelengkapan data (%)"] = round(quality.mean_share(rows) * 100, 1)
    out["Belum pernah diverifikasi"] = sum(1 for q in rows if q.verification == "belum")
    out["Diverifikasi lebih dari 12 bulan lalu"] = sum(1 for q in rows
                                                       if q.verification == "lama")
    sectors = stats.sector_counts(categories, facilities)
    for s in stats.SECTORS:
        out[f"Sektor {stats.SECTOR_LABELS[s]}: fasilitas"] = sum(sectors[s].values())
    return out


def _git(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, timeout=120)


def commit_of(root: Path, rev: str) -> tuple[str, datetime.date]:
    out = _git(root, "log", "-1", "--format=%H %ct", rev, "--")
    if out.returncode != 0 or not out.stdout.strip():
        raise CompareError(f"commit {rev!r} tidak ditemukan di repositori {root}: "
                           f"{out.stderr.decode(errors='replace').strip()}")
    sha, stamp = out.stdout.decode().split()
    return sha, datetime.datetime.fromtimestamp(int(stamp), datetime.UTC).date()


def records_at(config: Config, sha: str, dest: Path) -> tuple[list[Facility], int, int]:
    """The facilities of one commit, checked with the current code: (facilities, files,
    files with errors). The commit's own geocode cache comes along with its records."""
    (dest / "facilities").mkdir(parents=True)
    out = _git(config.root, "archive", "--format=tar", sha, "facilities")
    if out.returncode == 0:
        with tarfile.open(fileobj=io.BytesIO(out.stdout)) as tar:
            tar.extractall(dest, filter="data")
    elif b"did not match any files" not in out.stderr:  # a commit without facilities/: none
        raise CompareError(f"berkas fasilitas commit {sha[:12]} tidak terbaca: "
                           f"{out.stderr.decode(errors='replace').strip()}")
    boundaries = config.batas_kelurahan
    snapshot = dataclasses.replace(
        config, root=dest,
        batas_kelurahan=str((config.root / boundaries).resolve()) if boundaries else "")
    result = check(snapshot)
    bad = len({p.file for p in result.problems if p.severity == "error"})
    return result.facilities, result.n_files, bad


def _number(value: float) -> str:
    return (f"{value:.1f}".replace(".", ",") if value != int(value) else str(int(value)))


def _delta(before: float, after: float) -> str:
    d = round(after - before, 1)
    return ("+" if d > 0 else "−" if d < 0 else "") + _number(abs(d))


def markdown(before: Figures, after: Figures, base: str, head: str,
             files: tuple[int, int], bad: tuple[int, int]) -> str:
    lines = ["## Cakupan dan mutu data: sebelum → sesudah", "",
             f"Data fasilitas commit `{base[:12]}` ({files[0]} berkas) dibandingkan dengan "
             f"`{head[:12]}` ({files[1]} berkas).", ""]
    if bad[1]:
        lines += [f"**{bad[1]} berkas fasilitas di `{head[:12]}` bergalat dan tidak dihitung.**",
                  ""]
    names = list(dict.fromkeys([*before, *after]))
    changed = [n for n in names if before.get(n, 0) != after.get(n, 0)]
    if not changed:
        return "\n".join([*lines, "Tidak ada angka cakupan atau mutu yang berubah.", ""])
    lines += ["| angka | sebelum | sesudah | perubahan |", "| --- | ---: | ---: | ---: |"]
    for n in changed:
        b, a = before.get(n, 0), after.get(n, 0)
        lines.append(f"| {n} | {_number(b)} | {_number(a)} | {_delta(b, a)} |")
    return "\n".join([*lines, ""])


def compare(config: Config, base: str, head: str = "HEAD") -> str:
    """The Markdown summary of how the records of `head` move the figures from `base`."""
    vocab, city = load_vocab(), load_city(config.kota_kode)
    base_sha, _ = commit_of(config.root, base)
    head_sha, head_date = commit_of(config.root, head)
    with tempfile.TemporaryDirectory(prefix="petakla-banding-") as tmp:
        old, n_old, bad_old = records_at(config, base_sha, Path(tmp) / "sebelum")
        new, n_new, bad_new = records_at(config, head_sha, Path(tmp) / "sesudah")
    return markdown(figures(vocab, city, old, head_date), figures(vocab, city, new, head_date),
                    base_sha, head_sha, (n_old, n_new), (bad_old, bad_new))
