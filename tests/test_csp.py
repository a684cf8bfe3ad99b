"""The CSP's one-pass way (csp._fast_add_csp, used for every page the build renders) gives
exactly what the long way (one regular expression pass per kind of tag) gives: on every
document of a built site, with and without its CSP, and on made-up documents full of the
cases a shortcut could get wrong (upper-case tags, tags inside scripts, unclosed tags, the
non-ASCII letters that match ASCII ones case-insensitively)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from petakla import csp

TILES = "https://tile.openstreetmap.org"


def _both(html: str) -> tuple[str, str]:
    return csp.add_csp(html, TILES), csp._add_csp(html, TILES)


def test_every_document_of_a_built_site(fixture_site):
    documents = sorted(fixture_site.site.rglob("*.html"))
    assert len(documents) > 20
    fast = 0
    for path in documents:
        built = path.read_text(encoding="utf-8")
        bare = csp._PRELOADS.sub("", csp._EXISTING.sub("", built))  # as MkDocs renders it
        for html in (built, bare):
            quick, long_way = _both(html)
            assert quick == long_way, path
        fast += csp._fast_add_csp(bare, TILES) is not None
    assert fast == len(documents)  # the one-pass way really was taken for each


PIECES = ["<script>", "</script>", "<SCRIPT type=\"module\">", "<script src=\"a.js\">",
          "<Script SRC='b.js' >", "<script type=\"application/json\">{}", "<style>",
          "</style>", "<STYLE media=x>", "<style>p{}</style>", "<head>", "<HEAD lang=id>",
          "<header>", "<meta charset=\"utf-8\">", " <meta charset=\"x\">",
          '<meta http-equiv="Content-Security-Policy" content="x">\n',
          '<META HTTP-EQUIV="content-security-policy">',
          '<link rel="preload" href="a.js" as="script">\n',
          '<link rel="stylesheet" href="s.css">', '<LINK REL="stylesheet" HREF="t.css">',
          '<link href="u.css" rel="stylesheet">', "<link>", "<linked>", "<meta>", "<headline>",
          "<", ">", "\"", "'", "x", " ", "\n", "alert(1)", "\u017f", "\u212a", "\u0130", "\u0131",
          "<\u017fcript>", "<\u017ftyle>", "<lin\u212a rel=\"stylesheet\" href=\"k.css\">",
          "//x", "https://cdn.example/x.js", "<!-- <script>x</script> -->"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_made_up_documents(pieces):
    html = "".join(pieces)
    quick, long_way = _both(html)
    assert quick == long_way


def test_a_page_gets_its_policy_and_preloads():
    html = ('<!doctype html><html><head><meta charset="utf-8"><script src="a.js"></script>'
            '<link rel="stylesheet" href="s.css"><style>p{}</style></head><body>'
            '<script>go()</script><script type="application/json">{}</script></body></html>')
    out = csp.add_csp(html, TILES)
    assert out == csp._add_csp(html, TILES)
    assert out.startswith('<!doctype html><html><head><meta charset="utf-8">\n'
                          '<link rel="preload" href="a.js" as="script">\n'
                          '<link rel="preload" href="s.css" as="style">\n'
                          '<meta http-equiv="Content-Security-Policy" content="default-src')
    assert f"script-src 'self' {csp._hash('go()')};" in out
    assert f"style-src 'self' {csp._hash('p{}')};" in out
