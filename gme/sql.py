"""Load the SQL statements kept one per file in ``queries/``.

Files are found relative to this module, never the working directory, because
pytest, AppTest and ``streamlit run`` each start somewhere else.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

QUERIES_DIR = Path(__file__).resolve().parent.parent / "queries"
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_COMMENT = re.compile(r"--[^\n]*")


class UnknownQueryError(LookupError):
    """Raised for a query name that has no file in ``queries/``."""


def available() -> list[str]:
    """Names of every query file, sorted (``schema`` -> ``queries/schema.sql``)."""
    return sorted(p.stem for p in QUERIES_DIR.glob("*.sql"))


@cache
def load_sql(name: str) -> str:
    """Return the text of ``queries/<name>.sql``; raise for an unknown name."""
    path = QUERIES_DIR / f"{name}.sql"
    if not _NAME.match(name) or not path.is_file():
        raise UnknownQueryError(
            f"No query named {name!r}: expected a file {path}. "
            f"Known queries: {', '.join(available())}."
        )
    return path.read_text(encoding="utf-8")


@cache
def parameters(name: str) -> frozenset[str]:
    """The ``$name`` parameters that query ``name`` binds (comments ignored)."""
    return frozenset(_PARAM.findall(_COMMENT.sub("", load_sql(name))))
