"""The postmortem in the console: its change form with the facts, reviewers, action items
and the blameless check; naming a reviewer; the submit page's warnings; the print view;
the action item list and its filters; all at a constant number of queries."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents.models import IncidentTimelineEntry
from postmortems.action_items import action_item_create
from postmortems.models import ActionItem, PostmortemTimelineEntry, Status
from postmortems.workflow import postmortem_update

pytestmark = pytest.mark.django_db


def change_page(postmortem):
    return reverse("admin:postmortems_postmortem_change", args=[postmortem.pk])


def test_the_change_form_shows_facts_sections_and_panels(
    agent_client, postmortem, agent, other_agent
):
    action_item_create(postmortem, by=agent, title="Alert on queue depth", owner=other_agent)

    page = agent_client.get(change_page(postmortem))

    assert page.status_code == 200
    text = page.text
    assert postmortem.incident.number in text
    for heading in ("Reviewers", "Action items", "Blameless check", "Time to detect"):
        assert heading in text
    assert "Alert on queue depth" in text
    # The Default template's prompt is the section's help.
    assert "Ask why until the answer is a condition you can change" in text
    assert "Name a reviewer" in text
    add_item = reverse("admin:postmortems_actionitem_add") + f"?postmortem={postmortem.pk}"
    assert add_item in text
    assert f'value="{postmortem.pk}" selected' in agent_client.get(add_item).text
    assert ">Submit for review</a>" not in text  # not offered before a reviewer is named


def test_naming_a_reviewer_and_submitting_in_the_admin(
    agent_client, postmortem, agent, other_agent
):
    url = reverse("admin:postmortems_postmortem_reviewer", args=[postmortem.pk])
    assert agent_client.get(url).status_code == 200
    response = agent_client.post(url, {"user": other_agent.pk})
    assert response.status_code == 302
    assert postmortem.reviewers.get().user == other_agent

    postmortem_update(postmortem, by=agent, changes={"root_causes": "Alice forgot the cron."})
    submit = reverse("admin:postmortems_postmortem_move", args=[postmortem.pk, "submit"])
    form = agent_client.get(submit)
    assert "Blameless check: 1 sentence to reread" in form.text
    assert "Alice forgot the cron." in form.text

    done = agent_client.post(submit, {"note": ""}, follow=True)
    postmortem.refresh_from_db()
    assert postmortem.status == Status.IN_REVIEW
    assert "Blameless check" in done.text  # the warning, as a message


def test_the_author_is_offered_no_approve_button(agent_client, reviewer_client, in_review):
    assert 'data-move="approve"' not in agent_client.get(change_page(in_review)).text
    page = reviewer_client.get(change_page(in_review)).text
    assert 'data-move="approve"' in page
    assert 'data-move="request_changes"' in page


def test_print_view(agent_client, postmortem):
    page = agent_client.get(reverse("admin:postmortems_postmortem_print", args=[postmortem.pk]))
    assert page.status_code == 200
    assert "postmortems/print.css" in page.text
    assert f"<h1>{postmortem.number}: " in page.text
    assert "<h2>Durations</h2>" in page.text


def test_no_adding_a_postmortem_without_its_incident(agent_client):
    assert agent_client.get(reverse("admin:postmortems_postmortem_add")).status_code == 403


def test_action_item_list_filters(agent_client, postmortem, agent, other_agent, team):
    late = action_item_create(
        postmortem, by=agent, title="Late one", owner=other_agent,
        due_date=date.today() - timedelta(days=2),
    )  # fmt: skip
    action_item_create(postmortem, by=agent, title="Not yet", owner=agent)
    url = reverse("admin:postmortems_actionitem_changelist")

    overdue = agent_client.get(url, {"overdue": "yes"})
    assert overdue.status_code == 200
    assert list(overdue.context["cl"].result_list) == [late]
    by_team = agent_client.get(url, {"team": team.pk, "owner__id__exact": other_agent.pk})
    assert list(by_team.context["cl"].result_list) == [late]
    by_postmortem = agent_client.get(url, {"postmortem__id__exact": postmortem.pk})
    assert by_postmortem.context["cl"].result_count == 2
    assert "(overdue)" in overdue.text


def test_adding_an_item_in_the_admin_goes_through_the_workflow(
    agent_client, postmortem, other_agent
):
    url = reverse("admin:postmortems_actionitem_add")
    response = agent_client.post(
        url,
        {"postmortem": postmortem.pk, "title": "Cap the queue", "kind": "prevent",
         "owner": other_agent.pk, "due_date": ""},
    )  # fmt: skip
    assert response.url == reverse("admin:postmortems_postmortem_change", args=[postmortem.pk])
    item = ActionItem.objects.get()
    assert item.title == "Cap the queue"
    assert postmortem.timeline.filter(verb="action_item_added").exists()


def add_rows(postmortem, n, *, author, owner):
    ActionItem.objects.bulk_create(
        ActionItem(postmortem=postmortem, title=f"Item {i}", owner=owner, due_date=date.today())
        for i in range(n)
    )
    note = {"verb": "note", "kind": "work_note", "body": "x", "author": author}
    PostmortemTimelineEntry.objects.bulk_create(
        PostmortemTimelineEntry(ticket=postmortem, **note) for _ in range(n)
    )
    IncidentTimelineEntry.objects.bulk_create(
        IncidentTimelineEntry(ticket=postmortem.incident, **note) for _ in range(n)
    )


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_change_page_costs_the_same_at_5_and_500_rows(
    agent_client, in_review, agent, other_agent
):
    """Bulk rows: only the page's reads are under test."""
    url = change_page(in_review)
    add_rows(in_review, 5, author=agent, owner=other_agent)
    agent_client.get(url)  # warm the process-wide caches
    small = queries(agent_client, url)
    add_rows(in_review, 495, author=agent, owner=other_agent)
    big = queries(agent_client, url)
    assert small == big, f"{small} queries at 5 rows, {big} at 500"


def test_a_refused_item_comes_back_with_the_reason(agent_client, postmortem, stranger):
    stranger.is_active = False
    stranger.save()
    response = agent_client.post(
        reverse("admin:postmortems_actionitem_add"),
        {"postmortem": postmortem.pk, "title": "Cap it", "kind": "prevent", "owner": stranger.pk},
    )
    assert response.status_code == 200
    assert "is not active" in response.text
    assert not ActionItem.objects.exists()
