"""Synthetic program catalogs with the real columns, for benchmarks at national scale.

The rows are made up (sites are "Site 0001 Medical Center", directors "Director
00042"): they exist to load the app with 54, 13,000 or 100,000 programs whose value
distributions look like a national database's, never to be shown as facts. Each file
passes ``gme.catalog.load_catalog``.

    python -m bench.synth --rows 100000 --out /tmp/programs_100k.csv
"""

from __future__ import annotations

import argparse
import csv
import random
import re
from collections.abc import Iterator
from pathlib import Path

from gme import schema

# Core specialties: a residency's department is its own specialty. (name, weight)
RESIDENCIES = (
    ("Internal Medicine", 18), ("Family Medicine", 14), ("Pediatrics", 10),
    ("Psychiatry", 9), ("Surgery", 7), ("Emergency Medicine", 7),
    ("Anesthesiology", 5), ("Obstetrics and Gynecology", 5),
    ("Diagnostic Radiology", 4), ("Neurology", 4), ("Pathology", 3),
    ("Orthopaedic Surgery", 3), ("Physical Medicine and Rehabilitation", 2),
    ("Otolaryngology – Head and Neck Surgery", 2), ("Dermatology", 2),
    ("Ophthalmology", 2), ("Urology", 2), ("Neurological Surgery", 2),
    ("Radiation Oncology", 1), ("Plastic Surgery", 1), ("Thoracic Surgery", 1),
    ("Vascular Surgery", 1), ("Preventive Medicine", 1), ("Nuclear Medicine", 1),
    ("Transitional Year", 2), ("Interventional Radiology", 1),
)
# Subspecialty fellowships by parent department.
FELLOWSHIPS = {
    "Internal Medicine": (
        "Cardiovascular Disease", "Gastroenterology",
        "Pulmonary Disease and Critical Care Medicine",
        "Hematology and Medical Oncology", "Nephrology",
        "Endocrinology, Diabetes and Metabolism", "Infectious Disease",
        "Rheumatology", "Geriatric Medicine", "Interventional Cardiology",
        "Clinical Cardiac Electrophysiology",
        "Advanced Heart Failure and Transplant Cardiology"),
    "Pediatrics": (
        "Neonatal-Perinatal Medicine", "Pediatric Cardiology",
        "Pediatric Critical Care Medicine", "Pediatric Emergency Medicine",
        "Pediatric Hematology-Oncology", "Pediatric Gastroenterology",
        "Developmental-Behavioral Pediatrics"),
    "Surgery": ("Surgical Critical Care", "Pediatric Surgery",
                "Complex General Surgical Oncology"),
    "Psychiatry": ("Child and Adolescent Psychiatry", "Addiction Psychiatry",
                   "Geriatric Psychiatry", "Consultation-Liaison Psychiatry"),
    "Anesthesiology": ("Adult Cardiothoracic Anesthesiology", "Pain Medicine",
                       "Pediatric Anesthesiology",
                       "Anesthesiology Critical Care Medicine"),
    "Diagnostic Radiology": ("Neuroradiology", "Pediatric Radiology",
                             "Musculoskeletal Radiology"),
    "Neurology": ("Vascular Neurology", "Clinical Neurophysiology", "Epilepsy"),
    "Pathology": ("Hematopathology", "Cytopathology", "Surgical Pathology",
                  "Forensic Pathology"),
    "Obstetrics and Gynecology": ("Maternal-Fetal Medicine", "Gynecologic Oncology"),
    "Orthopaedic Surgery": ("Orthopaedic Sports Medicine", "Hand Surgery"),
    "Emergency Medicine": ("Medical Toxicology", "Emergency Medical Services"),
    "Multidisciplinary": ("Hospice and Palliative Medicine", "Sleep Medicine",
                          "Critical Care Medicine", "Neurocritical Care"),
}
# Other professions: (program_type, discipline, specialty, accreditation, weight)
OTHER = (
    ("Residency", "Pharmacy", "Pharmacy", "ASHP", 9),
    ("Residency", "Nursing", "Nursing", "Other", 3),
    ("Practicum", "Psychology", "Psychology", "APA", 2),
    ("Training program", "Nutrition", "Clinical Nutrition", "ACEND", 2),
    ("Fellowship", "Administration", "Healthcare Administration", "", 1),
    ("Degree program", "Clinical research", "Clinical Research", "", 1),
)
SITE_KINDS = ("Medical Center", "General Hospital", "University Hospital",
              "Children's Hospital", "Community Hospital", "Health System")
