"""Every API POST honours ``Idempotency-Key``: each view that takes a POST runs through
``Idempotent``, the schema offers the header on each POST operation, and each kind of
operation, sent twice with a key, answers the second time with the first answer."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator
from rest_framework.views import APIView

from accounts.tokens import api_token_issue
from changes.models import Change
from incidents.models import Incident
from kernel.api.idempotency import EXEMPT, Idempotent
from kernel.models import IdempotencyKey
from problems.models import Problem

pytestmark = pytest.mark.django_db


def views(patterns=None):
    """Every DRF view the URLconf routes to, with the HTTP methods it answers."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from views(pattern.url_patterns)
            continue
        assert isinstance(pattern, URLPattern)
        view = getattr(pattern.callback, "cls", None)
        if view is None or not issubclass(view, APIView):
            continue
        actions = getattr(pattern.callback, "actions", None)
        methods = (
            set(actions) if actions else {m for m in view.http_method_names if hasattr(view, m)}
        )
        yield str(pattern.pattern), view, methods


def test_every_view_taking_a_post_is_idempotent():
    posting = {view for _, view, methods in views() if "post" in methods}
    assert len(posting) >= 4  # incidents, problems, changes, status updates
    exempt = {view.__name__: view.idempotency_exempt for view in posting if view.idempotency_exempt}
    assert {name: set(actions) for name, actions in exempt.items()} == {
        "TokenViewSet": {"create"},  # its answer is the token shown once
        "AlertIntakeViewSet": {"create"},  # a sender's body again is a replay by its digest
    }
    for view in posting:
        # Its own dispatch, initial and exception handling: nothing in between undoes them.
        for name in ("dispatch", "initial", "handle_exception"):
            assert getattr(view, name) is getattr(Idempotent, name), (view, name)


@pytest.fixture(scope="module")
def schema() -> dict:
    """Generated once for the module: it takes seconds, and reads no data."""
    return SchemaGenerator().get_schema(request=None, public=True)


def test_every_post_operation_documents_the_header(schema):
    posts = [operations["post"] for operations in schema["paths"].values() if "post" in operations]
    assert posts
    exempt = [operation for operation in posts if EXEMPT in operation]
    assert sorted(operation["operationId"] for operation in exempt) == [
        "v1_integrations_alerts_create",
        "v1_tokens_create",
    ]
    for operation in (operation for operation in posts if EXEMPT not in operation):
        assert "Idempotency-Key" in [p["name"] for p in operation["parameters"]]
        assert {"400", "409", "422"} <= set(operation["responses"])
    others = [op for ops in schema["paths"].values() for m, op in ops.items() if m != "post"]
    assert not any(
        p["name"] == "Idempotency-Key" for op in others for p in op.get("parameters", [])
    )


def test_every_kind_of_post_replays_its_first_answer(
    manager_api, manager, schema, incident, problem, make_change
):
    """Each POST operation but the moves, and one move per type: the moves share one
    handler (``make_move``), whose wiring the first test checks for every view."""
    from postmortems.action_items import action_item_create
    from postmortems.workflow import postmortem_create_for

    postmortem = postmortem_create_for(incident, by=manager)
    item = action_item_create(postmortem, by=manager, title="Follow up", owner=manager)
    records = {
        "incidents": incident,
        "problems": problem,
        "changes": make_change(),
        "postmortems": postmortem,
        "action-items": item,
    }
    token = api_token_issue(manager, name="to revoke")[0]
    moves = {"incidents": Incident.moves, "problems": Problem.moves, "changes": Change.moves}
    paths, moved = [], set()
    for path, operations in schema["paths"].items():
        kind, last = path.split("/")[3], path.rstrip("/").rsplit("/", 1)[1]
        is_move = kind in moves and last in {move.name for move in moves[kind]}
        exempt = EXEMPT in operations.get("post", {})
        if "post" in operations and not exempt and not (is_move and kind in moved):
            paths.append(path)
            moved |= {kind} if is_move else set()
    assert len(paths) >= 15 and moved == set(moves)

    for n, path in enumerate(paths):
        kind = path.split("/")[3]
        record = records.get(kind, token)
        concrete = path.replace("{id}", str(record.pk))
        concrete = concrete.replace("{number}", getattr(record, "number", ""))
        assert "{" not in concrete, path
        first = manager_api.post(concrete, {}, format="json", HTTP_IDEMPOTENCY_KEY=f"key-{n}")
        again = manager_api.post(concrete, {}, format="json", HTTP_IDEMPOTENCY_KEY=f"key-{n}")

        assert first.status_code < 500, (path, first.content)
        assert "Idempotent-Replayed" not in first, path
        assert again["Idempotent-Replayed"] == "true", path
        assert (again.status_code, again.content) == (first.status_code, first.content), path
    assert IdempotencyKey.objects.count() == len(paths)
