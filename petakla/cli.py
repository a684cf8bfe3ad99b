"""Command line: arguments only; the work is done by the package's steps."""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

from . import argparse_id
from .config import ConfigError, load_config
from .report import render, summary

ROOT = Path(__file__).resolve().parent.parent


def _cmd_check(args: argparse.Namespace) -> int:
    from .pipeline import check

    config = load_config(args.root)
    result = check(config, [Path(f) for f in args.files] or None, strict=args.strict)
    github = os.environ.get("GITHUB_ACTIONS") == "true"
    if result.problems:
        print(render(result.problems, github=github), file=sys.stderr)
    print(summary(result.problems, result.n_files), file=sys.stderr)
    return 0 if result.ok else 1


def _cmd_geocode(args: argparse.Namespace) -> int:
    from .geocode import run_geocode

    return run_geocode(load_config(args.root))


def _cmd_schema(args: argparse.Namespace) -> int:
    from .regions import load_city
    from .schema import SCHEMA_FILE, schema_text
    from .vocab import DATA, load_vocab

    config = load_config(args.root)
    text = schema_text(load_vocab(), load_city(config.kota_kode))
    target = Path(str(DATA / SCHEMA_FILE))
    if args.check:
        if target.read_text(encoding="utf-8") != text:
            print(f"{target} tidak sesuai kosakata; jalankan `python build_map.py schema`.",
                  file=sys.stderr)
            return 1
        return 0
    target.write_text(text, encoding="utf-8")
    print(f"ditulis: {target}")
    return 0


def _cmd_build(args: argparse.Namespace) -> int:
    from .site import build_site

    return build_site(load_config(args.root), strict=args.strict)


def _cmd_fmt(args: argparse.Namespace) -> int:
    from .edit import run_fmt

    return run_fmt(load_config(args.root), args.files, check_only=args.check)


def _cmd_new(args: argparse.Namespace) -> int:
    from .new import NewAnswers, run_new

    given = NewAnswers(nama=args.nama, kategori=args.kategori, kelurahan=args.kelurahan,
                       alamat=args.alamat, lokasi=args.lokasi, pengelola_nama=args.pengelola_nama,
                       sektor=args.sektor, jam_buka=args.jam_buka, usia=args.usia,
                       fasilitas=args.fasilitas, akses=args.akses, telepon=args.telepon,
                       sumber=args.sumber, id=args.id)
    return run_new(load_config(args.root), given)


def _cmd_impor_osm(args: argparse.Namespace) -> int:
    from .osm_import import overpass_query, run_import
    from .vocab import load_vocab

    config = load_config(args.root)
    if args.kueri:
        print(overpass_query(config, load_vocab()), end="")
        return 0
    if not args.file:
        print("build_map.py impor-osm: sebutkan BERKAS (JSON Overpass atau GeoJSON), atau "
              "--kueri untuk kueri Overpass yang menghasilkannya.", file=sys.stderr)
        return 2
    return run_import(config, args.file, dry_run=args.dry_run)


def _cmd_banding(args: argparse.Namespace) -> int:
    from .compare import CompareError, compare

    try:
        text = compare(load_config(args.root), args.dasar, args.usulan)
    except CompareError as exc:
        print(f"banding: {exc}", file=sys.stderr)
        return 2
    print(text, end="")
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY") if args.ringkasan else None
    if summary_file:  # the pull-request workflow's summary
        with open(summary_file, "a", encoding="utf-8") as fh:
            fh.write(text + "\n")
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    from .site import serve_site

    return serve_site(load_config(args.root), dev_addr=args.dev_addr)


