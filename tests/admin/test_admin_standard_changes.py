"""Standard changes in the admin: one click from a template's row to a page asking only
what the template leaves open, creating through the same workflow function as the API."""

from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from changes.models import Change, Risk, Status, Type
from tests.admin.conftest import client_for, messages_of

pytestmark = pytest.mark.django_db

TEMPLATES_URL = "admin:changes_changetemplate_changelist"


def from_template_url(template) -> str:
    return reverse("admin:changes_change_from_template", args=[template.pk])


def window(days: int = 2, hours: int = 1) -> tuple[datetime, datetime]:
    start = timezone.localtime().replace(second=0, microsecond=0) + timedelta(days=days)
    return start, start + timedelta(hours=hours)


def split(name: str, moment: datetime) -> dict[str, str]:
    """The admin's split date/time widget's POST fields for ``moment``."""
    local = timezone.localtime(moment)
    return {f"{name}_0": local.strftime("%Y-%m-%d"), f"{name}_1": local.strftime("%H:%M:%S")}


def posted(title: str, start: datetime, end: datetime, *services) -> dict[str, object]:
    return {
        "title": title,
        "description": "",
        "services": [service.pk for service in services],
        **split("planned_start", start),
        **split("planned_end", end),
    }


def test_each_active_template_links_to_its_page(agent_client, template):
    template_list = agent_client.get(reverse(TEMPLATES_URL)).content.decode()
    assert from_template_url(template) in template_list

    page = agent_client.get(from_template_url(template))

    assert page.status_code == 200
    assert page.context["form"]["title"].value() == template.name
    assert set(page.context["form"].fields) == {
        "title", "description", "services", "planned_start", "planned_end",
        "assignment_group", "assigned_to",
    }  # fmt: skip


def test_creates_a_standard_change_in_new_with_the_templates_plans(
    agent_client, agent, template, service
):
    start, end = window()

    response = agent_client.post(
        from_template_url(template), posted("Restart the queue on mx1", start, end, service)
    )

    change = Change.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:changes_change_change", args=[change.pk])
    assert f"{change.number}: standard change created from “{template}”." in messages_of(response)
    assert (change.type, change.status, change.risk) == (Type.STANDARD, Status.NEW, Risk.LOW)
    assert change.template == template and change.requested_by == agent
    assert change.title == "Restart the queue on mx1"
    assert (change.planned_start, change.planned_end) == (start, end)
    assert list(change.services.all()) == [service]
    assert (change.implementation_plan, change.backout_plan, change.test_plan) == (
        template.implementation_plan,
        template.backout_plan,
        template.test_plan,
    )
    record = change.history.get()
    assert (record.history_type, record.history_user, record.status) == ("+", agent, Status.NEW)
    event = change.timeline.get()
    assert (event.verb, event.author, event.data["type"]) == ("created", agent, Type.STANDARD)


def test_a_window_ending_before_it_starts_is_refused_on_the_form(agent_client, template, service):
    start, end = window()

    page = agent_client.post(from_template_url(template), posted("Restart", end, start, service))

    assert page.status_code == 200 and page.context["form"].errors
    assert not Change.objects.exists()


def test_a_title_is_required(agent_client, template, service):
    page = agent_client.post(from_template_url(template), posted("", *window(), service))

    assert "title" in page.context["form"].errors
    assert not Change.objects.exists()


def test_a_retired_template_is_refused_by_the_workflow(agent_client, template, service):
    template.is_active = False
    template.save()
    template_list = agent_client.get(reverse(TEMPLATES_URL)).content.decode()
    assert from_template_url(template) not in template_list

    page = agent_client.post(from_template_url(template), posted("Restart", *window(), service))

    assert page.status_code == 200
    assert f"{template} is retired." in page.context["form"].non_field_errors()
    assert not Change.objects.exists()


def test_an_unknown_template_is_not_found(agent_client, template):
    template_id = template.pk
    template.delete()
    url = reverse("admin:changes_change_from_template", args=[template_id])
    assert agent_client.get(url).status_code == 404


@pytest.fixture
def template_reader(db: None) -> User:
    """Staff who may read templates and changes but not log changes."""
    user = User.objects.create_user(username="rita", password="pw-rita", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_changetemplate", "view_change"])
    )
    return user


def test_only_those_who_may_log_changes_get_the_link_and_the_page(
    template_reader, template, service
):
    client = client_for(template_reader)
    template_list = client.get(reverse(TEMPLATES_URL)).content.decode()
    assert template.name in template_list and from_template_url(template) not in template_list

    assert client.get(from_template_url(template)).status_code == 403
    response = client.post(from_template_url(template), posted("Restart", *window(), service))
    assert response.status_code == 403
    assert not Change.objects.exists()


def test_plain_users_are_sent_to_the_login_page(caller, template):
    response = client_for(caller).get(from_template_url(template))

    assert response.status_code == 302 and reverse("admin:login") in response["Location"]
