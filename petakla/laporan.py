"""The KLA evidence report (/laporan/) and the data-quality page (/mutu/): the pages, an A4
printable version (laporan/cetak.html), an XLSX workbook and the same tables as CSV.

Figures come from petakla.evidence and petakla.quality; the tables are petakla.workbook
Tables, so the page, the workbook and the CSV files show the same numbers. Every date is the
build's (the last commit's: SOURCE_DATE_EPOCH), and the commit the build was made from is
printed, so an office can say which data its evidence upload shows."""

from __future__ import annotations

import datetime
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from . import evidence, quality, stats
from .config import Config
from .indikator import Indicator, category_notes, load_indicators
from .model import Facility
from .pages import _env, edit_url, source_parts
from .regions import City
from .vocab import Vocab
from .workbook import LICENCE, Column, Table, csv_bytes, xlsx_bytes

PAGE_DIR = "laporan"
QUALITY_DIR = "mutu"
XLSX_FILE = f"{PAGE_DIR}/laporan-kla.xlsx"
PRINT_FILE = f"{PAGE_DIR}/cetak.html"


@dataclass(frozen=True)
class BuildInfo:
    date: datetime.date  # the data's date: the last commit's
    built: datetime.datetime  # the same moment, for file timestamps
    commit: str  # the commit built from, "" when unknown


def build_info(root: Path) -> BuildInfo:
    """The last commit's time (SOURCE_DATE_EPOCH wins, as for the rest of the build) and hash;
    outside a git checkout, today and no commit."""
    from .site import source_date_epoch

    epoch = source_date_epoch(root)
    built = (datetime.datetime.fromtimestamp(int(epoch), datetime.UTC) if epoch
             else datetime.datetime.now(datetime.UTC).replace(microsecond=0))
    commit = os.environ.get("PETAKLA_COMMIT", "")
    if not commit:
        try:
            out = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"],
                                 capture_output=True, text=True, timeout=10)
            commit = out.stdout.strip() if out.returncode == 0 else ""
        except (OSError, subprocess.SubprocessError):
            commit = ""
    return BuildInfo(built.date(), built, commit)


@dataclass(frozen=True)
class Report:
    indicators: list[Indicator]
    summaries: list[evidence.IndicatorSummary]
    matrix: dict[str, dict[str, int]]
    protected: list
    quality: list[quality.RecordQuality]


def report_data(vocab: Vocab, city: City, facilities: list[Facility],
                build_date: datetime.date) -> Report:
    indicators = load_indicators(vocab)
    return Report(
        indicators=indicators,
        summaries=[evidence.indicator_summary(city, i, facilities) for i in indicators],
        matrix=evidence.kelurahan_matrix(city, indicators, facilities),
        protected=evidence.protected_by_kecamatan(city, indicators, facilities),
        quality=quality.quality_list(facilities, build_date))


def _nomor(ind: Indicator) -> str:
    return ind.nomor if ind.nomor_pasti else f"{ind.nomor} (belum pasti)"


