"""Rotator eligibility: the published qualifications as data, and ``evaluate``.

No Streamlit and no DuckDB here. Each rule quotes the source page's exact words; the
plain-language wording (questions, option labels, explanations) comes from
``content/eligibility.toml``, which is checked for completeness when it is loaded.

Answers (``evaluate(answers)``; keys and values are fixed):

- ``role``: ``resident``, ``medical_student`` or ``other``. Required: a missing or
  unrecognised role raises ``ValueError`` naming ``role``.
- resident: ``degree`` (yes/no/unsure), ``program_accreditor``
  (acgme/aoa/dental/other/unsure), ``good_standing`` (yes/no/unsure), ``ma_license``
  (valid/applied/not_applied), ``documentation`` (complete/incomplete).
- medical student: ``school_accreditor`` (lcme/aoa/other/unsure), ``good_standing``
  (yes/no/unsure).

Keys not relevant to the role (and unknown keys) are ignored, whatever their value.
An unrecognised value of a relevant key raises ``ValueError`` naming the key.
A relevant key that is missing counts as not answered yet: its criterion is
``unknown``, exactly like an ``unsure`` answer.

Criteria: one per relevant question, in question order. ``role`` ``other`` has a
single criterion, ``role``, which is ``not_met``. A criterion is ``not_met`` exactly
when its answer makes the person ineligible; ``action_needed`` when something must
be done first (license not yet valid, documentation incomplete); ``unknown`` when
the answer is ``unsure`` or missing; otherwise ``met``.

Outcome precedence (the first that applies):

1. ``not_eligible``: some criterion is ``not_met`` (a hard failure beats an
   ``unsure`` or a missing answer: whatever the unsure answer turns out to be, the
   person is already ruled out).
2. ``undetermined``: some criterion is ``unknown``.
3. ``action_needed``: some criterion is ``action_needed`` (residents only).
4. ``meets_minimum`` (resident) or ``apply_via_vslo`` (medical student): every
   criterion is ``met``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

CONTENT_PATH = Path(__file__).resolve().parent / "content" / "eligibility.toml"


class Status(StrEnum):
    """Whether one published requirement is met, by the person's answers."""

    MET = "met"
    ACTION_NEEDED = "action_needed"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"


class Outcome(StrEnum):
    """The overall result of the self-check."""

    NOT_ELIGIBLE = "not_eligible"
    UNDETERMINED = "undetermined"
    ACTION_NEEDED = "action_needed"
    MEETS_MINIMUM = "meets_minimum"
    APPLY_VIA_VSLO = "apply_via_vslo"


MET, ACTION, NOT_MET, UNKNOWN = (
    Status.MET, Status.ACTION_NEEDED, Status.NOT_MET, Status.UNKNOWN)

# The source page's exact words (its verbatim copy: data/source-page.txt).
CASE_BY_CASE = (
    "Residents from other training programs looking to rotate within Tufts Medicine "
    "are evaluated on a case-by-case basis by clinical departments.")
DEGREE_QUOTE = "Are graduates of an accredited medical or dental school"
PROGRAM_QUOTE = (
    "in a GME program within an ACGME, AOA or Dental-accredited institution.")
STANDING_QUOTE = "are interns/residents/fellows in good standing in a GME program"
LICENSE_QUOTE = (
    "Hold a valid Massachusetts license or they must apply for and be approved for a "
    "valid full, limited or dental Massachusetts license prior to the start of "
    "rotation.")
DOCUMENTATION_QUOTE = "Fulfill all Tufts Medicine rotation documentation requirements."
STUDENT_QUOTE = "Students in good standing at an LCME or AOA-accredited medical school"
VSLO_QUOTE = (
    "Students in good standing at an LCME or AOA-accredited medical school who are "
    "interested in scheduling a visiting rotation at Tufts Medical Center should "
    "apply by selecting TUSM through the VSLO website.")


@dataclass(frozen=True)
class Rule:
    """One requirement: the answer key it reads and each answer's status."""

    key: str
    quote: str
    statuses: Mapping[str, Status]  # answer value -> status, in display order


ROLE_RULE = Rule("role", CASE_BY_CASE, {"other": NOT_MET})
ROLES = ("resident", "medical_student", "other")
_YES_NO_UNSURE = {"yes": MET, "no": NOT_MET, "unsure": UNKNOWN}
RULES: dict[str, tuple[Rule, ...]] = {
    "resident": (
        Rule("degree", DEGREE_QUOTE, _YES_NO_UNSURE),
        Rule("program_accreditor", PROGRAM_QUOTE, {
            "acgme": MET, "aoa": MET, "dental": MET, "other": NOT_MET,
            "unsure": UNKNOWN}),
        Rule("good_standing", STANDING_QUOTE, _YES_NO_UNSURE),
        Rule("ma_license", LICENSE_QUOTE, {
            "valid": MET, "applied": ACTION, "not_applied": ACTION}),
        Rule("documentation", DOCUMENTATION_QUOTE, {
            "complete": MET, "incomplete": ACTION}),
    ),
    "medical_student": (
        Rule("school_accreditor", STUDENT_QUOTE, {
            "lcme": MET, "aoa": MET, "other": NOT_MET, "unsure": UNKNOWN}),
        Rule("good_standing", STUDENT_QUOTE, _YES_NO_UNSURE),
    ),
    "other": (ROLE_RULE,),
}
ROLE_QUESTION_RULE = Rule("role", CASE_BY_CASE, dict.fromkeys(ROLES, MET))
STATUS_ICONS = {
    MET: ":material/check_circle:", ACTION: ":material/pending_actions:",
    NOT_MET: ":material/cancel:", UNKNOWN: ":material/help:"}
