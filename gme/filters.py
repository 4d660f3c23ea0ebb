"""The explorer's filters: one ``Filters`` value and its round trips.

- URL -> Filters: ``parse_query_params`` treats the URL as untrusted text. It keeps
  only known keys and values the catalog has, and returns a plain-language notice
  for everything it ignored (unknown keys, unknown or empty values, over-long
  values, control characters, invalid text such as lone surrogates), so a typo or
  a hostile link never crashes the page.
- Filters -> URL: ``Filters.query_params`` (shareable, reload-safe).
- Filters -> SQL: ``Filters.sql_params`` (bound ``$name`` parameters, never text;
  the search as words, see gme/search.py).
- Facet options: ``facet_options`` merges the catalog's values with their counts.

Inside Filters and the widgets, ``''`` stands for "Not stated" (an empty column);
in the URL it is written ``Not stated``. No Streamlit here.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence, Sized
from dataclasses import dataclass

import pandas as pd

from gme.schema import BY_NAME, NOT_STATED
from gme.search import sql_params as search_params

MAX_VALUE_LENGTH = 200  # characters; longer URL values are ignored
_QUOTE_LENGTH = 40  # characters of an ignored value quoted back in a notice
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")  # not text: DuckDB cannot bind it
_UNSHOWABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_COUNT_SUFFIX = re.compile(r"^(?P<label>.*) \((?P<count>\d[\d,]*)\)$")


@dataclass(frozen=True)
class Facet:
    """One multiselect filter: URL key, catalog column, SQL parameter, label."""

    key: str  # URL parameter, e.g. "type"
    column: str  # catalog column, e.g. "program_type"
    param: str  # SQL parameter and Filters field, e.g. "types"
    label: str  # widget label


FACETS: tuple[Facet, ...] = (
    Facet("type", "program_type", "types", "Program type"),
    Facet("discipline", "discipline", "disciplines", "Trainee discipline"),
    Facet("department", "department", "departments", "Department"),
    Facet("specialty", "specialty", "specialties", "Specialty"),
    Facet("site", "site", "sites", "Site"),
    Facet("accreditation", "accreditation", "accreditations", "Accreditation"),
)
SEARCH_KEY = "q"
URL_KEYS = frozenset({f.key for f in FACETS} | {SEARCH_KEY})


@dataclass(frozen=True)
class Filters:
    """The active filters; empty tuples and '' mean "no filter"."""

    types: tuple[str, ...] = ()
    disciplines: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()
    specialties: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    accreditations: tuple[str, ...] = ()
    search: str = ""

    def selected(self, facet: Facet) -> tuple[str, ...]:
        """The values chosen for ``facet``."""
        return getattr(self, facet.param)

    @property
    def active(self) -> bool:
        """True when any filter or the search narrows the catalog."""
        return bool(self.search) or any(self.selected(f) for f in FACETS)

    def sql_params(self) -> dict[str, list[str] | int]:
        """Bound parameters for the explorer's queries: a list per facet, and the
        search's words and bits (gme.search)."""
        params: dict[str, list[str] | int] = {
            f.param: list(self.selected(f)) for f in FACETS}
        return {**params, **search_params(self.search)}

    def query_params(self) -> dict[str, list[str]]:
        """The URL form: repeatable facet keys and ``q``; empty filters left out."""
        params = {f.key: [v or NOT_STATED for v in self.selected(f)]
                  for f in FACETS if self.selected(f)}
        if self.search:
            params[SEARCH_KEY] = [self.search]
        return params


def catalog_options(values: pd.DataFrame) -> dict[str, list[str]]:
    """{facet key: every value the catalog has} from explorer_facet_values."""
    found: dict[str, list[str]] = {f.key: [] for f in FACETS}
    for facet, value in zip(values["facet"].tolist(), values["value"].tolist(),
                            strict=True):
        if facet in found:
            found[facet].append(value)
    return found


def display_value(value: str) -> str:
    """How a facet value reads in the page: '' -> 'Not stated'."""
    return value or NOT_STATED


