from __future__ import annotations

import pytest

from hearth.api.tests.helpers import get
from hearth.api.tests.schema_check import schema

OPERATIONS = {
    ("post", "/api/v1/support/requests"),
    ("get", "/api/v1/support/requests/current"),
    ("post", "/api/v1/support/requests/{request_id}/cancel"),
    ("post", "/api/v1/support/requests/{request_id}/accept"),
    ("post", "/api/v1/support/requests/{request_id}/end"),
    ("post", "/api/v1/support/requests/{request_id}/rating"),
    ("post", "/api/v1/support/requests/{request_id}/hand-over"),
    ("get", "/api/v1/listener/queue"),
    ("put", "/api/v1/listener/availability"),
    ("get", "/api/v1/listener/training"),
    ("post", "/api/v1/listener/training/quiz"),
    ("get", "/api/v1/communities/{slug}/chat"),
    ("get", "/api/v1/communities/{slug}/sessions"),
    ("post", "/api/v1/communities/{slug}/sessions"),
    ("get", "/api/v1/chat/rooms/{room_id}"),
    ("get", "/api/v1/chat/rooms/{room_id}/messages"),
    ("post", "/api/v1/chat/rooms/{room_id}/messages"),
    ("post", "/api/v1/chat/rooms/{room_id}/messages/{seq}/reactions"),
    ("delete", "/api/v1/chat/rooms/{room_id}/messages/{seq}"),
    ("post", "/api/v1/accounts/signup"),
    ("get", "/api/v1/accounts/pseudonym-suggestions"),
    ("get", "/api/v1/me"),
    ("patch", "/api/v1/me/profile"),
    ("patch", "/api/v1/me/preferences"),
    ("get", "/api/v1/me/tokens"),
    ("post", "/api/v1/me/tokens"),
    ("delete", "/api/v1/me/tokens/{token_id}"),
    ("get", "/api/v1/members/{pseudonym}"),
    ("get", "/api/v1/communities"),
    ("get", "/api/v1/communities/{slug}"),
    ("post", "/api/v1/communities/{slug}/join"),
    ("post", "/api/v1/communities/{slug}/leave"),
    ("post", "/api/v1/communities/{slug}/withdraw-request"),
    ("get", "/api/v1/communities/{slug}/join-requests"),
    ("post", "/api/v1/communities/{slug}/join-requests/{request_id}/approve"),
    ("post", "/api/v1/communities/{slug}/join-requests/{request_id}/decline"),
    ("post", "/api/v1/communities/{slug}/invitations"),
    ("get", "/api/v1/me/invitations"),
    ("post", "/api/v1/me/invitations/{invitation_id}/accept"),
    ("post", "/api/v1/me/invitations/{invitation_id}/decline"),
    ("get", "/api/v1/communities/{slug}/threads"),
    ("post", "/api/v1/communities/{slug}/threads"),
    ("get", "/api/v1/threads/{thread_id}"),
    ("post", "/api/v1/threads/{thread_id}/read"),
    ("post", "/api/v1/threads/{thread_id}/posts"),
    ("get", "/api/v1/posts/{post_id}"),
    ("patch", "/api/v1/posts/{post_id}"),
    ("delete", "/api/v1/posts/{post_id}"),
    ("get", "/api/v1/posts/{post_id}/revisions"),
    ("post", "/api/v1/posts/{post_id}/reactions"),
    ("delete", "/api/v1/posts/{post_id}/reactions/{kind}"),
    ("get", "/api/v1/search"),
    ("get", "/api/v1/me/on-call"),
    ("put", "/api/v1/me/on-call"),
    ("get", "/api/v1/me/on-call/alerts"),
    ("post", "/api/v1/me/on-call/alerts/{alert_id}/acknowledge"),
    ("post", "/api/v1/posts/{post_id}/reports"),
    ("post", "/api/v1/members/{pseudonym}/reports"),
    ("post", "/api/v1/chat/rooms/{room_id}/messages/{seq}/reports"),
    ("put", "/api/v1/members/{pseudonym}/block"),
    ("delete", "/api/v1/members/{pseudonym}/block"),
    ("get", "/api/v1/me/decisions"),
    ("post", "/api/v1/me/decisions/{decision_id}/appeal"),
    ("get", "/api/v1/moderation/queue"),
    ("post", "/api/v1/moderation/items/{item_id}/actions"),
    ("post", "/api/v1/posts/{post_id}/author-reveals"),
    ("get", "/api/v1/me/safety-plan"),
    ("put", "/api/v1/me/safety-plan"),
    ("get", "/api/v1/me/export"),
    ("get", "/api/v1/me/erasure"),
    ("post", "/api/v1/me/erasure"),
}
SESSION_ONLY = ("post", "/api/v1/me/tokens")  # a token cannot mint more tokens
PUBLIC = {
    ("post", "/api/v1/accounts/signup"),
    ("get", "/api/v1/accounts/pseudonym-suggestions"),
    ("get", "/api/v1/communities"),
    ("get", "/api/v1/communities/{slug}"),
}


def operations():
    for path, methods in schema()["paths"].items():
        for method, operation in methods.items():
            yield method, path, operation


def test_the_schema_is_served_and_lists_every_operation(client):
    response = get(client, "/openapi.json")
    assert response.status_code == 200
    served = response.json()
    assert served["info"]["title"] == "Hearth API"
    listed = {(m, p) for p, methods in served["paths"].items() for m in methods}
    assert listed == OPERATIONS


def test_the_docs_page_is_served(client):
    assert get(client, "/docs").status_code == 200


@pytest.mark.parametrize(("method", "path", "operation"), list(operations()), ids=lambda v: str(v)[:60])
def test_every_operation_documents_its_errors(method, path, operation):
    documented = {int(code) for code in operation["responses"]}
    has_params = bool(operation.get("parameters")) or "requestBody" in operation
    if has_params:
        assert 422 in documented
    if "requestBody" in operation:
        assert 400 in documented  # a body that is not JSON
    if (method, path) in PUBLIC:
        assert {} in operation.get("security", [{}])
    else:
        assert 401 in documented
        assert {"SessionAuth": []} in operation["security"]
        if (method, path) != SESSION_ONLY:
            assert {"ApiTokenAuth": []} in operation["security"]
    if method != "get" and (method, path) not in PUBLIC:
        assert 403 in documented  # CSRF
    if "{" in path:
        assert 404 in documented


def test_errors_are_documented_with_their_shapes():
    components = schema()["components"]["schemas"]
    assert set(components["ErrorOut"]["properties"]) == {"detail", "code"}
    assert components["ValidationErrorOut"]["properties"]["detail"]["type"] == "array"
    signup = schema()["paths"]["/api/v1/accounts/signup"]["post"]["responses"]
    assert {int(code) for code in signup} == {201, 400, 409, 422, 429}


def test_no_output_schema_has_an_email_field():
    outputs = {name: c for name, c in schema()["components"]["schemas"].items() if name.endswith("Out")}
    assert {"MeOut", "ProfileOut", "MemberRefOut", "PostOut"} <= set(outputs)
    for name, component in outputs.items():
        assert "email" not in component.get("properties", {}), name