_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """'Otolaryngology – Head and Neck' -> 'otolaryngology-head-and-neck'."""
    return _SLUG.sub("-", text.lower()).strip("-")


def initials(text: str) -> str:
    """'Pulmonary Disease and Critical Care' -> 'PDCC' (a plausible alias)."""
    return "".join(w[0] for w in re.findall(r"[A-Za-z]+", text)
                   if w.lower() not in {"and", "of", "the"}).upper()


def _kind(program_type: str) -> str:
    """'Fellowship' -> 'Fellowship Program'; 'Degree program' -> 'Degree Program'."""
    label = program_type.title()
    return label if label.endswith("Program") else f"{label} Program"


def _maybe(rng: random.Random, share: float, value: str) -> str:
    """``value`` with probability ``share``, else '' (not stated)."""
    return value if rng.random() < share else ""


def _physician(rng: random.Random) -> tuple[str, str, str]:
    """(program_type, specialty, department) of a physician program."""
    if rng.random() < 0.42:
        names, weights = zip(*RESIDENCIES, strict=True)
        specialty = rng.choices(names, weights)[0]
        return "Residency", specialty, specialty
    department = rng.choice(list(FELLOWSHIPS))
    return "Fellowship", rng.choice(FELLOWSHIPS[department]), department


def rows(count: int, seed: int = 7) -> Iterator[dict[str, str]]:
    """``count`` catalog rows (column -> text), the same for the same seed."""
    rng = random.Random(seed)
    sites = [f"Site {i:04d} {rng.choice(SITE_KINDS)}"
             for i in range(1, max(3, count // 12) + 1)]
    site_weights = [1 / (rank ** 0.8) for rank in range(1, len(sites) + 1)]
    other_weights = [o[-1] for o in OTHER]
    for i in range(1, count + 1):
        site = _maybe(rng, 0.85, rng.choices(sites, site_weights)[0])
        if rng.random() < 0.9:
            program_type, specialty, department = _physician(rng)
            discipline = "Physician"
            accreditation = rng.choices(["ACGME", "AOA", "Non-ACGME", ""],
                                        [85, 2, 5, 8])[0]
            if rng.random() < 0.02:
                department = ""
        else:
            program_type, discipline, specialty, accreditation, _ = rng.choices(
                OTHER, other_weights)[0]
            department = discipline if discipline != "Clinical research" else ""
            accreditation = _maybe(rng, 0.7, accreditation)
        name = f"{specialty} {_kind(program_type)}" + (f" at {site}" if site else "")
        longest = 8 if program_type == "Residency" else 3
        most = 40 if program_type == "Residency" else 12
        yield {
            "program_id": f"{slug(name)[:60].strip('-')}-{i}",
            "name": name,
            "program_type": program_type,
            "discipline": discipline,
            "specialty": specialty,
            "department": department,
            "site": site,
            "accreditation": accreditation,
            "positions": _maybe(rng, 0.7, str(rng.randint(1, most))),
            "length_years": _maybe(rng, 0.7, str(rng.randint(1, longest))),
            "director": _maybe(rng, 0.5, f"Director {i:05d}"),
            "aliases": "; ".join(a for a in (initials(specialty), specialty.lower(),
                                             _maybe(rng, 0.3, "research track")) if a),
        }


def write_catalog(path: Path, count: int, seed: int = 7) -> Path:
    """Write a catalog of ``count`` synthetic programs to ``path`` (UTF-8 CSV)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=schema.COLUMN_NAMES)
        writer.writeheader()
        writer.writerows(rows(count, seed))
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, required=True,
                        help="number of programs, e.g. 54, 13000 or 100000")
    parser.add_argument("--out", type=Path, required=True, help="CSV file to write")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    args = parser.parse_args(argv)
    if args.rows < 1:
        parser.error("--rows must be at least 1")
    path = write_catalog(args.out, args.rows, args.seed)
    print(f"wrote {args.rows:,} programs to {path} "
          f"({path.stat().st_size / 2**20:.1f} MB)")


if __name__ == "__main__":
    main()