# A facet with more values than this (a national catalog's ~8,000 sites) is not
# listed in full: at 100,000 programs, a Site multiselect of 8,108 options made a
# filter change 106-168 ms slower (interleaved A/B against the shortlist below;
# about 250 ms in a 2-round knock-out), rebuilt in the browser on every rerun.
# Such a facet shows a shortlist instead, narrowed by a "find" box on the page.
LISTED_OPTIONS = 500
SHORTLIST = 100  # values a long facet lists at a time


def listed_in_full(values: Sized) -> bool:
    """Whether a facet with ``values`` lists them all (with their counts)."""
    return len(values) <= LISTED_OPTIONS


@dataclass(frozen=True)
class Shortlist:
    """The options a long facet lists, and how many values match its find text."""

    values: list[str]
    matches: int  # values whose shown name contains the find text (all if none)


def shortlist(counts: Mapping[str, int], selected: Sequence[str], find: str,
              limit: int = SHORTLIST) -> Shortlist:
    """The options of a facet too long to list in full.

    ``counts`` is {value: programs} in display order. The options are every
    selected value, then the ``limit`` other values whose shown name contains
    ``find`` (ignoring case and surrounding spaces) with the most programs; all
    ordered by programs, most first, ties in display order.
    """
    needle = clean_search(find).casefold()
    chosen = set(selected)
    position = {value: i for i, value in enumerate(counts)}

    def order(value: str) -> tuple[int, int]:
        return -counts[value], position[value]

    matches = [v for v in counts if needle in display_value(v).casefold()]
    others = sorted((v for v in matches if v not in chosen), key=order)
    shown = [v for v in selected if v in position] + others[:limit]
    return Shortlist(sorted(shown, key=order), len(matches))


def shortlist_note(short: Shortlist, total: int, find: str, find_label: str,
                   limit: int = SHORTLIST) -> str:
    """One plain-text line under a shortlisted facet: what it lists, and why."""
    find = clean_search(find)
    if not find:
        return (f"Lists the {min(limit, total):,} of {total:,} with the most "
                f"programs; use '{find_label}' for the others.")
    if short.matches == 0:
        return f"None of the {total:,} contains '{find}'."
    if short.matches <= limit:
        return f"{short.matches:,} of {total:,} contain '{find}'; all are listed."
    return (f"{short.matches:,} of {total:,} contain '{find}'; the {limit:,} with "
            "the most programs are listed. Type more to narrow it.")


def option_label(value: str, count: int) -> str:
    """A multiselect option: 'Fellowship (28)', 'Not stated (3)'."""
    return f"{display_value(value)} ({count:,})"


def clean_search(text: str) -> str:
    """The search text: single spaces, at most MAX_VALUE_LENGTH, valid text only."""
    words = _SURROGATE.sub(" ", str(text)).split()
    return " ".join(words)[:MAX_VALUE_LENGTH].rstrip()


def from_selections(selections: Mapping[str, Sequence[str]], search: str,
                    options: Mapping[str, Collection[str]]) -> Filters:
    """Filters from widget values, keyed by facet key; unknown values are dropped.

    A multiselect may hand back a label it showed in an earlier run ('Fellowship
    (29)') instead of the value, because the counts in its labels change; those
    are mapped back to their value by ``resolve_selection``.
    """
    chosen = {f.param: tuple(resolve_selection(selections.get(f.key, ()),
                                               options.get(f.key, ())))
              for f in FACETS}
    return Filters(**chosen, search=clean_search(search))


def resolve_selection(values: Sequence[str], options: Collection[str]) -> list[str]:
    """Each value as a known option (stale 'Label (N)' labels mapped back), deduped."""
    by_label: dict[str, str] | None = None
    resolved: list[str] = []
    for value in values:
        if value not in options:
            by_label = by_label or {display_value(o): o for o in options}
            match = _COUNT_SUFFIX.match(str(value))
            value = by_label.get(match["label"]) if match else None
        if value is not None and value not in resolved:
            resolved.append(value)
    return resolved


