"""Shared fixtures: the people, the catalog, and a factory for incidents made through the
workflow (never by hand), so every test starts from states the product can reach."""

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts import mfa
from accounts.models import User
from accounts.tokens import api_token_issue
from catalog.models import Category, Service, Team
from changes.models import Change, ChangeTemplate
from changes.workflow import change_create
from incidents.models import Incident
from incidents.workflow import incident_create
from problems.models import Problem
from problems.workflow import problem_create
from tests.factories import bring_change_to, bring_problem_to, bring_to
from tests.services import PrivatePostgres, running_private_postgres
from tests.template_db import _test_database_from_template  # noqa: F401 (an autouse fixture)


@pytest.fixture(autouse=True, scope="session")
def _static_root() -> None:
    """WhiteNoise serves STATIC_ROOT and warns on every request while it does not exist
    (a fresh checkout has not run collectstatic); the tests need no static files."""
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


def _user(username: str, *, groups: tuple[str, ...] = (), staff: bool = False) -> User:
    user = User.objects.create_user(
        username=username,
        email=f"{username}@example.com",
        password="pw-" + username,
        first_name=username.capitalize(),
        is_staff=staff,
    )
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


@pytest.fixture
def agent(db: None) -> User:
    return _user("alice", groups=("Agents",), staff=True)


@pytest.fixture
def other_agent(db: None) -> User:
    return _user("bob", groups=("Agents",), staff=True)


@pytest.fixture
def manager(db: None) -> User:
    return _user("maria", groups=("Managers",), staff=True)


@pytest.fixture
def caller(db: None) -> User:
    return _user("carl")


@pytest.fixture
def stranger(db: None) -> User:
    return _user("steve")


@pytest.fixture
def team(agent: User, other_agent: User, manager: User) -> Team:
    team = Team.objects.create(name="Service Desk", email="desk@example.com", manager=manager)
    team.members.add(agent, other_agent, manager)
    return team


@pytest.fixture
def service(team: Team) -> Service:
    return Service.objects.create(name="Email", owner_team=team, criticality=2)


@pytest.fixture
def category(db: None) -> Category:
    return Category.objects.create(name="Software")


@pytest.fixture
def subcategory(category: Category) -> Category:
    return Category.objects.create(name="Mail client", parent=category)


@pytest.fixture
def make_incident(
    agent: User, caller: User, service: Service, team: Team
) -> Callable[..., Incident]:
    def make(**fields: Any) -> Incident:
        fields.setdefault("title", "Cannot send email")
        fields.setdefault("description", "Outlook says the server is unreachable.")
        fields.setdefault("caller", caller)
        fields.setdefault("service", service)
        fields.setdefault("assignment_group", team)
        fields.setdefault("impact", 2)
        fields.setdefault("urgency", 2)
        by = fields.pop("by", agent)
        return incident_create(by=by, **fields)

    return make


@pytest.fixture
def incident(make_incident: Callable[..., Incident]) -> Incident:
    return make_incident()


@pytest.fixture
def incident_in(
    make_incident: Callable[..., Incident], agent: User, manager: User
) -> Callable[..., Incident]:
    """A factory: ``incident_in(status, **fields)`` makes an incident and brings it to
    ``status`` through the workflow."""

    def make(status: int, **fields: Any) -> Incident:
        return bring_to(make_incident(**fields), status, agent=agent, manager=manager)

    return make


@pytest.fixture
def make_problem(agent: User, service: Service, team: Team) -> Callable[..., Problem]:
    def make(**fields: Any) -> Problem:
        fields.setdefault("title", "Mail server drops connections")
        fields.setdefault("description", "Users lose their mail connection hourly.")
        fields.setdefault("service", service)
        fields.setdefault("assignment_group", team)
        fields.setdefault("impact", 2)
        fields.setdefault("urgency", 2)
        by = fields.pop("by", agent)
        return problem_create(by=by, **fields)

    return make


@pytest.fixture
def problem(make_problem: Callable[..., Problem]) -> Problem:
    return make_problem()


@pytest.fixture
def problem_in(make_problem: Callable[..., Problem], agent: User) -> Callable[..., Problem]:
    """``problem_in(status, **fields)``: a problem brought to ``status`` by the workflow."""

    def make(status: int, **fields: Any) -> Problem:
        return bring_problem_to(make_problem(**fields), status, agent=agent)

    return make


