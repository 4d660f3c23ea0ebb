"""The rotator eligibility rules: every answer combination against the issue's rules.

Expected outcomes and statuses are written out here from the rule text, not
computed with gme.eligibility's own helpers.
"""

from __future__ import annotations

import itertools
from collections import Counter
from pathlib import Path

import pytest

from gme import eligibility as elig

ROOT = Path(__file__).resolve().parents[2]
SOURCE_PAGE = (ROOT / "data" / "source-page.txt").read_text(encoding="utf-8")

# The answer vocabulary, as fixed by the issue.
RESIDENT_VALUES = {
    "degree": ("yes", "no", "unsure"),
    "program_accreditor": ("acgme", "aoa", "dental", "other", "unsure"),
    "good_standing": ("yes", "no", "unsure"),
    "ma_license": ("valid", "applied", "not_applied"),
    "documentation": ("complete", "incomplete"),
}
STUDENT_VALUES = {
    "school_accreditor": ("lcme", "aoa", "other", "unsure"),
    "good_standing": ("yes", "no", "unsure"),
}
# Per the issue: the answers that make a person ineligible ("hard requirements").
RESIDENT_FAILS = {"degree": {"no"}, "program_accreditor": {"other"},
                  "good_standing": {"no"}}
STUDENT_FAILS = {"school_accreditor": {"other"}, "good_standing": {"no"}}
MISSING = None  # stands for "key left out of the answers"


def expected_resident_outcome(a: dict[str, str]) -> str:
    """The issue's outcome rules for a resident, spelled out."""
    if a.get("degree") == "no" or a.get("program_accreditor") == "other" or \
            a.get("good_standing") == "no":
        return "not_eligible"
    if any(a.get(key) in ("unsure", None) for key in RESIDENT_VALUES):
        return "undetermined"
    if a["ma_license"] != "valid" or a["documentation"] == "incomplete":
        return "action_needed"
    return "meets_minimum"


def expected_student_outcome(a: dict[str, str]) -> str:
    """The issue's outcome rules for a medical student, spelled out."""
    if a.get("school_accreditor") == "other" or a.get("good_standing") == "no":
        return "not_eligible"
    if any(a.get(key) in ("unsure", None) for key in STUDENT_VALUES):
        return "undetermined"
    return "apply_via_vslo"


def expected_status(fails: dict[str, set[str]], key: str, value: str | None) -> str:
    """A criterion's status, from the issue: fail, unsure/missing, to-do, or met."""
    if value in fails.get(key, set()):
        return "not_met"
    if value in ("unsure", None):
        return "unknown"
    if value in ("applied", "not_applied", "incomplete"):
        return "action_needed"
    return "met"


def combinations(values: dict[str, tuple[str, ...]], with_missing: bool):
    """Every answer dict over ``values`` (optionally with each key also left out)."""
    keys = list(values)
    choices = [(*values[k], MISSING) if with_missing else values[k] for k in keys]
    for combo in itertools.product(*choices):
        yield {k: v for k, v in zip(keys, combo, strict=True) if v is not MISSING}


ROLE_CASES = [
    ("resident", RESIDENT_VALUES, RESIDENT_FAILS, expected_resident_outcome),
    ("medical_student", STUDENT_VALUES, STUDENT_FAILS, expected_student_outcome),
]


def check(role, values, fails, expected_outcome, answers) -> str:
    """Evaluate one combination and assert outcome and every criterion's status."""
    result = elig.evaluate({"role": role, **answers})
    assert result.outcome == expected_outcome(answers), answers
    assert [c.key for c in result.criteria] == list(values)
    for criterion in result.criteria:
        want = expected_status(fails, criterion.key, answers.get(criterion.key))
        assert criterion.status == want, (answers, criterion.key)
    return result.outcome.value


def test_every_complete_answer_combination_gets_the_published_outcome():
    """All 283 complete combinations: outcome and statuses follow the rule text."""
    counts: dict[str, Counter] = {}
    for role, values, fails, expected in ROLE_CASES:
        counts[role] = Counter(
            check(role, values, fails, expected, answers)
            for answers in combinations(values, with_missing=False))
    counts["other"] = Counter([elig.evaluate({"role": "other"}).outcome.value])
    # 3*5*3*3*2 = 270 resident combinations: 96 pass the hard requirements, 18 of
    # those have no "unsure", 3 of those (one per accepted accreditor) need nothing.
    assert counts["resident"] == {"not_eligible": 174, "undetermined": 78,
                                  "action_needed": 15, "meets_minimum": 3}
    # 4*3 = 12 student combinations: 6 pass, 2 of those without "unsure".
    assert counts["medical_student"] == {"not_eligible": 6, "undetermined": 4,
                                         "apply_via_vslo": 2}
    assert counts["other"] == {"not_eligible": 1}
    assert sum(sum(c.values()) for c in counts.values()) == 283


