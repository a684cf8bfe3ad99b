"""A facility record once it has passed validation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .regions import Kelurahan
from .vocab import Category

APPROX_LABELS = {
    "editor": "Lokasi perkiraan",
    "geocode": "Lokasi perkiraan (dari alamat)",
    "jalan": "Lokasi perkiraan: di jalan yang disebut alamat",
    "kelurahan": "Lokasi perkiraan: hanya kelurahannya yang diketahui",
}
# The precision in words for the facility page (approx None with `ketelitian_lokasi: tepat`).
EXACT_LABEL = "Tepat di tempatnya"


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
    # approximate), "jalan" (somewhere on the street of its address), "geocode" (looked up
    # from the address), "kelurahan" (only the kelurahan is known: the record says so, or a
    # fallback point inside it). APPROX_LABELS says it to people.
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
    def precision_label(self) -> str:
        """The precision of the point in words, or "" when the record does not say."""
        if self.approx:
            return APPROX_LABELS[self.approx]
        return EXACT_LABEL if self.data.get("ketelitian_lokasi") == "tepat" else ""

    @property
    def secondary_point(self) -> str:
        """Where the point came from when that is a secondary source ("" otherwise)."""
        return self.data.get("sumber_lokasi", "")

    @property
    def protected(self) -> bool:
        return self.category.dilindungi

    @property
    def has_location(self) -> bool:
        return self.lat is not None and not self.protected
