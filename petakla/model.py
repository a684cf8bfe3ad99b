"""A facility record once it has passed validation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .regions import Kelurahan
from .vocab import Category

APPROX_LABELS = {
    "editor": "Lokasi perkiraan",
    "geocode": "Lokasi perkiraan (dari alamat)",
    "kelurahan": "Lokasi perkiraan: kelurahan",
}


@dataclass(frozen=True)
class Facility:
    id: str
    file: str  # path of the record, relative to the project root
    data: dict[str, Any]  # the record as written (validated)
    category: Category
    kelurahan: Kelurahan  # official spelling; the kecamatan hangs off it
    lat: float | None = None
    lon: float | None = None
    # Why the point is not exact: None (measured), "editor" (the record says it is
    # approximate), "geocode" (looked up from the address), "kelurahan" (a fallback point
    # inside the kelurahan). APPROX_LABELS says it to people.
    approx: str | None = None

    @property
    def nama(self) -> str:
        return self.data["nama"]

    @property
    def status(self) -> str:
        return self.data.get("status", "aktif")

    @property
    def verified(self) -> dict | None:
        return self.data.get("verifikasi")

    @property
    def protected(self) -> bool:
        return self.category.dilindungi

    @property
    def has_location(self) -> bool:
        return self.lat is not None and not self.protected
