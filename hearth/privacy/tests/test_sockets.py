"""Open sockets of a member who deletes their account close at once, and their channel-layer group goes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers, get_channel_layer
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from hearth.chat.services import lobby_for
from hearth.chat.tests.helpers import ORIGIN, connect, run, session_cookie
from hearth.core.realtime import user_group
from hearth.privacy.erasure import process_due_erasures, request_erasure
from hearth.privacy.models import ErasureChoice, ErasureRequest

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _fresh_channel_layer():
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def test_the_members_sockets_close_and_others_stay_open(member, other_member, community):
    lobby = lobby_for(community)

    async def scenario():
        from config.asgi import application

        chat, bystander = await connect(member, lobby), await connect(other_member, lobby)
        cookie = await sync_to_async(session_cookie)(member)
        headers = [(b"origin", ORIGIN), (b"cookie", f"sessionid={cookie}".encode())]
        pages = WebsocketCommunicator(application, "/ws/notifications/", headers=headers)
        assert (await pages.connect())[0]

        await sync_to_async(request_erasure)(member, password=PASSWORD, choice=ErasureChoice.DELETE)

        frame = await chat.receive_type("error")
        chat_closed = await chat.communicator.receive_output(timeout=3)
        pages_closed = await pages.receive_output(timeout=3)
        still_open = await bystander.nothing_more()
        await bystander.close()
        # A new socket with the old session is refused: the session no longer signs anyone in.
        again = WebsocketCommunicator(application, f"/ws/chat/{lobby.id}/", headers=headers)
        await again.connect()
        refused = await again.receive_json_from(timeout=3)
        return frame, chat_closed, pages_closed, still_open, refused

    frame, chat_closed, pages_closed, still_open, refused = run(scenario)
    assert frame == {"type": "error", "code": "forbidden", "detail": "This account is closed."}
    assert chat_closed == {"type": "websocket.close", "code": 4403}
    assert pages_closed == {"type": "websocket.close", "code": 4403}
    assert still_open
    assert refused["code"] == "forbidden"


def test_the_members_channel_layer_group_is_discarded(member):
    layer = get_channel_layer()
    group = user_group(member.id)

    async def subscribe():
        await layer.group_add(group, await layer.new_channel())
        await layer.group_add(user_group(member.id + 1000), await layer.new_channel())

    run(subscribe)
    assert group in layer.groups
    request_erasure(member, password=PASSWORD, choice=ErasureChoice.KEEP)
    ErasureRequest.objects.update(due_at=timezone.now() - timedelta(seconds=1))
    assert process_due_erasures() == 1
    assert group not in layer.groups
    assert user_group(member.id + 1000) in layer.groups