OUTCOME_ICONS = {
    Outcome.NOT_ELIGIBLE: ":material/block:", Outcome.UNDETERMINED: ":material/help:",
    Outcome.ACTION_NEEDED: ":material/pending_actions:",
    Outcome.MEETS_MINIMUM: ":material/check_circle:",
    Outcome.APPLY_VIA_VSLO: ":material/school:"}


@dataclass(frozen=True)
class Option:
    """One answer to a question: its value, plain label and explanation."""

    value: str
    label: str
    explanation: str


@dataclass(frozen=True)
class Question:
    """One step of the guided form."""

    slot: str  # where the page stores the answer: "role" or "<role>.<key>"
    key: str
    title: str
    prompt: str
    why: str
    rule: str
    options: tuple[Option, ...]

    @property
    def values(self) -> list[str]:
        """The answer values, in display order."""
        return [option.value for option in self.options]

    def option(self, value: str) -> Option:
        """The option for ``value``; ``KeyError`` if there is none."""
        for option in self.options:
            if option.value == value:
                return option
        raise KeyError(value)

    def label(self, value: str) -> str:
        """The plain-language label of ``value``."""
        return self.option(value).label


@dataclass(frozen=True)
class Criterion:
    """One requirement, judged against the person's answer."""

    key: str
    title: str
    status: Status
    rule: str
    explanation: str
    answer_label: str


@dataclass(frozen=True)
class Result:
    """What ``evaluate`` returns."""

    role: str
    outcome: Outcome
    summary: str  # the outcome in one sentence
    criteria: tuple[Criterion, ...]
    answers: tuple[tuple[str, str], ...]  # (question prompt, answer label)
    next_steps: tuple[str, ...]


def load_content(path: Path = CONTENT_PATH) -> dict[str, Any]:
    """The wording file, checked to cover every question and option."""
    return _load_content(path)


