"""argparse in Indonesian: its own messages (usage, errors, help) are looked up through
gettext; this module hands it Indonesian texts for the ones an editor can meet."""

from __future__ import annotations

import argparse

_TEXTS = {
    "usage: ": "pemakaian: ",
    "options": "opsi",
    "positional arguments": "argumen",
    "show this help message and exit": "tampilkan bantuan ini lalu keluar",
    "%(prog)s: error: %(message)s\n": "%(prog)s: galat: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "argumen %(argument_name)s: %(message)s",
    "expected one argument": "butuh satu nilai; nilai yang diawali '-' tulis sebagai "
                             "--opsi=\"-3,31;114,57\"",
    "expected at least one argument": "butuh paling sedikit satu nilai",
    "expected at most one argument": "paling banyak satu nilai",
    "the following arguments are required: %s": "argumen berikut wajib diisi: %s",
    "unrecognized arguments: %s": "argumen tidak dikenal: %s",
    "ambiguous option: %(option)s could match %(matches)s":
        "opsi %(option)s tidak jelas; bisa berarti %(matches)s",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "pilihan %(value)r tidak dikenal (pilih dari %(choices)s)",
    "invalid %(type)s value: %(value)r": "nilai %(value)r tidak sah",
    "not allowed with argument %s": "tidak boleh bersama argumen %s",
    "one of the arguments %s is required": "salah satu argumen %s wajib diisi",
    "ignored explicit argument %r": "nilai %r tidak dipakai",
}


def _gettext(text: str) -> str:
    return _TEXTS.get(text, text)


def _ngettext(singular: str, plural: str, n: int) -> str:
    if singular == "expected %s argument":
        return "butuh %s nilai"
    return singular if n == 1 else plural


def install() -> None:
    """Make argparse speak Indonesian (idempotent; affects this process only)."""
    argparse._ = _gettext  # type: ignore[attr-defined]  # argparse calls the module's _()
    argparse.ngettext = _ngettext  # type: ignore[attr-defined]
