"""Rotator eligibility check: a guided self-check, one question per step.

The answers live only in this session's ``st.session_state`` (never in the URL, a
cache shared between sessions, a file or a log). The rules are in gme.eligibility.
"""

import streamlit as st

from gme import eligibility as elig
from gme.navigation import ensure_app_navigation

ensure_app_navigation()

ANSWERS = "elig_answers"  # slot ("role" or "<role>.<key>") -> answer value
STEP = "elig_step"  # index into elig.steps(role); len(steps) means the result
ALERTS = {
    elig.Outcome.NOT_ELIGIBLE: st.error,
    elig.Outcome.UNDETERMINED: st.info,
    elig.Outcome.ACTION_NEEDED: st.warning,
    elig.Outcome.MEETS_MINIMUM: st.success,
    elig.Outcome.APPLY_VIA_VSLO: st.success,
}


def move(delta: int) -> None:
    """Go ``delta`` steps forward (or back)."""
    st.session_state[STEP] = max(0, st.session_state[STEP] + delta)


def record(slot: str, widget_key: str) -> None:
    """Keep the answer just chosen (runs before the script, so the path adapts)."""
    st.session_state.setdefault(ANSWERS, {})[slot] = st.session_state[widget_key]


def start_over() -> None:
    """Forget every answer and return to the first question."""
    st.session_state[STEP] = 0
    st.session_state[ANSWERS] = {}


def ask(question: elig.Question, step: int, total: int, answers: dict) -> None:
    """One step: progress, the quoted rule, why we ask, the question, Back/Next."""
    known = "role" in answers
    text = f"Step {step + 1} of {total}" if known else f"Step 1 of up to {total}"
    st.progress((step + 1) / total, text=text)
    st.subheader(question.title)
    st.markdown(f"**The source page says:** {elig.quote_text(question.rule)}")
    st.markdown(f"**Why we ask:** {question.why}")
    stored = answers.get(question.slot)
    widget_key = f"elig_q_{question.slot.replace('.', '_')}"
    st.radio(
        question.prompt,
        question.values,
        index=question.values.index(stored) if stored in question.values else None,
        format_func=question.label,
        key=widget_key,
        on_change=record,
        args=(question.slot, widget_key),
    )
    last = known and step + 1 == total
    with st.container(horizontal=True, key="elig_nav"):
        st.button("Back", key="elig_back", icon=":material/arrow_back:",
                  disabled=step == 0, on_click=move, args=(-1,))
        st.button("See my result" if last else "Next", key="elig_next", type="primary",
                  icon=":material/arrow_forward:", icon_position="right",
                  disabled=stored is None, on_click=move, args=(1,))
    if stored is None:
        # Not st.caption: its grey fails WCAG AA contrast (4.2:1) in this theme.
        st.markdown(":material/info: Choose an answer to continue.")


def show_criterion(criterion: elig.Criterion) -> None:
    """One requirement: icon and status in words, the rule, the answer, what next."""
    with st.container(border=True):
        icon = elig.STATUS_ICONS[criterion.status]
        st.markdown(f"{icon} **{criterion.title}: "
                    f"{elig.status_label(criterion.status)}**")
        st.markdown(f"The source page says: {elig.quote_text(criterion.rule)}")
        st.markdown(f"Your answer: {criterion.answer_label}")
        st.markdown(criterion.explanation)


def show_result(result: elig.Result) -> None:
    """The outcome in one sentence, each requirement, next steps and the checklist."""
    st.progress(1.0, text="Result")
    st.subheader("Your result")
    ALERTS[result.outcome](result.summary, icon=elig.OUTCOME_ICONS[result.outcome])
    st.markdown("#### Each requirement")
    for criterion in result.criteria:
        show_criterion(criterion)
    st.markdown("#### Next steps")
    st.markdown("\n".join(f"{n}. {step}" for n, step in
                          enumerate(result.next_steps, 1)))
    if result.outcome is elig.Outcome.APPLY_VIA_VSLO:
        st.markdown(f"The source page says: {elig.quote_text(elig.VSLO_QUOTE)}")
        st.page_link("pages/visiting.py", label="How visiting medical students apply",
                     icon=":material/badge:")
    elif result.outcome in (elig.Outcome.MEETS_MINIMUM, elig.Outcome.ACTION_NEEDED):
        st.page_link("pages/explorer.py", label="Find the program in the Program "
                     "explorer", icon=":material/search:")
    with st.container(horizontal=True, key="elig_result_nav"):
        st.button("Back", key="elig_back", icon=":material/arrow_back:",
                  on_click=move, args=(-1,))
        st.download_button("Download my checklist", elig.checklist_markdown(result),
                           file_name="rotation-eligibility-checklist.md",
                           mime="text/markdown", key="elig_download",
                           on_click="ignore", icon=":material/download:")
        st.button("Start over", key="elig_start_over", icon=":material/restart_alt:",
                  on_click=start_over)


page = elig.load_content()["page"]
st.title(page["title"])
st.write(page["intro"])
st.info(f"{page['decision']} {page['privacy']}", icon=":material/info:")

answers = st.session_state.setdefault(ANSWERS, {})
steps = elig.steps(answers.get("role"))
step = min(st.session_state.setdefault(STEP, 0), len(steps))
st.session_state[STEP] = step
if step < len(steps):
    total = len(steps) if "role" in answers else elig.MAX_STEPS
    ask(steps[step], step, total, answers)
else:
    show_result(elig.evaluate(elig.answers_for(answers)))
