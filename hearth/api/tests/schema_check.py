"""Check a response against the OpenAPI schema: its status is documented for the operation, and errors have the
documented shape. A lightweight stand-in for a schema-conformance tool, used by the robustness tests."""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from hearth.api.api import api
from hearth.api.tests.helpers import API


@functools.cache
def schema() -> dict[str, Any]:
    return dict(api.get_openapi_schema(path_prefix=API))


@functools.cache
def _operations() -> list[tuple[re.Pattern[str], dict[str, Any]]]:
    ops = []
    for template, methods in schema()["paths"].items():
        pattern = re.escape(template).replace(r"\{", "{").replace(r"\}", "}")
        pattern = re.sub(r"\{[^}]+\}", "[^/]+", pattern)
        ops.append((re.compile(f"^{pattern}$"), methods))
    return ops


def operation_for(method: str, path: str) -> dict[str, Any] | None:
    path = path.split("?", 1)[0]
    for pattern, methods in _operations():
        if pattern.match(path) and method.lower() in methods:
            operation: dict[str, Any] = methods[method.lower()]
            return operation
    return None


def assert_conforms(response: Any, method: str, path: str) -> None:
    assert response.status_code < 500, (method, path, response.status_code)
    operation = operation_for(method, path)
    if operation is None or not response["Content-Type"].startswith("application/json"):
        # Outside the API's routes (e.g. a path that no longer matches once decoded): Django's own 404.
        assert response.status_code in (404, 405), (method, path, response.status_code)
        return
    documented = {int(code) for code in operation["responses"]}
    assert response.status_code in documented, (method, path, response.status_code, sorted(documented))
    if response.status_code >= 400:
        body = json.loads(response.content)
        assert set(body) == {"detail", "code"}, body
        if response.status_code == 422:
            assert isinstance(body["detail"], list)
            assert all(set(issue) == {"type", "loc", "msg"} for issue in body["detail"])
        else:
            assert isinstance(body["detail"], str)
            assert body["detail"]
