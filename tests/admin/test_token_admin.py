"""API tokens in the admin: an agent issues one for themself and sees it once; managers see
everyone's and revoke them."""

import pytest
from django.urls import reverse

from accounts.models import ApiToken
from accounts.tokens import api_token_issue, token_digest
from tests.admin.conftest import client_for, messages_of

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:accounts_apitoken_changelist"


def test_agent_issues_a_token_and_sees_it_once(agent_client, agent):
    page = agent_client.get(reverse("admin:accounts_apitoken_add"))
    assert page.status_code == 200
    expires = page.context["adminform"].form.fields["expires"].initial
    response = agent_client.post(
        reverse("admin:accounts_apitoken_add"),
        {"name": "Grafana", "expires_0": f"{expires:%Y-%m-%d}", "expires_1": "12:00:00"},
    )
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    plain = response.context["secret"]
    assert plain.startswith("sd_") and plain in response.content.decode()
    token = ApiToken.objects.get()
    assert token.user == agent and token.name == "Grafana" and token.digest == token_digest(plain)

    for later in (
        agent_client.get(reverse(CHANGELIST)),
        agent_client.get(reverse("admin:accounts_apitoken_change", args=[token.pk])),
    ):
        body = later.content.decode()
        assert later.status_code == 200 and plain not in body and token.prefix in body


def test_agents_see_their_own_managers_revoke_anyones(agent_client, agent, other_agent, manager):
    mine, _ = api_token_issue(agent, name="Mine")
    theirs, _ = api_token_issue(other_agent, name="Theirs")
    listed = agent_client.get(reverse(CHANGELIST))
    assert list(listed.context["cl"].result_list) == [mine]
    agent_client.post(reverse(CHANGELIST), {"action": "revoke", "_selected_action": [theirs.pk]})
    theirs.refresh_from_db()
    assert theirs.revoked_at is None

    managers = client_for(manager)
    assert {t.name for t in managers.get(reverse(CHANGELIST)).context["cl"].result_list} == {
        "Mine",
        "Theirs",
    }
    response = managers.post(
        reverse(CHANGELIST),
        {"action": "revoke", "_selected_action": [mine.pk, theirs.pk]},
        follow=True,
    )
    assert "Revoked 2 token(s)." in messages_of(response)
    assert ApiToken.objects.filter(revoked_at__isnull=False, revoked_by=manager).count() == 2