def parse_query_params(
    params: Mapping[str, Sequence[str]], options: Mapping[str, Collection[str]]
) -> tuple[Filters, list[str]]:
    """Filters from the URL, and a notice for each thing ignored.

    ``params`` maps each URL key to all its values (``st.query_params.get_all``);
    ``options`` maps each facet key to the values the catalog has ('' = not
    stated). Notices are plain text naming what was ignored; escape them before
    showing them as Markdown.
    """
    notices: list[str] = []
    chosen: dict[str, tuple[str, ...]] = {}
    for key in params:
        if key not in URL_KEYS:
            notices.append(f"Ignored the unknown link setting {_quote(key)}.")
    for facet in FACETS:
        kept = _facet_values(facet, params.get(facet.key, ()),
                             options.get(facet.key, ()), notices)
        chosen[facet.param] = tuple(kept)
    search = _search_value(params.get(SEARCH_KEY, ()), notices)
    return Filters(**chosen, search=search), notices


def facet_options(options: Mapping[str, Collection[str]],
                  counts: pd.DataFrame) -> dict[str, dict[str, int]]:
    """{facet key: {value: programs}} for every catalog value, 0 where none match.

    ``options`` is ``catalog_options(...)``; ``counts`` has facet | value |
    programs for the values that match (explorer_facet_counts). Program types keep
    the vocabulary's order; other values are alphabetical, '' (Not stated) last.
    """
    found = {(f, v): int(n) for f, v, n in counts[["facet", "value", "programs"]]
             .itertuples(index=False)}
    return {facet.key: {v: found.get((facet.key, v), 0)
                        for v in sorted(options.get(facet.key, ()),
                                        key=_option_order(facet))}
            for facet in FACETS}


def _option_order(facet: Facet):
    """Sort key: a controlled vocabulary's own order, else alphabetical; '' last."""
    vocabulary = BY_NAME[facet.column].vocabulary
    if vocabulary:
        return lambda v: (v == "", vocabulary.index(v) if v in vocabulary
                          else len(vocabulary), v)
    return lambda v: (v == "", v.casefold(), v)


def _facet_values(facet: Facet, values: Sequence[str], allowed: Collection[str],
                  notices: list[str]) -> list[str]:
    kept: list[str] = []
    for raw in values:
        if (problem := _text_problem(raw)) is not None:
            notices.append(f"Ignored a {facet.label.lower()} value in the link: "
                           f"{problem}.")
            continue
        if not raw.strip():  # '?department=': not a value ('Not stated' is spelt out)
            notices.append(f"Ignored an empty {facet.label.lower()} value in the "
                           "link.")
            continue
        value = "" if raw.strip() == NOT_STATED else raw.strip()
        if value not in allowed:
            notices.append(f"Ignored {facet.label.lower()} {_quote(raw)}: no program "
                           "in the catalog has it.")
        elif value not in kept:
            kept.append(value)
    return kept


def _search_value(values: Sequence[str], notices: list[str]) -> str:
    usable = []
    for raw in values:
        if (problem := _text_problem(raw)) is not None:
            notices.append(f"Ignored a search in the link: {problem}.")
        else:
            usable.append(clean_search(raw))
    if len(usable) > 1:
        notices.append(f"The link gives {len(usable)} searches; used the first, "
                       f"{_quote(usable[0])}.")
    return usable[0] if usable else ""


def _text_problem(value: str) -> str | None:
    """Why a URL value cannot be used, or None if it can."""
    if len(value) > MAX_VALUE_LENGTH:
        return (f"it is {len(value):,} characters long (the limit is "
                f"{MAX_VALUE_LENGTH})")
    if _CONTROL.search(value):
        return f"{_quote(value)} contains control characters"
    if _SURROGATE.search(value):
        return f"{_quote(value)} is not valid text"
    return None


def _quote(text: str) -> str:
    """``text`` quoted for a notice: control characters and invalid text shown as
    '?', shortened."""
    shown = _UNSHOWABLE.sub("?", str(text))
    if len(shown) > _QUOTE_LENGTH:
        shown = shown[:_QUOTE_LENGTH] + "…"
    return f"“{shown}”"
