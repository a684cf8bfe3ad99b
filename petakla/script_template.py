"""The Jinja template class of this project's Folium elements (map documents and the form).

Folium renders an element's script through Jinja twice: branca wraps each rendered script in
a new Template (`Element(script(self, kwargs))`) and renders that again with the figure. Text
in the options (a category's label or search words from kategori.yml, the city's name) that
contains "{{", "{%" or "{#" would then be evaluated, or stop the build. This class's `tojson`
writes the brace that opens such a sequence as the JSON escape \\u007b, which reads back as
the same text and which Jinja leaves alone.
"""

from __future__ import annotations

import re
from typing import Any

from folium import template as folium_template
from jinja2.utils import htmlsafe_json_dumps

_JINJA_OPEN = re.compile(r"\{(?=[{%#])")


def script_json(value: Any) -> str:
    """Jinja's `tojson` (HTML-safe, sorted keys), with no "{{", "{%" or "{#" in it. A JSON
    object's own brace is followed by a quote or "}", so only braces inside strings change."""
    return _JINJA_OPEN.sub(r"\\u007b", str(htmlsafe_json_dumps(value, sort_keys=True)))


class _Environment(folium_template.Environment):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["tojson"] = script_json


class Template(folium_template.Template):
    environment_class = _Environment
