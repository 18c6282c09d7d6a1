"""Small helpers for calling the API through the test client."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

API = "/api/v1"


def get(client: Client, path: str, **extra: Any):
    return client.get(API + path, **extra)


def send(client: Client, method: str, path: str, data: Any = None, **extra: Any):
    body = "" if data is None else json.dumps(data)
    return getattr(client, method)(API + path, data=body, content_type="application/json", **extra)


def post(client: Client, path: str, data: Any = None, **extra: Any):
    return send(client, "post", path, data, **extra)


def patch(client: Client, path: str, data: Any = None, **extra: Any):
    return send(client, "patch", path, data, **extra)


def delete(client: Client, path: str, **extra: Any):
    return send(client, "delete", path, None, **extra)


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
