#!/usr/bin/env python3
"""Peta Kota Layak Anak — command line. See `python build_map.py --help`."""

import sys

from petakla.cli import main

if __name__ == "__main__":
    sys.exit(main())