@pytest.mark.parametrize("role, values, fails, expected", ROLE_CASES,
                         ids=[case[0] for case in ROLE_CASES])
def test_missing_answers_count_as_unknown_in_every_combination(
        role, values, fails, expected):
    """With each key also possibly left out (1152 + 20 cases), rules still hold."""
    outcomes = [check(role, values, fails, expected, answers)
                for answers in combinations(values, with_missing=True)]
    total = len(outcomes)
    assert total == {"resident": 4 * 6 * 4 * 4 * 3, "medical_student": 5 * 4}[role]


def all_results():
    """Every evaluation of every combination, missing keys included."""
    for role, values, _, _ in ROLE_CASES:
        for answers in combinations(values, with_missing=True):
            yield elig.evaluate({"role": role, **answers})
    yield elig.evaluate({"role": "other"})


def test_a_criterion_is_not_met_exactly_when_the_outcome_is_not_eligible():
    """not_eligible if and only if at least one criterion is not_met."""
    for result in all_results():
        has_not_met = any(c.status == "not_met" for c in result.criteria)
        assert has_not_met == (result.outcome == "not_eligible"), result


def test_meets_minimum_exactly_when_every_resident_criterion_is_met():
    """meets_minimum (and apply_via_vslo for students) iff every criterion is met."""
    for result in all_results():
        all_met = all(c.status == "met" for c in result.criteria)
        final = {"resident": "meets_minimum", "medical_student": "apply_via_vslo"}
        assert all_met == (result.outcome == final.get(result.role)), result


def test_other_role_is_not_eligible_with_one_not_met_criterion():
    """A non-trainee gets a clear no, with the case-by-case rule quoted."""
    result = elig.evaluate({"role": "other", "degree": "yes"})
    assert result.outcome == "not_eligible"
    assert [(c.key, c.status) for c in result.criteria] == [("role", "not_met")]
    assert "case-by-case" in result.criteria[0].rule


def test_hard_failure_wins_over_an_unsure_answer():
    """A failed requirement makes the outcome not_eligible even with unsure answers."""
    result = elig.evaluate({"role": "resident", "degree": "unsure",
                            "program_accreditor": "other", "good_standing": "unsure",
                            "ma_license": "not_applied",
                            "documentation": "incomplete"})
    assert result.outcome == "not_eligible"
    assert {c.key: c.status for c in result.criteria}["degree"] == "unknown"
    assert len(result.next_steps) == 2  # the failed rule, then "change an answer"


@pytest.mark.parametrize("role, count", [("resident", 5), ("medical_student", 2)])
def test_role_alone_is_undetermined_with_every_criterion_unknown(role, count):
    """Only the role answered: undetermined, each criterion unknown, not a crash."""
    result = elig.evaluate({"role": role})
    assert result.outcome == "undetermined"
    assert [c.status for c in result.criteria] == ["unknown"] * count
    assert all(c.answer_label == "Not answered" for c in result.criteria)
    assert len(result.next_steps) == count + 1


@pytest.mark.parametrize(
    "role, key",
    [("resident", key) for key in RESIDENT_VALUES]
    + [("medical_student", key) for key in STUDENT_VALUES])
@pytest.mark.parametrize("bad", ["maybe", "Yes", "", " yes", "1"])
def test_unrecognised_value_raises_value_error_naming_the_key(role, key, bad):
    """A value outside the vocabulary is a ValueError whose message names the key."""
    with pytest.raises(ValueError, match=rf"^{key}: "):
        elig.evaluate({"role": role, key: bad})


@pytest.mark.parametrize("answers", [{}, {"role": "fellow"}, {"role": "Resident"},
                                     {"role": None}, {"degree": "yes"}])
def test_missing_or_unrecognised_role_raises_value_error_naming_role(answers):
    """The role is required and must be one of the three values."""
    with pytest.raises(ValueError, match=r"^role: "):
        elig.evaluate(answers)


def test_keys_not_relevant_to_the_role_are_ignored_even_with_bad_values():
    """Student keys on a resident (and vice versa) and unknown keys change nothing."""
    resident = {"role": "resident", **{k: v[-1] for k, v in RESIDENT_VALUES.items()}}
    noisy = {**resident, "school_accreditor": "nonsense", "name": "x", "email": "y"}
    assert elig.evaluate(noisy) == elig.evaluate(resident)
    student = {"role": "medical_student", "school_accreditor": "lcme",
               "good_standing": "yes", "degree": "bogus", "ma_license": 42}
    assert elig.evaluate(student).outcome == "apply_via_vslo"
    assert elig.evaluate({"role": "other", "degree": "bogus"}).outcome == "not_eligible"


def test_every_rule_quotes_the_source_page_word_for_word():
    """Each criterion's quote, and each step's, is verbatim text of the page."""
    quotes = {c.rule for result in all_results() for c in result.criteria}
    quotes |= {q.rule for role in elig.ROLES for q in elig.steps(role)}
    quotes.add(elig.VSLO_QUOTE)
    assert len(quotes) >= 7
    for quote in quotes:
        assert quote in SOURCE_PAGE, quote


