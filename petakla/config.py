"""The city and its settings, read from `[tool.petakla]` in pyproject.toml."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


class ConfigError(Exception):
    """pyproject.toml missing, unreadable or without the city's settings: said to the user in
    one line, without a traceback."""


_REQUIRED = ("judul", "kota_kode", "kota_nama", "batas", "pusat")


@dataclass(frozen=True)
class Config:
    root: Path
    judul: str
    kota_kode: str
    kota_nama: str
    batas: tuple[tuple[float, float], tuple[float, float]]
    pusat: tuple[float, float]
    zoom: int = 13
    repositori: str = ""
    cabang: str = "main"
    tiles: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    tiles_attribution: str = (
        '&copy; <a href="https://www.openstreetmap.org/copyright">kontributor OpenStreetMap</a>'
    )
    # Geocoding (`python build_map.py geocode`): the Nominatim endpoint and its timeout (s).
    geocoder_url: str = "https://nominatim.openstreetmap.org"
    geocoder_timeout: float = 10.0
    # Optional GeoJSON of kelurahan polygons (property `kode`), relative to the project root.
    batas_kelurahan: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def facilities_dir(self) -> Path:
        return self.root / "facilities"

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def geocode_cache(self) -> Path:
        return self.facilities_dir / "_geocode-cache.json"

    @property
    def site_dir(self) -> Path:
        return self.root / "site"

    def in_bounds(self, lat: float, lon: float) -> bool:
        (s, w), (n, e) = self.batas
        return s <= lat <= n and w <= lon <= e


_KNOWN = {"judul", "kota_kode", "kota_nama", "batas", "pusat", "zoom", "repositori", "cabang",
          "tiles", "tiles_attribution", "geocoder_url", "geocoder_timeout", "batas_kelurahan"}


def from_environment(table: dict, env: Mapping[str, str]) -> dict:
    """`repositori` and `cabang` where the table does not set them (an explicit setting wins):
    PETAKLA_REPOSITORI / PETAKLA_CABANG, else what GitHub Actions puts in every job's
    environment (GITHUB_SERVER_URL + GITHUB_REPOSITORY; the workflows pass the default branch
    as PETAKLA_CABANG), so the deployed site's report/edit buttons and form reach the
    repository it was built from without editing a file."""
    found = {}
    if not table.get("repositori"):
        repo = env.get("PETAKLA_REPOSITORI", "").strip()
        github = env.get("GITHUB_REPOSITORY", "").strip()
        if not repo and github:
            server = env.get("GITHUB_SERVER_URL", "").strip() or "https://github.com"
            repo = f"{server.rstrip('/')}/{github}"
        if repo:
            found["repositori"] = repo
    if not table.get("cabang") and env.get("PETAKLA_CABANG", "").strip():
        found["cabang"] = env["PETAKLA_CABANG"].strip()
    return found


def load_config(root: Path | str = ".", overrides: dict | None = None,
                env: Mapping[str, str] | None = None) -> Config:
    """Read the project's configuration; `overrides` lets tests build another city or setting;
    `env` (default os.environ) may supply the repository and branch (from_environment)."""
    root = Path(root).resolve()
    path = root / "pyproject.toml"
    try:
        with open(path, "rb") as fh:
            table = dict(tomllib.load(fh).get("tool", {}).get("petakla", {}))
    except FileNotFoundError:
        raise ConfigError(f"{path}: error: berkas tidak ada. Jalankan perintah dari folder "
                          "proyek (yang berisi pyproject.toml), atau beri --root <folder "
                          "proyek>.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: error: bukan TOML yang sah ({exc}). Perbaiki tulisannya, "
                          "atau kembalikan berkas dari repositori.") from None
    table.update(overrides or {})
    if missing := [k for k in _REQUIRED if k not in table]:
        raise ConfigError(f"{path}: error: tool.petakla: kunci {', '.join(missing)} tidak ada. "
                          "Tambahkan di bagian [tool.petakla] (lihat README, bagian "
                          "Configuration).")
    table.update(from_environment(table, os.environ if env is None else env))
    known = {k: v for k, v in table.items() if k in _KNOWN}
    (s, w), (n, e) = known.pop("batas")
    return Config(
        root=root,
        batas=((float(s), float(w)), (float(n), float(e))),
        pusat=(float(known.pop("pusat")[0]), float(table["pusat"][1])),
        extra={k: v for k, v in table.items() if k not in _KNOWN},
        **known,
    )
