"""Thin MkDocs hook: adds the pipeline's generated files to the build, and makes
`mkdocs serve` rebuild when records or the package's data change. All logic is in site.py."""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel

from petakla.config import load_config
from petakla.csp import add_csp, tile_origin
from petakla.site import RecordErrors, generate


def _project(config) -> Path:
    return Path(config.config_file_path).resolve().parent


_tiles: dict[str, str] = {}  # config file -> tile server origin, read once per build


def on_files(files: Files, config) -> Files:
    project = load_config(_project(config))
    _tiles[config.config_file_path] = tile_origin(project.tiles)
    try:
        generated = generate(project, site_url=config.site_url or "")
    except RecordErrors as exc:
        raise PluginError(f"data fasilitas bermasalah:\n{exc}") from None
    for uri, content in sorted(generated.items()):
        # Facility pages are reached from lists and the map, never through the site navigation
        # (thousands of nav entries make Material's build minutes long).
        inclusion = (InclusionLevel.NOT_IN_NAV if uri.endswith(".md") and uri.count("/") >= 1
                     and not uri.endswith("/index.md") else InclusionLevel.UNDEFINED)
        if isinstance(content, Path):
            f = File.generated(config, uri, abs_src_path=str(content), inclusion=inclusion)
        else:
            f = File.generated(config, uri, content=content, inclusion=inclusion)
        if uri in files.src_uris:
            files.remove(files.get_file_from_path(uri))
        files.append(f)
    return files


# Material's search dialog has no accessible name (axe: aria-dialog-name); name it here
# rather than copying the theme's template into an override.
_SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
_SEARCH_DIALOG_NAMED = ('<div class="md-search" data-md-component="search" role="dialog" '
                        'aria-label="Pencarian situs">')


def on_post_page(output: str, page, config) -> str:
    """Every page gets the same kind of CSP as the map documents (see petakla/csp.py)."""
    output = output.replace(_SEARCH_DIALOG, _SEARCH_DIALOG_NAMED, 1)
    tiles = _tiles.get(config.config_file_path) or tile_origin(load_config(_project(config)).tiles)
    return add_csp(output, tiles)


def on_serve(server, config, builder):
    root = _project(config)
    server.watch(str(root / "facilities"))
    server.watch(str(Path(__file__).parent / "data"))
    server.watch(str(Path(__file__).parent / "templates"))
    return server