def parser() -> argparse.ArgumentParser:
    argparse_id.install()
    p = argparse.ArgumentParser(
        prog="build_map.py",
        description="Peta Kota Layak Anak: periksa data fasilitas dan bangun situsnya.",
    )
    p.add_argument("--root", default=str(ROOT), help="folder proyek (bawaan: folder build_map.py)")
    sub = p.add_subparsers(dest="command", required=True, metavar="PERINTAH")

    c = sub.add_parser("check", help="periksa berkas fasilitas",
                       description="Periksa semua berkas di facilities/ (atau BERKAS yang "
                                   "disebut) dan laporkan setiap galat dengan baris dan kolomnya.")
    c.add_argument("files", nargs="*", metavar="BERKAS", help="berkas atau folder yang diperiksa")
    c.add_argument("--strict", action="store_true",
                   help="titik perkiraan (tengah kelurahan) dianggap galat, bukan peringatan")
    c.set_defaults(func=_cmd_check)

    g = sub.add_parser("geocode", help="cari koordinat alamat (Nominatim) ke cache",
                       description="Cari koordinat setiap fasilitas tanpa `lokasi` yang alamatnya "
                                   "belum ada di facilities/_geocode-cache.json, paling banyak "
                                   "satu permintaan per detik. Hasil disimpan setelah setiap "
                                   "pencarian; check dan build hanya membaca cache.")
    g.set_defaults(func=_cmd_geocode)

    b = sub.add_parser("build", help="bangun situs ke site/",
                       description="Periksa data, lalu bangun seluruh situs ke site/. site/ lama "
                                   "hanya diganti bila pembangunan berhasil.")
    b.add_argument("--strict", action="store_true", help="peringatan MkDocs dianggap galat")
    b.set_defaults(func=_cmd_build)

    s = sub.add_parser("serve", help="pratinjau langsung (memantau facilities/ dan content/)",
                       description="Jalankan pratinjau yang memuat ulang otomatis saat berkas "
                                   "fasilitas atau halaman berubah.")
    s.add_argument("--dev-addr", default="127.0.0.1:8000", help="alamat:port (bawaan 127.0.0.1:8000)")
    s.set_defaults(func=_cmd_serve)

    sc = sub.add_parser("schema", help="tulis ulang JSON Schema dari kosakata",
                        description="Buat ulang petakla/data/fasilitas.schema.json.")
    sc.add_argument("--check", action="store_true", help="hanya periksa apakah sudah mutakhir")
    sc.set_defaults(func=_cmd_schema)

    f = sub.add_parser("fmt", help="rapikan berkas fasilitas (urutan kunci dan tata letak)",
                       description="Tulis ulang berkas fasilitas dengan urutan kunci baku (urutan "
                                   "di JSON Schema) dan tata letak baku; komentar tetap. Hanya "
                                   "berkas yang berubah yang ditulis.")
    f.add_argument("files", nargs="*", metavar="BERKAS", help="berkas atau folder yang dirapikan")
    f.add_argument("--check", action="store_true",
                   help="jangan ubah apa pun; sebutkan berkas yang perlu dirapikan (exit 1)")
    f.set_defaults(func=_cmd_fmt)

    bd = sub.add_parser("banding", help="angka cakupan dan mutu: sebelum → sesudah",
                        description="Periksa data fasilitas dua commit dengan kode sekarang dan "
                                    "cetak (Markdown) angka cakupan dan mutu data yang berubah.")
    bd.add_argument("dasar", metavar="DASAR", help="commit pembanding, misalnya main")
    bd.add_argument("usulan", metavar="USULAN", nargs="?", default="HEAD",
                    help="commit usulan (bawaan: HEAD)")
    bd.add_argument("--ringkasan", action="store_true",
                    help="tambahkan juga ke berkas $GITHUB_STEP_SUMMARY (GitHub Actions)")
    bd.set_defaults(func=_cmd_banding)

    n = sub.add_parser("new", help="buat berkas fasilitas baru",
                       description="Buat facilities/<id>.yml dari beberapa isian, lalu periksa. "
                                   "Isian yang tidak diberikan sebagai opsi ditanyakan (hanya di "
                                   "terminal interaktif). Berkas yang sudah ada tidak ditimpa.")
    n.add_argument("--nama", help="nama fasilitas, seperti di papan namanya")
    n.add_argument("--kategori", help="kategori: slug, nama atau nomor, misalnya ruang-laktasi "
                                      "atau \"Ruang Laktasi\"")
    n.add_argument("--kelurahan", help="kelurahan, misalnya \"Teluk Dalam\"")
    n.add_argument("--alamat", help="alamat jalan")
    n.add_argument("--lokasi", metavar="LINTANG,BUJUR",
                   help="koordinat, misalnya -3.3263,114.5892 atau -3,3263;114,5892")
    # A latitude south of the equator starts with "-": let "-3.3263,114.5892" (also with
    # decimal commas, "-3,31;114,57") be a value, as argparse already does for a plain
    # negative number.
    n._negative_number_matcher = re.compile(r"^-\d[\d.,;\s-]*$")
    n.add_argument("--pengelola-nama", help="nama lembaga pengelola")
    n.add_argument("--sektor", help="sektor pengelola: pemerintah, non-pemerintah, media, "
                                    "dunia-usaha")
    n.add_argument("--jam-buka", help="jam buka, sintaks opening_hours OpenStreetMap, misalnya "
                                      "\"Mo-Fr 08:00-16:00\"")
    n.add_argument("--usia", help="usia anak, misalnya 0-12")
    n.add_argument("--fasilitas", help="sarana, dipisah koma, misalnya wastafel,kursi-menyusui")
    n.add_argument("--akses", help="siapa yang boleh memakai: umum, pengunjung, karyawan")
    n.add_argument("--telepon", help="telepon lembaga, misalnya \"(0511) 3352155\"")
    n.add_argument("--sumber", help="asal informasi: alamat web atau nama dokumen")
    n.add_argument("--id", help="nama berkas tanpa .yml (bawaan: dari nama fasilitas)")
    n.set_defaults(func=_cmd_new)

    o = sub.add_parser("impor-osm", help="usulkan fasilitas baru dari data OpenStreetMap",
                       description="Baca jawaban Overpass API (JSON) atau ekspor GeoJSON "
                                   "(overpass-turbo), lalu tulis setiap objek yang cocok dengan "
                                   "kategori sebagai berkas baru di facilities/ (belum "
                                   "diverifikasi; tidak pernah menimpa). Objek yang tidak cocok, "
                                   "di luar kota, sudah diimpor atau mirip fasilitas dalam 50 m "
                                   "dilewati dengan alasannya. Butuh batas_kelurahan.")
    o.add_argument("file", metavar="BERKAS", nargs="?",
                   help="berkas JSON Overpass atau GeoJSON")
    o.add_argument("--kueri", action="store_true",
                   help="tampilkan kueri Overpass API (overpass-turbo.eu) untuk kota ini, lalu "
                        "keluar; simpan hasilnya sebagai JSON dan berikan sebagai BERKAS")
    o.add_argument("--dry-run", action="store_true",
                   help="hanya tampilkan apa yang akan ditulis; tidak ada berkas yang ditulis")
    o.set_defaults(func=_cmd_impor_osm)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("dihentikan.", file=sys.stderr)
        return 130