@cache
def _load_content(path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        content = tomllib.load(handle)
    for role, rule in _all_rules():
        _question_text(content, role, rule, path)
    for section in ("status_labels", "missing", "page"):
        if section not in content:
            raise ValueError(f"{path}: [{section}] is missing.")
    for outcome in Outcome:
        if outcome.value not in content.get("outcomes", {}):
            raise ValueError(f"{path}: [outcomes.{outcome.value}] is missing.")
    return content


def _all_rules() -> list[tuple[str | None, Rule]]:
    pairs: list[tuple[str | None, Rule]] = [(None, ROLE_QUESTION_RULE)]
    pairs += [(r, rule) for r in ("resident", "medical_student") for rule in RULES[r]]
    return pairs


def _question_text(
    content: Mapping[str, Any], role: str | None, rule: Rule, path: Path = CONTENT_PATH
) -> Mapping[str, Any]:
    """The TOML table of a question; ``ValueError`` naming what is missing."""
    name = "questions.role" if role is None else f"questions.{role}.{rule.key}"
    table = content.get("questions", {})
    table = table.get("role" if role is None else role, {})
    table = table if role is None else table.get(rule.key, {})
    missing = [f"{name}.{field}" for field in ("title", "prompt", "why")
               if field not in table]
    options = table.get("options", {})
    # Every option needs a label; every option that can become a criterion's
    # answer needs an explanation (for the role question: only "other").
    explained = ROLE_RULE.statuses if role is None else rule.statuses
    for value in rule.statuses:
        fields = ("label", "explanation") if value in explained else ("label",)
        missing += [f"{name}.options.{value}.{field}" for field in fields
                    if field not in options.get(value, {})]
    if missing:
        raise ValueError(f"{path}: missing wording: {', '.join(missing)}.")
    return table


def _question(role: str | None, rule: Rule) -> Question:
    table = _question_text(load_content(), role, rule)
    slot = "role" if role is None else f"{role}.{rule.key}"
    options = tuple(
        Option(value, table["options"][value]["label"],
               table["options"][value].get("explanation", ""))
        for value in rule.statuses)
    return Question(slot, rule.key, table["title"], table["prompt"], table["why"],
                    rule.quote, options)


def steps(role: str | None) -> tuple[Question, ...]:
    """The form's questions for ``role`` (None: not chosen yet): role first."""
    first = _question(None, ROLE_QUESTION_RULE)
    if role not in ("resident", "medical_student"):
        return (first,)
    return (first, *(_question(role, rule) for rule in RULES[role]))


MAX_STEPS = max(len(RULES[role]) + 1 for role in ("resident", "medical_student"))


def answers_for(store: Mapping[str, str]) -> dict[str, str]:
    """``evaluate``'s answers from the page's store (slot -> value).

    The page keeps every role's answers under ``"<role>.<key>"`` so that switching
    role and back restores them; only the chosen role's answers are returned.
    """
    role = store.get("role")
    prefix = f"{role}."
    answers = {slot.removeprefix(prefix): value for slot, value in store.items()
               if slot.startswith(prefix)}
    return {"role": role, **answers} if role is not None else answers


def _checked_role(answers: Mapping[str, str]) -> str:
    role = answers.get("role")
    if role not in ROLES:
        problem = "is missing" if role is None else f"{_shown(role)} is not recognised"
        raise ValueError(f"role: the answer {problem}; expected one of {ROLES}.")
    return role


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _status(rule: Rule, answers: Mapping[str, str]) -> Status:
    if rule.key not in answers:
        return UNKNOWN
    value = answers[rule.key]
    if value not in rule.statuses:
        raise ValueError(
            f"{rule.key}: the answer {_shown(value)} is not recognised; expected one "
            f"of {tuple(rule.statuses)}.")
    return rule.statuses[value]


def _outcome(role: str, statuses: list[Status]) -> Outcome:
    if NOT_MET in statuses:
        return Outcome.NOT_ELIGIBLE
    if UNKNOWN in statuses:
        return Outcome.UNDETERMINED
    if ACTION in statuses:
        return Outcome.ACTION_NEEDED
    if role == "medical_student":
        return Outcome.APPLY_VIA_VSLO
    return Outcome.MEETS_MINIMUM


def evaluate(answers: Mapping[str, str]) -> Result:
    """Judge ``answers`` against the published qualifications (see module doc)."""
    role = _checked_role(answers)
    rules = RULES[role]
    statuses = [_status(rule, answers) for rule in rules]
    outcome = _outcome(role, statuses)
    content = load_content()
    criteria = tuple(
        _criterion(role, rule, status, answers.get(rule.key), content)
        for rule, status in zip(rules, statuses, strict=True))
    role_question = _question(None, ROLE_QUESTION_RULE)
    given = [(role_question.prompt, role_question.label(role))]
    given += [(question.prompt, question.label(answers[question.key]))
              for question in steps(role)[1:] if question.key in answers]
    wanted = {NOT_MET} if outcome is Outcome.NOT_ELIGIBLE else {ACTION, UNKNOWN}
    todo = [c.explanation for c in criteria if c.status in wanted]
    outcome_text = content["outcomes"][outcome.value]
    return Result(role, outcome, outcome_text["summary"].strip(), criteria,
                  tuple(given), (*todo, outcome_text["next_step"].strip()))


def _criterion(role: str, rule: Rule, status: Status, value: str | None,
               content: Mapping[str, Any]) -> Criterion:
    question = _question(None if rule is ROLE_RULE else role,
                         ROLE_QUESTION_RULE if rule is ROLE_RULE else rule)
    if value is None:
        missing = content["missing"]
        label = missing["label"]
        explanation = missing["explanation"].format(question=question.prompt)
    else:
        option = question.option(value)
        label, explanation = option.label, option.explanation
    return Criterion(rule.key, question.title, status, rule.quote,
                     explanation.strip(), label)


def quote_text(rule: str) -> str:
    """``rule`` in quotation marks, with "…" where it is part of a sentence."""
    start = "" if rule[:1].isupper() else "…"
    end = "" if rule.endswith(".") else "…"
    return f"“{start}{rule}{end}”"


def status_label(status: Status) -> str:
    """The plain text shown next to a status icon ("Met", "To find out", ...)."""
    return load_content()["status_labels"][status.value]


def checklist_markdown(result: Result) -> str:
    """The downloadable checklist: answers, outcome, criteria and next steps.

    It holds only the answers to the questions above: no name or other personal
    data, because the form asks for none.
    """
    page = load_content()["page"]
    lines = [f"# {page['title']}: my checklist", "", page["decision"].strip(), "",
             "## Outcome", "", result.summary, "", "## My answers", ""]
    lines += [f"- {prompt} **{label}**" for prompt, label in result.answers]
    lines += ["", "## Requirements", ""]
    for criterion in result.criteria:
        mark = "x" if criterion.status is MET else " "
        lines += [f"- [{mark}] **{criterion.title}**: {status_label(criterion.status)}",
                  f"  - The source page says: {quote_text(criterion.rule)}",
                  f"  - {criterion.explanation}"]
    lines += ["", "## Next steps", ""]
    lines += [f"{number}. {step}" for number, step in enumerate(result.next_steps, 1)]
    return "\n".join(lines) + "\n"