def tables(report: Report, city: City) -> list[Table]:
    """The report's views, in the workbook's sheet order."""
    n_kel, n_kc = len(city.kelurahan), len(city.kecamatan)
    sector_cols = tuple(Column(f"sektor_{s}", f"Fasilitas yang dikelola sektor "
                                              f"{stats.SECTOR_LABELS[s]}.")
                        for s in stats.SECTORS)
    per_ind = Table(
        "Indikator", "indikator.csv", "Ringkasan per indikator KLA.",
        (Column("nomor", "Nomor indikator. “(belum pasti)”: hanya klasternya yang diketahui; "
                         "lihat kolom sumber_nomor dan berkas indikator_kla.yml.", 16),
         Column("indikator", "Teks indikator sebagaimana tertulis di sumbernya.", 50),
         Column("klaster", "Klaster KLA.", 28),
         Column("kategori", "Jenis fasilitas di peta yang menjadi bukti indikator ini.", 36),
         Column("fasilitas", "Fasilitas yang ada sekarang (aktif atau tutup sementara), tanpa "
                             "kategori terlindung."),
         Column("kelurahan", f"Kelurahan yang memiliki setidaknya satu fasilitas itu (dari "
                             f"{n_kel})."),
         Column("kecamatan", f"Kecamatan yang memiliki setidaknya satu fasilitas itu (dari "
                             f"{n_kc})."),
         *sector_cols,
         Column("terverifikasi", "Fasilitas yang sudah diverifikasi di tempat."),
         Column("belum_diverifikasi", "Fasilitas yang belum pernah diverifikasi di tempat."),
         Column("verifikasi_terakhir", "Tanggal verifikasi terbaru di antara fasilitas itu."),
         Column("terlindung", "Fasilitas kategori terlindung (misalnya rumah aman): hanya "
                              "jumlahnya; sebarannya per kecamatan ada di lembar Terlindung."),
         Column("sumber_nomor", "Dari dokumen mana nomor dan teks indikator diambil.", 40)),
        tuple((_nomor(s.indicator), s.indicator.teks, s.indicator.klaster.judul,
               ", ".join(c.label for c in s.indicator.categories), s.n, len(s.kelurahan),
               len(s.kecamatan), *s.sectors.values(), s.verified, s.unverified,
               s.last_verified, s.protected, s.indicator.teks_dari)
              for s in report.summaries))
    keys = [i.key for i in report.indicators]
    per_kel = Table(
        "Kelurahan x indikator", "kelurahan-indikator.csv",
        f"Jumlah fasilitas bukti tiap indikator di setiap kelurahan ({n_kel} kelurahan resmi "
        "Kemendagri). Kategori terlindung tidak pernah dihitung per kelurahan.",
        (Column("kode", "Kode wilayah Kemendagri kelurahan."),
         Column("kelurahan", "Nama resmi kelurahan.", 24),
         Column("kecamatan", "Nama resmi kecamatan.", 22),
         *(Column(f"indikator_{i.key}", f"Fasilitas bukti indikator “{i.teks}” di kelurahan "
                                        "ini.") for i in report.indicators),
         Column("indikator_terpenuhi", "Berapa indikator di atas yang punya setidaknya satu "
                                       "fasilitas di kelurahan ini.")),
        tuple((k.kode, k.nama, k.kecamatan.nama, *(report.matrix[k.kode][key] for key in keys),
               sum(1 for key in keys if report.matrix[k.kode][key]))
              for k in city.kelurahan))
    per_fac = Table(
        "Fasilitas per indikator", "fasilitas-indikator.csv",
        "Daftar fasilitas bukti tiap indikator (fasilitas yang ada sekarang; kategori "
        "terlindung tidak pernah didaftar). Fasilitas yang mendukung dua indikator muncul dua "
        "kali.",
        (Column("nomor", "Nomor indikator (lihat lembar Indikator).", 16),
         Column("indikator", "Teks indikator.", 40),
         Column("id", "Pengenal fasilitas (nama berkas datanya tanpa .yml).", 30),
         Column("nama", "Nama fasilitas.", 36), Column("kategori", "Kategori.", 22),
         Column("alamat", "Alamat jalan.", 30), Column("kelurahan", "Kelurahan.", 20),
         Column("kecamatan", "Kecamatan.", 20), Column("pengelola", "Lembaga pengelola.", 30),
         Column("sektor", "Sektor pengelola.", 16),
         Column("status", "Status fasilitas."), Column("sumber", "Asal informasi.", 40),
         Column("verifikasi_tanggal", "Tanggal verifikasi di tempat; kosong: belum."),
         Column("verifikasi_oleh", "Yang memverifikasi.", 24)),
        tuple((_nomor(s.indicator), s.indicator.teks, f.id, f.nama, f.category.label,
               f.data.get("alamat", ""), f.kelurahan.nama, f.kelurahan.kecamatan.nama,
               (f.data.get("pengelola") or {}).get("nama", ""),
               stats.SECTOR_LABELS[stats.sector_of(f)], f.status,
               f.data.get("sumber", ""), evidence.verified_on(f),
               (f.verified or {}).get("oleh", ""))
              for s in report.summaries for f in s.facilities))
    prot_cats = list(report.protected[0][1]) if report.protected else []
    per_kc = Table(
        "Terlindung", "terlindung-kecamatan.csv",
        "Fasilitas kategori terlindung per kecamatan: satu-satunya cara tempat itu pernah "
        "ditampilkan (tanpa nama, alamat atau kelurahan).",
        (Column("kecamatan", "Nama resmi kecamatan.", 22),
         *(Column(slug, f"Jumlah fasilitas kategori {slug}.") for slug in prot_cats)),
        tuple((kc.nama, *counts.values()) for kc, counts in report.protected))
    mutu = Table(
        "Mutu data", "mutu-data.csv",
        "Kelengkapan setiap data fasilitas untuk orang tua, urut dari perbaikan paling "
        "berguna.",
        (Column("urutan", "Urutan perbaikan (1 = paling berguna)."),
         Column("id", "Pengenal fasilitas.", 30), Column("nama", "Nama fasilitas.", 36),
         Column("kategori", "Kategori.", 22), Column("kelurahan", "Kelurahan.", 20),
         Column("kelengkapan", f"Berapa dari {len(quality.CHECKS)} hal yang dibutuhkan orang "
                               "tua sudah ada: " + ", ".join(quality.CHECKS.values()) + "."),
         Column("kurang", "Yang belum ada.", 50),
         Column("verifikasi", "Status verifikasi (relatif terhadap tanggal data).", 30),
         Column("verifikasi_tanggal", "Tanggal verifikasi terakhir; kosong: belum pernah.")),
        tuple((n, q.facility.id, q.facility.nama, q.facility.category.label,
               q.facility.kelurahan.nama, q.filled, "; ".join(quality.missing_labels(q)),
               quality.VERIFICATION[q.verification], q.verified)
              for n, q in enumerate(report.quality, start=1)))
    return [per_ind, per_kel, per_fac, per_kc, mutu]


