"""Schemathesis over the whole /api/v1/ OpenAPI schema: no generated request may cause a 5xx.

Runs in the normal suite, against the Django WSGI app in-process, as an administrator of the city
holding a bearer token, with rows in place so ids in paths sometimes exist. `max_examples` is kept
small so the run stays well under two minutes on a two-core machine.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from minyi.config.wsgi import application
from minyi.core.actions.roles import do_grant_role
from minyi.core.actions.tokens import do_create_token
from minyi.core.actors import Actor
from minyi.core.models import RoleGrant
from minyi.core.notify import notify
from minyi.core.tests.standin_instances import standin_instance

MAX_EXAMPLES = 12


# django-ninja emits OpenAPI 3.1, which schemathesis 3.x supports behind this switch.
schemathesis.experimental.OPEN_API_3_1.enable()


@pytest.fixture
def wsgi_in_test_transaction():
    """Django closes "old" connections around each WSGI request; inside the test's transaction that
    would drop the test database. The test client avoids it the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(db, wsgi_in_test_transaction):
    # Positive generation only: negative generation needs a hypothesis-jsonschema that matches the
    # pinned hypothesis (it fails inside hypothesis-jsonschema here). Invalid input is covered by the
    # validation tests in minyi/core/tests/test_api_foundation.py.
    return schemathesis.from_wsgi("/api/v1/openapi.json", application)


@dataclass
class Fuzzer:
    secret: str
    token_id: int
    own_grant_ids: set[int]


@pytest.fixture
def fuzzer(tree, make_person, system) -> Fuzzer:
    admin = make_person("admin", tree.city, name="管理员")
    do_grant_role(admin, "leader", tree.district, actor=system)
    resident = make_person("resident", tree.community, name="居民")
    do_grant_role(resident, "council_member", tree.community, actor=system)
    notify([admin], kind="test", title="通知")
    instance = standin_instance(title="路灯", unit=tree.community, awaiting_roles=["community_staff"])
    instance.subject_id = str(tree.community.pk)  # a subject that exists
    instance.save(update_fields=["subject_id"])
    made = do_create_token(admin, actor=Actor(person=admin), name="fuzz")
    for name in ("spare-1", "spare-2"):
        do_create_token(admin, actor=Actor(person=admin), name=name)
    grants = set(RoleGrant.objects.filter(person=admin).values_list("pk", flat=True))
    return Fuzzer(secret=made.secret, token_id=made.token.pk, own_grant_ids=grants)


schema = schemathesis.from_pytest_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_api_never_answers_5xx(case, fuzzer):
    # Keep the fuzzing account able to act: never revoke its own token or its own admin grant.
    params = case.path_parameters or {}
    if params.get("token_id") == fuzzer.token_id:
        params["token_id"] = fuzzer.token_id + 1
    if params.get("grant_id") in fuzzer.own_grant_ids:
        params["grant_id"] = max(fuzzer.own_grant_ids) + 1
    response = case.call_wsgi(headers={"Authorization": f"Bearer {fuzzer.secret}"})
    case.validate_response(response, checks=(not_a_server_error,))