@pytest.fixture
def template(db: None) -> ChangeTemplate:
    return ChangeTemplate.objects.create(
        name="Restart the mail queue",
        implementation_plan="systemctl restart postfix",
        backout_plan="Nothing to back out",
        test_plan="Send a test mail",
    )


@pytest.fixture
def make_change(
    agent: User, service: Service, team: Team, template: ChangeTemplate
) -> Callable[..., Change]:
    """``make_change(type=..., **fields)``: a change logged by ``agent`` on ``service``, in
    a window a day from now unless told otherwise; standard ones from ``template``."""

    def make(**fields: Any) -> Change:
        start = timezone.now() + timedelta(days=1)
        fields.setdefault("title", "Upgrade the mail server")
        fields.setdefault("type", "normal")
        fields.setdefault("services", [service])
        fields.setdefault("assignment_group", team)
        fields.setdefault("planned_start", start)
        fields.setdefault("planned_end", start + timedelta(hours=2))
        if fields["type"] == "standard":
            fields.setdefault("template", template)
        else:
            fields.setdefault("implementation_plan", "apt upgrade")
            fields.setdefault("backout_plan", "Restore the snapshot")
        by = fields.pop("by", agent)
        return change_create(by=by, **fields)

    return make


@pytest.fixture
def change_in(
    make_change: Callable[..., Change], agent: User, other_agent: User, manager: User
) -> Callable[..., Change]:
    """``change_in(status, type="normal", **fields)``: brought there by the workflow; the
    other agent approves normal changes (the service's team), the manager emergency ones."""

    def make(status: int, **fields: Any) -> Change:
        change = make_change(**fields)
        approver = manager if change.type == "emergency" else other_agent
        return bring_change_to(change, status, agent=agent, approver=approver)

    return make


@pytest.fixture(autouse=True)
def _force_login_gives_the_second_factor(monkeypatch: pytest.MonkeyPatch) -> None:
    """``force_login`` signs staff fully in: someone who must have a second factor
    (managers, superusers) gets an authenticator and a session that has given its code.
    The sign-in itself, password then code, is tested through its pages in tests/accounts/
    and tests/browser/test_second_factor.py, not before every page of every test."""
    force_login = Client.force_login

    def fully(client: Client, user: Any, backend: str | None = None) -> None:
        force_login(client, user, backend)
        if mfa.required_for(user):
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            device = device or TOTPDevice.objects.create(user=user, name="App", confirmed=True)
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", fully)


def token_for(user: User) -> str:
    """A new API token of ``user``'s, in plain text (what its owner was shown once)."""
    return api_token_issue(user, name="Test")[1]


def api_for(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def agent_api(agent: User) -> APIClient:
    return api_for(agent)


@pytest.fixture
def manager_api(manager: User) -> APIClient:
    return api_for(manager)


@pytest.fixture
def caller_api(caller: User) -> APIClient:
    return api_for(caller)


@pytest.fixture(autouse=True, scope="session")
def _flush_by_delete() -> Iterator[None]:
    """Transactional tests (workers, live servers, browsers) end by emptying every table.
    Django empties them with one TRUNCATE of all ~110 tables, which takes PostgreSQL 5-9 s
    (every table gets a new file); deleting the few rows a test wrote takes milliseconds.
    The flush runs in one transaction and Django's foreign keys are DEFERRABLE INITIALLY
    DEFERRED, so the order of the deletes does not matter. Tests that ask for their
    sequences to be reset keep Django's TRUNCATE ... RESTART IDENTITY."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def delete(
        ops: DatabaseOperations,
        style: Any,
        tables: list[str],
        *,
        reset_sequences: bool = False,
        allow_cascade: bool = False,
    ) -> list[str]:
        if reset_sequences:
            return truncate(
                ops, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        return [f"DELETE FROM {style.SQL_FIELD(ops.quote_name(table))};" for table in tables]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", delete)
        yield


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    # Password hashing is deliberately slow; tests create many users and prove nothing by it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    """A PostgreSQL cluster of this test's own, which it may stop and start at will (never
    the shared one on 5432); ``tests.services.copy_test_database`` fills it."""
    with running_private_postgres() as cluster:
        yield cluster