def laporan_files(config: Config, vocab: Vocab, city: City, facilities: list[Facility],
                  info: BuildInfo, with_side_files: bool = True) -> dict[str, str | bytes]:
    """The two pages and, with `with_side_files`, what they link to (workbook, CSV files,
    print version); without, empty stand-ins for those (site.build_site() makes them in the
    background: laporan_side_files())."""
    report = report_data(vocab, city, facilities, info.date)
    views = tables(report, city)
    if with_side_files:
        out = _side_files(config, vocab, city, report, views, info)
    else:
        out = dict.fromkeys([*(f"{PAGE_DIR}/{t.file}" for t in views), XLSX_FILE, PRINT_FILE],
                            b"")
    out.update(_pages(config, vocab, city, facilities, report, views, info))
    return out


def laporan_side_files(config: Config, vocab: Vocab, city: City, facilities: list[Facility],
                       info: BuildInfo) -> dict[str, str | bytes]:
    """The files the pages link to and no page needs while MkDocs renders: the workbook, the
    CSV files and the print version (most of laporan_files()'s time, the workbook above all)."""
    report = report_data(vocab, city, facilities, info.date)
    return _side_files(config, vocab, city, report, tables(report, city), info)


def _about(config: Config, info: BuildInfo) -> list[tuple[str, str]]:
    return [("Judul", f"Laporan data dukung KLA — {config.judul}"),
            ("Tanggal data", info.date.isoformat()),
            ("Commit", info.commit or "tidak diketahui"),
            ("Cara menghitung", "Hanya fasilitas yang ada sekarang (aktif atau tutup "
                                "sementara). Kategori terlindung hanya dihitung per "
                                "kecamatan."),
            ("Pemetaan indikator", "petakla/data/indikator_kla.yml: nomor, teks dan sumber "
                                   "setiap indikator, dengan catatan bila belum pasti.")]


def _common(config: Config, vocab: Vocab, city: City, report: Report, views: list[Table],
            info: BuildInfo) -> dict:
    return dict(kota=config.kota_nama, judul=config.judul, info=info, n_kel=len(city.kelurahan),
                n_kc=len(city.kecamatan), report=report, city=city, licence=LICENCE,
                sectors=[(s, stats.SECTOR_LABELS[s]) for s in stats.SECTORS],
                notes=category_notes(vocab), source_parts=source_parts,
                csv_files=[(t.file, t.judul) for t in views], xlsx=XLSX_FILE.split("/")[-1],
                protected_cats=[c for c in vocab.categories.values() if c.dilindungi],
                no_indicator=[c for c in vocab.categories.values()
                              if not any(c in i.categories for i in report.indicators)])


def _side_files(config: Config, vocab: Vocab, city: City, report: Report, views: list[Table],
                info: BuildInfo) -> dict[str, str | bytes]:
    out: dict[str, str | bytes] = {f"{PAGE_DIR}/{t.file}": csv_bytes(t) for t in views}
    out[XLSX_FILE] = xlsx_bytes(views, _about(config, info), info.built,
                                f"Laporan data dukung KLA — {config.kota_nama}")
    out[PRINT_FILE] = _env().get_template("laporan_cetak.html.j2").render(
        **_common(config, vocab, city, report, views, info), root="../")
    return out


def _pages(config: Config, vocab: Vocab, city: City, facilities: list[Facility], report: Report,
           views: list[Table], info: BuildInfo) -> dict[str, str | bytes]:
    out: dict[str, str | bytes] = {}
    env = _env()
    common = _common(config, vocab, city, report, views, info)
    out[f"{PAGE_DIR}/index.md"] = env.get_template("laporan.md.j2").render(**common, root="../")
    categories = stats.public_categories(vocab)
    rows = report.quality
    out[f"{QUALITY_DIR}/index.md"] = env.get_template("mutu.md.j2").render(
        **common, root="../", rows=rows, checks=quality.CHECKS,
        missing_labels=quality.missing_labels, verification=quality.VERIFICATION,
        mean=quality.mean_share(rows),
        never=[q for q in rows if q.verification == "belum"],
        stale=[q for q in rows if q.verification == "lama"],
        empty_categories=quality.empty_categories(categories, facilities),
        empty_kelurahan=quality.empty_kelurahan(city, facilities),
        by_sector=stats.sector_counts(categories, facilities),
        n_protected=sum(1 for f in facilities if f.protected),
        edit=(lambda f: edit_url(config.repositori, config.cabang, f))
        if config.repositori else None)
    return out
