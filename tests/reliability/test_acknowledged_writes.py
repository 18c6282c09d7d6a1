"""No acknowledged write is lost: a server process is killed (SIGKILL) in the middle of a burst of forum
replies (API) and chat messages (websocket), started again, and every write that got a success answer is in the
database exactly once. Writes in flight at the kill may or may not be stored, but never twice: a chat message
sent again with its client_id after the restart is answered with the stored one.

PostgreSQL only (the server is a separate process on the test database); see conftest.py.
"""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from collections import Counter
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from hearth.accounts.services import create_api_token
from hearth.chat.models import Message
from hearth.chat.services import lobby_for
from hearth.chat.tests.helpers import run
from hearth.core.testing.factories import make_member, make_thread
from hearth.forums.models import Post

WRITERS = 3  # forum writers and chat writers each
IN_FLIGHT = 4  # chat sends each socket keeps unanswered at once
CHAT_SENDS = 50  # per socket, under the server's 60 frames per 10 seconds
KILL_AFTER = 30  # acknowledged writes before the kill
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _post_reply(origin: str, thread_id: int, token: str, body: str) -> dict[str, Any] | None:
    """The created post, or None when the server gave no success answer (it died, or said no)."""
    request = urllib.request.Request(  # noqa: S310 (an http:// address the test builds)
        f"{origin}/api/v1/threads/{thread_id}/posts",
        data=json.dumps({"body": body}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with NO_PROXY.open(request, timeout=10) as response:
            answer: dict[str, Any] = json.loads(response.read())
            return answer if response.status == 201 else None
    except (urllib.error.URLError, OSError, ValueError):
        return None


class Burst:
    def __init__(self) -> None:
        self.post_bodies: list[str] = []
        self.posts: dict[int, str] = {}  # id -> body, for every 201
        self.sent: dict[str, str] = {}  # client_id -> body, every chat send
        self.acks: dict[str, int] = {}  # client_id -> seq, for every ack
        self.enough = asyncio.Event()

    def acknowledged(self) -> int:
        return len(self.posts) + len(self.acks)

    def counted(self) -> None:
        if self.acknowledged() >= KILL_AFTER:
            self.enough.set()


async def forum_writer(burst: Burst, origin: str, thread_id: int, token: str, writer: int) -> None:
    for i in range(1000):
        body = f"Writer {writer} here, reply {i}: thinking of everyone in this thread today."
        burst.post_bodies.append(body)
        post = await asyncio.to_thread(_post_reply, origin, thread_id, token, body)
        if post is None:
            return  # the server is gone
        burst.posts[post["id"]] = body
        burst.counted()


async def chat_writer(burst: Burst, url: str, origin: str, token: str, writer: int) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    try:
        async with connect(url, origin=origin, additional_headers=headers, proxy=None, open_timeout=10) as ws:
            window = asyncio.Semaphore(IN_FLIGHT)

            closed = asyncio.Event()

            async def read() -> None:
                try:
                    async for raw in ws:
                        frame = json.loads(raw)
                        if frame.get("type") == "ack":
                            burst.acks[frame["client_id"]] = frame["seq"]
                            burst.counted()
                            window.release()
                        elif frame.get("type") in ("error", "nudge") and frame.get("client_id"):
                            window.release()
                finally:
                    closed.set()
                    window.release()  # wake the sender, which then stops

            reader = asyncio.create_task(read())
            try:
                for i in range(CHAT_SENDS):
                    await window.acquire()
                    if closed.is_set():
                        return
                    client_id = f"writer{writer}-{i:04d}"
                    body = f"Chat writer {writer}, message {i}: sending good wishes to the room."
                    burst.sent[client_id] = body
                    await ws.send(json.dumps({"type": "send", "client_id": client_id, "body": body}))
            finally:
                reader.cancel()
    except (ConnectionClosed, OSError):
        return


async def resend(url: str, origin: str, token: str, frames: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Send again, after the restart, what never got an answer (as chat.js and the bench client do)."""
    answers: dict[str, dict[str, Any]] = {}
    async with connect(url, origin=origin, additional_headers={"Authorization": f"Bearer {token}"},
                       proxy=None, open_timeout=10) as ws:  # fmt: skip
        for client_id, body in frames.items():
            await ws.send(json.dumps({"type": "send", "client_id": client_id, "body": body}))
        async for raw in ws:
            frame = json.loads(raw)
            if frame.get("type") in ("ack", "error", "nudge") and frame.get("client_id") in frames:
                answers[frame["client_id"]] = frame
                if len(answers) == len(frames):
                    break
    return answers


@pytest.mark.django_db(transaction=True)
def test_every_acknowledged_write_survives_a_sigkill_of_the_server(start_server, community):
    lobby = lobby_for(community)
    thread = make_thread(community)
    tokens = [
        create_api_token(make_member(community, username=f"SteadyWriter{n}"), name="burst")[1] for n in range(WRITERS)
    ]
    server = start_server("A")
    origin, url = server.base_url, server.url(lobby.id)
    burst = Burst()

    async def scenario() -> None:
        writers = [forum_writer(burst, origin, thread.id, tokens[n], n) for n in range(WRITERS)]
        writers += [chat_writer(burst, url, origin, tokens[n], n) for n in range(WRITERS)]
        tasks = [asyncio.create_task(w) for w in writers]
        try:
            await asyncio.wait_for(burst.enough.wait(), timeout=30)
            server.kill()  # mid-burst: writes are on the wire and inside the server
            await asyncio.wait_for(asyncio.gather(*tasks), timeout=30)
        finally:
            for task in tasks:
                task.cancel()

    run(scenario)
    assert server.process.returncode == -9
    acknowledged = burst.acknowledged()
    attempted = len(burst.post_bodies) + len(burst.sent)
    assert acknowledged >= KILL_AFTER
    assert attempted > acknowledged, "some writes were still unanswered when the server died"

    # Every write that got a 201 is there, once; nothing was stored twice.
    stored_posts = dict(Post.objects.filter(thread=thread, number__gt=1).values_list("id", "body"))
    for post_id, body in burst.posts.items():
        assert stored_posts.get(post_id) == body, f"acknowledged reply {post_id} is missing"
    assert max(Counter(stored_posts.values()).values()) == 1
    assert set(stored_posts.values()) <= set(burst.post_bodies)

    # Every acknowledged chat message is there, once, with the number its ack gave.
    stored = {m.client_id: m for m in Message.objects.filter(room=lobby)}
    for client_id, seq in burst.acks.items():
        assert client_id in stored, f"acknowledged chat message {client_id} is missing"
        assert stored[client_id].seq == seq
        assert stored[client_id].body == burst.sent[client_id]
    assert Message.objects.filter(room=lobby).count() == len(stored), "no client_id stored twice"
    seqs = sorted(m.seq for m in stored.values())
    assert seqs == list(range(1, len(seqs) + 1)), "message numbers have no gaps and no repeats"

    # After a restart on the same port the unanswered sends go again and each is stored exactly once.
    again = start_server("A-restarted", port=server.port)
    unanswered = {cid: body for cid, body in burst.sent.items() if cid not in burst.acks}
    by_writer: dict[int, dict[str, str]] = {}
    for client_id, body in unanswered.items():
        by_writer.setdefault(int(client_id[6 : client_id.index("-")]), {})[client_id] = body

    async def retry_all() -> list[dict[str, dict[str, Any]]]:
        return list(await asyncio.gather(*(resend(again.url(lobby.id), again.base_url, tokens[w], frames)
                                           for w, frames in by_writer.items())))  # fmt: skip

    answers = {cid: frame for result in run(retry_all) for cid, frame in result.items()}
    assert set(answers) == set(unanswered)
    assert all(frame["type"] == "ack" for frame in answers.values()), answers
    for client_id, frame in answers.items():
        assert frame["duplicate"] is (client_id in stored), "stored before the kill: answered, not stored again"
    assert Message.objects.filter(room=lobby).count() == len(stored) + sum(
        client_id not in stored for client_id in answers
    )
    for client_id in burst.sent:
        assert Message.objects.filter(room=lobby, client_id=client_id).count() == 1