def test_quote_text_marks_a_part_of_a_sentence_with_ellipses():
    """Fragments get "…" where the sentence goes on; whole sentences do not."""
    assert elig.quote_text("in a GME program") == "“…in a GME program…”"
    assert elig.quote_text("Fulfill all of it.") == "“Fulfill all of it.”"


def test_license_action_says_approval_must_come_before_the_rotation():
    """An applied-for or missing license is an action: approved before it starts."""
    for license_answer in ("applied", "not_applied"):
        result = elig.evaluate({"role": "resident", "degree": "yes",
                                "program_accreditor": "aoa", "good_standing": "yes",
                                "ma_license": license_answer,
                                "documentation": "incomplete"})
        assert result.outcome == "action_needed"
        steps = " ".join(result.next_steps)
        assert "before the rotation starts" in steps
        assert "documentation requirements" in steps
        assert len(result.next_steps) == 3  # license, documentation, department


def test_undetermined_next_steps_say_what_to_find_out():
    """Each unsure answer becomes a next step naming what to find out."""
    result = elig.evaluate({"role": "medical_student", "school_accreditor": "unsure",
                            "good_standing": "unsure"})
    assert result.outcome == "undetermined"
    assert result.next_steps[0].startswith("Ask your medical school which body")
    assert "good standing" in result.next_steps[1]
    assert result.next_steps[-1] == "When you have found out, run this check again."


def test_no_outcome_text_says_approved_and_meets_minimum_defers_to_department():
    """Outcome wording never says "approved"; the department decides case by case."""
    content = elig.load_content()
    for outcome in elig.Outcome:
        text = " ".join(content["outcomes"][outcome.value].values()).lower()
        assert "approved" not in text and "approval" not in text, outcome
    meets = elig.evaluate({"role": "resident", "degree": "yes",
                           "program_accreditor": "dental", "good_standing": "yes",
                           "ma_license": "valid", "documentation": "complete"})
    assert meets.outcome == "meets_minimum"
    assert "case by case" in meets.summary
    assert "case by case" in content["page"]["decision"]


def test_steps_branch_by_role():
    """Role first; residents get five more questions, students two, others none."""
    def keys(role):
        return [q.key for q in elig.steps(role)]
    assert keys(None) == ["role"]
    assert keys("other") == ["role"]
    assert keys("resident") == ["role", *RESIDENT_VALUES]
    assert keys("medical_student") == ["role", *STUDENT_VALUES]
    assert elig.MAX_STEPS == 6


def test_every_question_offers_exactly_the_issue_vocabulary_with_labels():
    """Option values are the fixed answer values; every one has a plain label."""
    vocab = {"role": ("resident", "medical_student", "other")}
    for role, values in (("resident", RESIDENT_VALUES),
                         ("medical_student", STUDENT_VALUES)):
        for question in elig.steps(role):
            assert tuple(question.values) == {**vocab, **values}[question.key]
            assert question.title and question.prompt and question.why
            assert all(option.label.strip() for option in question.options)
            assert question.slot == ("role" if question.key == "role"
                                     else f"{role}.{question.key}")


def test_answers_for_returns_only_the_chosen_roles_answers():
    """The page's per-role store flattens to the current role's answers."""
    store = {"role": "medical_student", "resident.good_standing": "no",
             "medical_student.good_standing": "yes"}
    assert elig.answers_for(store) == {"role": "medical_student",
                                       "good_standing": "yes"}
    assert elig.answers_for({}) == {}


def test_checklist_has_answers_outcome_and_next_steps():
    """The download lists each answer, the outcome and each next step."""
    result = elig.evaluate({"role": "resident", "degree": "yes",
                            "program_accreditor": "acgme", "good_standing": "yes",
                            "ma_license": "applied", "documentation": "complete"})
    text = elig.checklist_markdown(result)
    assert result.summary in text
    assert "- Do you hold a Massachusetts license? **I have applied and am " \
           "waiting for a decision**" in text
    assert "- [ ] **Massachusetts license**: Action needed" in text
    assert "- [x] **Rotation documentation**: Met" in text
    for number, step in enumerate(result.next_steps, 1):
        assert f"{number}. {step}" in text
    assert "case by case" in text


def test_incomplete_wording_file_names_what_is_missing(tmp_path):
    """A content file without an option's label fails with the missing entry named."""
    text = elig.CONTENT_PATH.read_text(encoding="utf-8")
    broken = tmp_path / "eligibility.toml"
    broken.write_text(text.replace('label = "Another accreditor"\n', "", 1),
                      encoding="utf-8")
    with pytest.raises(ValueError,
                       match=r"questions\.resident\.program_accreditor\.options"
                             r"\.other\.label"):
        elig.load_content(broken)
