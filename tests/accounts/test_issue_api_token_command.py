"""``manage.py issue_api_token``: the token goes to stdout (for ``TOKEN=$(...)``), once."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import ApiToken
from accounts.tokens import token_digest

pytestmark = pytest.mark.django_db


def test_issues_and_prints_the_token(agent):
    out = StringIO()
    call_command("issue_api_token", "alice", "--name", "Nagios", "--days", "30", stdout=out)
    plain = out.getvalue().strip()
    token = ApiToken.objects.get()
    assert token.user == agent and token.digest == token_digest(plain)
    with pytest.raises(CommandError, match="at most 365 days"):
        call_command("issue_api_token", "alice", "--name", "x", "--days", "999")
