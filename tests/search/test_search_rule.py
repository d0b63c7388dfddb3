"""The one search (``kernel.search``): numbers jump, words are ranked (title over
description over notes) and grouped by type, work notes only for agents, and each user
finds only what they may see."""

import pytest

from incidents.workflow import incident_add_note
from kernel.search import search
from problems.models import Status as ProblemStatus
from problems.workflow import problem_move

pytestmark = pytest.mark.django_db


def numbers(results, kind: str) -> list[str]:
    return [hit.number for group in results.groups if group.kind == kind for hit in group.hits]


def test_a_number_in_any_case_and_padding_jumps_to_the_record(incident, problem, agent):
    value = int(incident.number[3:])
    for term in (incident.number, incident.number.lower(), f"inc{value}", f" Inc-{value} "):
        results = search(term, user=agent)
        assert results.jump is not None, term
        assert (results.jump.kind, results.jump.number) == ("incident", incident.number)
        assert results.groups == []
    prb = search(f"prb{int(problem.number[3:])}", user=agent)
    assert prb.jump is not None and prb.jump.number == problem.number


def test_a_known_error_answers_to_its_number_and_to_ke(problem_in, agent):
    problem = problem_in(ProblemStatus.ASSESS)
    problem_move(problem, "mark_known_error", by=agent, workaround="Use webmail")
    value = int(problem.number[3:])
    for term in (problem.number, f"KE{value}", f"ke{value:07d}"):
        results = search(term, user=agent)
        assert results.jump is not None, term
        assert (results.jump.kind, results.jump.number) == ("known_error", problem.number)


def test_a_number_the_user_may_not_see_is_no_jump(make_incident, caller, stranger):
    mine = make_incident(caller=caller)
    theirs = make_incident(caller=stranger)
    assert search(mine.number, user=caller).jump.number == mine.number
    hidden = search(theirs.number, user=caller)
    assert hidden.jump is None
    assert not any(group.hits for group in hidden.groups)


def test_words_rank_title_over_description_over_notes(make_incident, agent):
    by_title = make_incident(title="Printer jams on floor 2", description="Since Monday.")
    by_text = make_incident(title="Floor 2 complaint", description="The printer jams daily.")
    by_note = make_incident(title="Paper tray", description="Tray 3 is stuck.")
    incident_add_note(by_note, by=agent, body="Printer jams again after the fix.", internal=True)
    make_incident(title="Unrelated", description="Nothing about it.")

    results = search("printer jams", user=agent)

    assert numbers(results, "incident") == [by_title.number, by_text.number, by_note.number]
    hits = {hit.number: hit for group in results.groups for hit in group.hits}
    assert hits[by_title.number].rank > hits[by_text.number].rank > hits[by_note.number].rank
    assert hits[by_title.number].matched == ["details"]
    assert hits[by_note.number].matched == ["work note"]


def test_english_stems_match(make_incident, agent):
    found = make_incident(title="Printers jammed", description="")
    assert numbers(search("printer jam", user=agent), "incident") == [found.number]


def test_results_are_grouped_by_type(
    make_incident, make_problem, problem_in, make_change, agent
):  # fmt: skip
    incident = make_incident(title="Mail relay refuses connections")
    problem = make_problem(title="Mail relay loses queue on restart")
    known = problem_in(ProblemStatus.ASSESS, title="Mail relay certificate expires")
    problem_move(known, "mark_known_error", by=agent, workaround="Restart the relay")
    change = make_change(title="Replace the mail relay")

    results = search("mail relay", user=agent)

    assert [group.kind for group in results.groups] == [
        "incident", "problem", "known_error", "change", "postmortem"
    ]  # fmt: skip
    assert [group.label for group in results.groups][:4] == [
        "Incidents", "Problems", "Known errors", "Changes"
    ]  # fmt: skip
    assert numbers(results, "incident") == [incident.number]
    assert numbers(results, "problem") == [problem.number]
    assert numbers(results, "known_error") == [known.number]
    assert numbers(results, "change") == [change.number]
    assert numbers(results, "postmortem") == []


def test_work_notes_count_for_agents_only(make_incident, agent, caller):
    incident = make_incident(caller=caller, title="Laptop fan noise")
    incident_add_note(incident, by=agent, body="Quarantined by zyxwv antivirus.", internal=True)
    incident_add_note(incident, by=agent, body="We ordered a new qwerty fan.", internal=False)

    assert numbers(search("zyxwv", user=agent), "incident") == [incident.number]
    assert numbers(search("zyxwv", user=caller), "incident") == []
    # The caller finds their own incident by its comment, and by its title.
    assert numbers(search("qwerty", user=caller), "incident") == [incident.number]
    assert numbers(search("laptop fan", user=caller), "incident") == [incident.number]


def test_end_users_find_only_their_own_incidents_and_no_other_type(
    make_incident, make_problem, caller, stranger
):  # fmt: skip
    mine = make_incident(caller=caller, title="Scanner offline")
    make_incident(caller=stranger, title="Scanner offline too")
    make_problem(title="Scanner driver crashes")

    results = search("scanner", user=caller)

    assert numbers(results, "incident") == [mine.number]
    assert [hit for group in results.groups if group.kind != "incident" for hit in group.hits] == []


def test_blank_or_punctuation_finds_nothing_and_does_not_fail(incident, agent):
    assert search("   ", user=agent).empty
    assert search("&|!:*()'\"", user=agent).empty
    assert search("x" * 5000, user=agent).empty


def test_an_agent_finds_no_type_they_may_not_view(make_problem, make_change, agent):
    """The admin hides a type from an agent without its ``view`` permission; so does the
    search: here an agent whose own permissions leave out changes."""
    from django.contrib.auth.models import Permission

    from accounts.models import User

    problem = make_problem(title="Badge reader rejects cards")
    make_change(title="Replace the badge reader")
    limited = User.objects.create_user("carol", password="pw-carol", is_staff=True)
    limited.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=("incidents", "problems"), codename__startswith="view_"
        )
    )

    results = search("badge reader", user=limited)

    assert numbers(results, "problem") == [problem.number]
    assert numbers(results, "change") == []
    assert numbers(search("badge reader", user=agent), "change") != []
