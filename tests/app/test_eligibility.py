"""The guided eligibility check, walked through the real app with AppTest."""

from __future__ import annotations

from streamlit.proto.LabelVisibility_pb2 import LabelVisibility
from streamlit.testing.v1 import AppTest

from tests.app.conftest import open_page

MEETS_MINIMUM = [("degree", "yes"), ("program_accreditor", "acgme"),
                 ("good_standing", "yes"), ("ma_license", "valid"),
                 ("documentation", "complete")]


def answer(at: AppTest, slot: str, value: str) -> AppTest:
    """Choose ``value`` for the question stored at ``slot``, then press Next."""
    at.radio(key=f"elig_q_{slot.replace('.', '_')}").set_value(value).run()
    assert not at.button(key="elig_next").disabled
    at.button(key="elig_next").click().run()
    assert not at.exception, at.exception
    return at


def walk(role: str, answers: list[tuple[str, str]]) -> AppTest:
    """Open the page and answer the role and then each (key, value) in order."""
    at = answer(open_page("eligibility"), "role", role)
    for key, value in answers:
        answer(at, f"{role}.{key}", value)
    return at


def step_text(at: AppTest) -> str:
    """The progress bar's label ("Step 2 of 6", "Result")."""
    return at.get("progress")[0].text


def outcome_alert(at: AppTest):
    """The result's one-sentence outcome (the alert below "Your result")."""
    alerts = [*at.success, *at.warning, *at.error, *at.info]
    outcome = [a for a in alerts if "This check is a guide" not in a.value]
    assert len(outcome) == 1, [a.value for a in alerts]
    return outcome[0]


def texts(at: AppTest) -> str:
    """All Markdown and alert text on the page, joined."""
    parts = [m.value for m in at.markdown]
    parts += [a.value for a in [*at.success, *at.warning, *at.error, *at.info]]
    return "\n".join(parts)


def test_meets_minimum_path_defers_to_the_department_and_offers_checklist():
    """Six steps, all met: success, case-by-case, each criterion Met, downloads."""
    at = open_page("eligibility")
    assert step_text(at) == "Step 1 of up to 6"
    at = answer(at, "role", "resident")
    assert step_text(at) == "Step 2 of 6"
    for key, value in MEETS_MINIMUM:
        answer(at, f"resident.{key}", value)
    assert step_text(at) == "Result"
    alert = outcome_alert(at)
    assert alert in at.success and "case by case" in alert.value
    assert "approved" not in alert.value.lower()
    page = texts(at)
    assert page.count(":material/check_circle: **") == 5
    assert "**Massachusetts license: Met**" in page
    assert "Clinical departments evaluate every rotator case by case." in page
    assert at.download_button(key="elig_download").label == "Download my checklist"
    assert [link.proto.page for link in at.page_link] == ["explorer"]


def test_action_needed_path_lists_license_and_documentation_actions():
    """License applied for and documentation incomplete: two actions, a warning."""
    at = walk("resident", [*MEETS_MINIMUM[:3], ("ma_license", "applied"),
                           ("documentation", "incomplete")])
    assert outcome_alert(at) in at.warning
    page = texts(at)
    assert page.count("**Massachusetts license: Action needed**") == 1
    assert "**Rotation documentation: Action needed**" in page
    assert "the license must be approved before the rotation starts" in page


def test_not_eligible_path_marks_the_failed_requirement_not_met():
    """A degree that is not accredited: not eligible, that criterion Not met."""
    at = walk("resident", [("degree", "no"), *MEETS_MINIMUM[1:]])
    assert outcome_alert(at) in at.error
    page = texts(at)
    assert ":material/cancel: **Accredited medical or dental degree: Not met**" in page
    assert "Not met**" in page and page.count("Not met**") == 1


def test_non_trainee_goes_straight_to_a_clear_answer():
    """Role "other": one step, "See my result", then not eligible with the reason."""
    at = open_page("eligibility")
    at.radio(key="elig_q_role").set_value("other").run()
    assert step_text(at) == "Step 1 of 1"
    assert at.button(key="elig_next").label == "See my result"
    at.button(key="elig_next").click().run()
    assert outcome_alert(at) in at.error
    assert "**Your current role: Not met**" in texts(at)
    assert "case-by-case basis by clinical departments" in texts(at)


