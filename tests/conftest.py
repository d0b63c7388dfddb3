"""Shared fixtures: the people, the catalog, and a factory for incidents made through the
workflow (never by hand), so every test starts from states the product can reach."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from accounts.models import User
from catalog.models import Category, Service, Team
from incidents.models import Incident
from incidents.workflow import incident_create
from problems.models import Problem
from problems.workflow import problem_create
from tests.factories import bring_problem_to, bring_to


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


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    # Password hashing is deliberately slow; tests create many users and prove nothing by it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
