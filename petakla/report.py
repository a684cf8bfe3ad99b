"""Problems found in records, and how they are printed for editors and for GitHub."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    file: str  # path as the editor sees it, e.g. "facilities/taman-kamboja.yml"
    line: int  # 1-based
    col: int  # 1-based
    severity: str  # "error" or "warning"
    field: str  # dotted path such as "kontak.telepon"; "" for the whole file
    message: str  # Indonesian, says what to do

    def format(self) -> str:
        where = f"{self.field}: " if self.field else ""
        return f"{self.file}:{self.line}:{self.col}: {self.severity}: {where}{self.message}"

    def annotation(self) -> str:
        """A GitHub Actions workflow command, shown inline on the pull request's diff."""
        where = f"{self.field}: " if self.field else ""
        text = (where + self.message).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::{self.severity} file={self.file},line={self.line},col={self.col}::{text}"


def display_path(path: Path, root: Path) -> str:
    if path.is_absolute() and root.is_absolute():  # the common case: no file system calls
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            pass
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def render(problems: list[Problem], github: bool = False) -> str:
    lines = []
    for p in sorted(problems):
        lines.append(p.format())
        if github:
            lines.append(p.annotation())
    return "\n".join(lines)


def summary(problems: list[Problem], n_files: int) -> str:
    n_err = len(errors(problems))
    n_warn = len(problems) - n_err
    if not problems:
        return f"{n_files} berkas diperiksa: semua benar."
    return f"{n_files} berkas diperiksa: {n_err} galat, {n_warn} peringatan."