def test_undetermined_path_says_what_to_find_out():
    """An unsure answer and nothing failing: undetermined, with what to ask."""
    at = walk("resident", [("degree", "yes"), ("program_accreditor", "unsure"),
                           *MEETS_MINIMUM[2:]])
    alert = outcome_alert(at)
    assert alert in at.info and "not sure" in alert.value
    page = texts(at)
    assert "**Accredited training institution: To find out**" in page
    assert "Ask your program office which body accredits your institution" in page


def test_student_path_leads_to_vslo_and_the_visiting_page():
    """A student at an LCME school in good standing: VSLO, and a visiting link."""
    at = open_page("eligibility")
    at = answer(at, "role", "medical_student")
    assert step_text(at) == "Step 2 of 3"
    assert at.button(key="elig_next").label == "Next"
    answer(at, "medical_student.school_accreditor", "lcme")
    assert step_text(at) == "Step 3 of 3"
    assert at.button(key="elig_next").label == "See my result"
    answer(at, "medical_student.good_standing", "yes")
    alert = outcome_alert(at)
    assert alert in at.success and "VSLO" in alert.value and "TUSM" in alert.value
    assert [link.proto.page for link in at.page_link] == ["visiting"]
    assert "apply by selecting TUSM through the VSLO website" in texts(at)


def test_going_back_and_changing_an_answer_re_evaluates():
    """From the result, Back to documentation, change it: meets -> action needed."""
    at = walk("resident", MEETS_MINIMUM)
    assert outcome_alert(at) in at.success
    at.button(key="elig_back").click().run()
    radio = at.radio(key="elig_q_resident_documentation")
    assert radio.value == "complete"  # the earlier answer is kept
    answer(at, "resident.documentation", "incomplete")
    assert outcome_alert(at) in at.warning
    for _ in range(5):
        at.button(key="elig_back").click().run()
    assert at.radio(key="elig_q_resident_degree").value == "yes"
    answer(at, "resident.degree", "unsure")
    for _ in range(4):
        at.button(key="elig_next").click().run()
    assert outcome_alert(at) in at.info


def test_changing_the_role_changes_the_later_steps_and_keeps_each_roles_answers():
    """Resident -> student shows the student steps; back to resident restores."""
    at = walk("resident", MEETS_MINIMUM[:2])
    assert step_text(at) == "Step 4 of 6"
    for _ in range(3):
        at.button(key="elig_back").click().run()
    at.radio(key="elig_q_role").set_value("medical_student").run()
    assert step_text(at) == "Step 1 of 3"
    at.button(key="elig_next").click().run()
    assert [r.key for r in at.radio] == ["elig_q_medical_student_school_accreditor"]
    at.button(key="elig_back").click().run()
    answer(at, "role", "resident")
    assert at.radio(key="elig_q_resident_degree").value == "yes"


def test_next_is_disabled_with_a_message_until_a_question_is_answered():
    """No preselected answer: Next disabled and the page says to choose one."""
    at = open_page("eligibility")
    assert at.radio(key="elig_q_role").value is None
    assert at.button(key="elig_next").disabled
    assert at.button(key="elig_back").disabled
    assert ":material/info: Choose an answer to continue." in texts(at)
    answer(at, "role", "resident")
    assert at.radio(key="elig_q_resident_degree").value is None
    assert at.button(key="elig_next").disabled


def test_start_over_forgets_every_answer():
    """Start over returns to step 1 with nothing chosen."""
    at = walk("medical_student", [("school_accreditor", "aoa"),
                                  ("good_standing", "no")])
    assert outcome_alert(at) in at.error
    at.button(key="elig_start_over").click().run()
    assert step_text(at) == "Step 1 of up to 6"
    assert at.radio(key="elig_q_role").value is None
    assert at.session_state["elig_answers"] == {}


def test_every_question_has_a_visible_label_and_no_personal_data_is_asked():
    """Each step's only input is a radio with a visible label; no text inputs."""
    seen = []
    for role, answers in (("resident", MEETS_MINIMUM),
                          ("medical_student", [("school_accreditor", "lcme"),
                                               ("good_standing", "yes")])):
        at = open_page("eligibility")
        for slot, value in [("role", role)] + [(f"{role}.{k}", v) for k, v in answers]:
            (radio,) = at.radio
            assert radio.label.strip()
            assert radio.proto.label_visibility.value == LabelVisibility.VISIBLE
            assert not at.text_input and not at.text_area and not at.number_input
            seen.append(radio.label)
            answer(at, slot, value)
    assert len(seen) == 9


def test_answers_stay_out_of_the_url():
    """After a full walk the URL carries no query parameters (nothing to share)."""
    at = walk("resident", MEETS_MINIMUM)
    assert dict(at.query_params) == {}
