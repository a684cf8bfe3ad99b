"""Peta Kota Layak Anak: a static site generator for a city's child-friendly facilities.

The pipeline runs as small ordered steps, each a module with plain functions over records:
load -> validate -> locate -> export -> maps -> pages; `site` hands the result to MkDocs.
"""
