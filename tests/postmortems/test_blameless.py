"""The blameless check lists sentences that name someone from the incident before a
blame word: on the submit event, in the API, on the submit page. It warns, never
refuses."""

import pytest

from incidents.workflow import incident_add_note
from postmortems.blameless import check_text, names_of
from postmortems.workflow import postmortem_add_reviewer, postmortem_move, postmortem_update

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("Bob forgot to renew the certificate.", [("Bob", "forgot")]),
        (
            "The deploy broke because bob skipped the canary. Bob Smith caused it.",
            [("Bob Smith", "caused")],
        ),
        ("Smith should have checked the dashboard!", [("Smith", "should have")]),
        ("The certificate expired. Renewal failed to run on Sunday.", []),
        ("Bob noticed the alert and rolled back.", []),
        ("The alert was missed by the pager rotation.", []),
    ],
)
def test_sentences_naming_a_person_before_a_blame_word(text, flagged, other_agent):
    other_agent.last_name = "Smith"
    names = names_of([other_agent])
    found = [(w.person, w.phrase) for w in check_text("root_causes", text, names)]
    assert found == flagged


def test_submit_carries_the_warnings_and_goes_ahead(postmortem, agent, other_agent):
    # Bob wrote on the incident's timeline: he is someone the incident names.
    incident_add_note(postmortem.incident, by=other_agent, body="Restarting", internal=True)
    postmortem_update(
        postmortem, by=agent, changes={"root_causes": "Bob forgot the cron job. Disk filled."}
    )
    postmortem_add_reviewer(postmortem, by=agent, user=other_agent)

    submitted = postmortem_move(postmortem, "submit", by=agent)

    event = submitted.timeline.get(verb="submit")
    assert event.data["warnings"] == [
        {
            "section": "root_causes",
            "sentence": "Bob forgot the cron job.",
            "person": "Bob",
            "phrase": "forgot",
        }
    ]


def test_people_the_incident_does_not_name_are_not_flagged(postmortem, agent, manager):
    postmortem_update(postmortem, by=agent, changes={"went_badly": "Maria forgot the runbook."})
    from postmortems.blameless import blameless_warnings

    assert blameless_warnings(postmortem) == []
