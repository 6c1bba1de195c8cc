"""The lesson page and mark-complete as one executive on 64 connections, against the bare
baseline: what issue 14's first figures measured. Kept for that command line; it is now
``hot_paths.py --only lesson,complete-again --shapes one`` (see ``bench/README.md``) and
takes hot_paths.py's options (``-d``, ``-c``, ``--rounds``, ``--database-url`` …).

    .venv/bin/python bench/lesson_page.py [-d 10s] [--database-url postgresql+psycopg://...]
"""

from __future__ import annotations

import sys

import hot_paths

if __name__ == "__main__":
    sys.exit(hot_paths.main(["--only", "lesson,complete-again", "--shapes", "one",
                             *sys.argv[1:]]))
