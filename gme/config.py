"""Institution settings (name, contacts) read from ``data/institution.toml``.

The file is configuration the GME office edits; code never hard-codes an
institution's name or contact details. ``GME_INSTITUTION`` may point elsewhere.
"""

from __future__ import annotations

import os
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTITUTION = ROOT / "data" / "institution.toml"
INSTITUTION_ENV = "GME_INSTITUTION"


def institution_path() -> Path:
    """The settings file: ``$GME_INSTITUTION`` if set, else the default."""
    configured = os.environ.get(INSTITUTION_ENV, "").strip()
    return Path(configured) if configured else DEFAULT_INSTITUTION


def load_institution(path: Path | None = None) -> dict[str, Any]:
    """The parsed settings; a missing or broken file raises ``ValueError``."""
    path = path or institution_path()
    return _load(path, path.stat().st_mtime_ns if path.exists() else 0)


@cache
def _load(path: Path, _mtime_ns: int) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ValueError(f"{path}: the institution settings file is missing.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: the settings are not valid TOML ({exc}).") from None
    if not str(data.get("institution", {}).get("name", "")).strip():
        raise ValueError(f"{path}: [institution] name is missing.")
    return data
