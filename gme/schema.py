"""The catalog's columns and controlled vocabularies, in one place.

``data/README.md`` documents the same facts for people; the DDL in
``queries/create_programs_table.sql`` enforces them a second time in DuckDB
(except that ``program_id`` is unique, checked once after loading).
"""

from __future__ import annotations

from dataclasses import dataclass

NOT_STATED = "Not stated"

PROGRAM_TYPES = ("Residency", "Fellowship", "Practicum", "Training program",
                 "Degree program")
DISCIPLINES = ("Physician", "Pharmacy", "Nursing", "Psychology", "Nutrition",
               "Administration", "Clinical research")
ACCREDITATIONS = ("ACGME", "Non-ACGME", "AOA", "CODA", "ASHP", "APA", "ACEND",
                  "Other")


@dataclass(frozen=True)
class Column:
    """One catalog column: its CSV header, display label and rules."""

    name: str
    label: str
    required: bool = False
    vocabulary: tuple[str, ...] = ()
    integer: bool = False
    max_length: int = 300


COLUMNS: tuple[Column, ...] = (
    Column("program_id", "Program ID", required=True, max_length=80),
    Column("name", "Program", required=True),
    Column("program_type", "Type", required=True, vocabulary=PROGRAM_TYPES),
    Column("discipline", "Discipline", required=True, vocabulary=DISCIPLINES),
    Column("specialty", "Specialty"),
    Column("department", "Department"),
    Column("site", "Site"),
    Column("accreditation", "Accreditation", vocabulary=ACCREDITATIONS),
    Column("positions", "Positions", integer=True, max_length=6),
    Column("length_years", "Length (years)", integer=True, max_length=2),
    Column("director", "Program director"),
    Column("aliases", "Also known as", max_length=1000),
)
COLUMN_NAMES = tuple(c.name for c in COLUMNS)
BY_NAME = {c.name: c for c in COLUMNS}
LABELS = {c.name: c.label for c in COLUMNS}
