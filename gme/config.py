"""Institution settings (name, contacts) read from ``data/institution.toml``.

The file is configuration the GME office edits; code never hard-codes an
institution's name or contact details. ``GME_INSTITUTION`` may point elsewhere.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
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
    except OSError as exc:
        raise ValueError(
            f"{path}: the settings file cannot be read ({exc.strerror})."
        ) from None
    except UnicodeDecodeError:
        raise ValueError(f"{path}: the settings file is not UTF-8 text.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: the settings are not valid TOML ({exc}).") from None
    institution = data.get("institution")
    if not isinstance(institution, dict) or not str(
        institution.get("name", "")
    ).strip():
        raise ValueError(f"{path}: [institution] name is missing.")
    return data


def contact_group(settings: Mapping[str, Any], group: str) -> dict[str, str]:
    """``[contacts.<group>]`` as stripped strings; ``{}`` when the table is absent.

    A value that is not a single line of text raises ``ValueError`` naming it.
    """
    groups = settings.get("contacts", {})
    table = groups.get(group, {}) if isinstance(groups, dict) else None
    if not isinstance(table, dict):
        raise ValueError(f"[contacts.{group}] must be a table of text values.")
    contacts = {}
    for key, value in table.items():
        if not isinstance(value, str) or "\n" in value.strip():
            raise ValueError(
                f"[contacts.{group}] {key} must be one line of text, in quotes."
            )
        contacts[key] = value.strip()
    return contacts
