"""A small asyncio client for Hearth's chat socket (the protocol is documented in hearth/chat/consumers.py).

It signs in with a personal API token, sends each message with a client_id and re-sends the ones not yet
answered after a reconnect (the server stores a client_id once), keeps the room's messages by number (`seq`)
and drops any it already has, and after every (re)connect asks for what it missed with
`{"type": "sync", "after": last_seq}`. When a connection drops it tries the next address in `urls`.

    client = ChatClient(["ws://127.0.0.1:8001/ws/chat/7/", "ws://127.0.0.1:8002/ws/chat/7/"], token="hth_…")
    await client.start()
    ack = await client.send("Hello")       # {"type": "ack", "seq": 12, ...}
    await client.wait_for_seq(12)
    await client.close()

`last_seq` only moves over numbers with no gap below them, so a sync after a reconnect never skips a message
that arrived out of order; anything received twice is counted in `duplicates` and dropped (a sync after a
reconnect may overlap what arrived live; `live_duplicates` counts only messages pushed live twice).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import secrets
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from typing import Any
from urllib.parse import urlsplit

import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus
from websockets.typing import Origin
from wsframes import ConnectionDropped, FrameConnection, HandshakeRefused

# The server closes with these when retrying cannot help: not allowed, malformed frame, frame too large.
FINAL_CLOSE_CODES = frozenset({4403, 4400, 4413})
TOO_MANY_FRAMES = 4429
# As the page does (chat.js): a skipped number may be a message still on its way from another server, or one whose
# server died between storing and publishing it; if the gap is still there after this long, ask for it.
GAP_WAIT = 1.5

Connection = ClientConnection | FrameConnection
MessageHandler = Callable[["ChatClient", dict[str, Any], float, bool], None]


class ChatClosed(Exception):
    """The client stopped for good: closed by the caller, refused by the server, or out of addresses."""

    def __init__(self, reason: str, code: int | None = None) -> None:
        super().__init__(reason)
        self.code = code


def origin_for(url: str) -> str:
    """The Origin a browser on the same site would send: http(s)://host:port for ws(s)://host:port/…."""
    parts = urlsplit(url)
    scheme = "https" if parts.scheme == "wss" else "http"
    return f"{scheme}://{parts.netloc}"


def _backoff() -> Iterator[float]:
    return itertools.chain([0.0, 0.05, 0.1, 0.2, 0.5], itertools.repeat(1.0))


def new_client_id() -> str:
    return "c" + secrets.token_hex(8)


class SeqSet:
    """Message numbers, one byte each. A set of ints rehashes as it grows, and every client's set grows past the
    same size at the same message: in a room of 500 clients (1,000 sets) that rehash paused the measuring process
    for about 60 ms at message 1,229, which counted as delivery latency. A byte array grows by copying a few
    kilobytes instead."""

    __slots__ = ("_count", "_flags")

    def __init__(self, seqs: Iterable[int] = ()) -> None:
        self._flags = bytearray()
        self._count = 0
        for seq in seqs:
            self.add(seq)

    def add(self, seq: int) -> None:
        if seq < 0:
            raise ValueError(f"message numbers are not negative: {seq}")
        flags = self._flags
        if seq >= len(flags):
            flags.extend(bytes(max(seq + 1 - len(flags), len(flags))))
        if not flags[seq]:
            flags[seq] = 1
            self._count += 1

    def __contains__(self, seq: object) -> bool:
        return isinstance(seq, int) and 0 <= seq < len(self._flags) and self._flags[seq] == 1

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[int]:
        return (seq for seq, flag in enumerate(self._flags) if flag)

    def __ge__(self, other: AbstractSet[int]) -> bool:  # `expected <= seqs` lands here
        return all(seq in self for seq in other)

    def __rsub__(self, other: AbstractSet[int]) -> set[int]:  # `expected - seqs`: those not received
        return {seq for seq in other if seq not in self}

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SeqSet):
            return self._count == other._count and set(self) == set(other)
        if isinstance(other, AbstractSet):
            return self._count == len(other) and all(seq in self for seq in other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, like set

    def __repr__(self) -> str:
        return f"SeqSet({sorted(self)})"


class ChatClient:
    """One person's socket to one room, across reconnects.

    on_message(client, message, received_at, live) is called once per new message (not for duplicates), with
    time.monotonic() at receipt and whether it came live rather than from a sync. With keep_messages=False only
    the numbers are kept, which is what a benchmark with many clients wants.
    """

    def __init__(
        self,
        urls: Sequence[str],
        *,
        token: str,
        origin: str | None = None,
        on_message: MessageHandler | None = None,
        keep_messages: bool = True,
        compression: bool = True,
        heartbeat: float | None = 30.0,
        reconnect_for: float = 15.0,
        name: str = "",
        light: bool = False,
    ) -> None:
        if not urls:
            raise ValueError("ChatClient needs at least one address")
        self.urls = list(urls)
        self.url_index = 0
        self.token = token
        self.origin = origin
        self.on_message = on_message
        self.keep_messages = keep_messages
        self.compression = compression
        self.heartbeat = heartbeat
        self.reconnect_for = reconnect_for
        self.name = name
        self.light = light  # wsframes instead of the websockets library: far less CPU per message, no compression

        self.messages: dict[int, dict[str, Any]] = {}
        self.seqs = SeqSet()
        self.last_seq: int | None = None  # None until the first welcome: then the room's number at that moment
        self.duplicates = 0  # numbers received again, live or by a sync
        self.live_duplicates = 0  # numbers pushed live twice: the server sent one message twice
        self._live = SeqSet()
        self.connections = 0
        self.welcome: dict[str, Any] | None = None
        self._sync_target = 0  # the room's number in the latest welcome: a finished sync reaches at least this
        self.errors: list[dict[str, Any]] = []
        self.pending: dict[str, dict[str, Any]] = {}  # send frames not yet answered, by client_id
        self.answers: dict[str, asyncio.Future[dict[str, Any]]] = {}

        self._ws: Connection | None = None
        self._runner: asyncio.Task[None] | None = None
        self._ready: asyncio.Event = asyncio.Event()
        self._changed: asyncio.Event = asyncio.Event()
        self._synced: asyncio.Event = asyncio.Event()
        self._closing = False
        self._stopped: ChatClosed | None = None
        self._highest = 0  # the highest number received
        self._gap_timer: asyncio.TimerHandle | None = None
        self._gap_after = 0  # last_seq when the gap being waited for was seen
        self._skipped = SeqSet()  # numbers this member will not see (held, or by someone blocked)

    # --- Life cycle ---------------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return self.urls[self.url_index % len(self.urls)]

    async def start(self, timeout: float = 10.0) -> dict[str, Any]:
        """Connect, wait for the welcome and the first sync to finish; returns the welcome frame."""
        self._runner = asyncio.create_task(self._run(), name=f"chat-client-{self.name}")
        await self.wait_ready(timeout=timeout)
        assert self.welcome is not None
        return self.welcome

    async def wait_ready(self, timeout: float = 10.0) -> None:
        """Until connected, welcomed and synced (again, after a reconnect)."""
        deadline = time.monotonic() + timeout
        while not (self._ready.is_set() and self._synced.is_set()):
            self._raise_if_stopped()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{self.name or 'client'} not connected within {timeout}s")
            await self._wait_changed(remaining)
        self._raise_if_stopped()

    async def close(self) -> None:
        self._closing = True
        if self._gap_timer is not None:
            self._gap_timer.cancel()
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await self._ws.close()
        if self._runner is not None:
            self._runner.cancel()
            with contextlib.suppress(asyncio.CancelledError, ChatClosed):
                await self._runner
        self._stop(ChatClosed("closed"))

    async def reconnect(self, url_index: int | None = None) -> None:
        """Drop the connection now (as a lost network would) and connect again, to `urls[url_index]` if given."""
        if url_index is not None:
            self.url_index = url_index - 1  # _run moves to the next address after a drop
        if self._ws is not None:
            self._ready.clear()
            self._synced.clear()
            if self._ws.transport is not None:
                self._ws.transport.abort()

    @property
    def stopped(self) -> ChatClosed | None:
        return self._stopped

    def _stop(self, reason: ChatClosed) -> None:
        if self._stopped is None:
            self._stopped = reason
        for future in self.answers.values():
            if not future.done():
                future.set_exception(self._stopped)
                future.exception()  # retrieved: nobody may be waiting for this answer any more
        self._changed.set()

    def _raise_if_stopped(self) -> None:
        if self._stopped is not None:
            raise self._stopped

    async def _run(self) -> None:
        failing_since: float | None = None
        delays = _backoff()
        while not self._closing:
            connections = self.connections
            try:
                await self._connect_and_read()
            except ChatClosed as exc:
                self._stop(exc)
                return
            except (OSError, InvalidHandshake, TimeoutError, ConnectionClosed) as exc:
                refused = isinstance(exc, InvalidStatus) and exc.response.status_code == 403
                if refused or (isinstance(exc, HandshakeRefused) and exc.status == 403):
                    self._stop(ChatClosed(f"handshake refused by {self.url}", code=403))
                    return
            if self.connections > connections:  # it was connected: count failures again from now
                failing_since = None
                delays = _backoff()
            failing_since = failing_since or time.monotonic()
            self._ws = None
            self._ready.clear()
            self._synced.clear()
            self._changed.set()
            if time.monotonic() - failing_since > self.reconnect_for:
                self._stop(ChatClosed(f"no server answered for {self.reconnect_for}s"))
                return
            self.url_index += 1
            await asyncio.sleep(next(delays))

    async def _connect_and_read(self) -> None:
        if self.light:
            await self._connect_and_read_light()
            return
        url = self.url
        async with connect(
            url,
            origin=Origin(self.origin or origin_for(url)),
            additional_headers={"Authorization": f"Bearer {self.token}"},
            compression="deflate" if self.compression else None,
            proxy=None,
            open_timeout=10,
            max_queue=None,
        ) as ws:
            self._ws = ws
            self.connections += 1
            beat = asyncio.create_task(self._beat(ws)) if self.heartbeat else None
            try:
                async for raw in ws:
                    self._handle(raw, ws)
            except ConnectionClosed:
                pass  # the close code, below, says what to do next
            finally:
                if beat is not None:
                    beat.cancel()
            await self._after_close(url, ws.close_code)

    async def _connect_and_read_light(self) -> None:
        url = self.url
        headers = {"Origin": self.origin or origin_for(url), "Authorization": f"Bearer {self.token}"}
        ws = await FrameConnection.open(url, self._handle, headers=headers)
        self._ws = ws
        self.connections += 1
        beat = asyncio.create_task(self._beat(ws)) if self.heartbeat else None
        try:
            await ws.closed
        finally:
            if beat is not None:
                beat.cancel()
        await self._after_close(url, ws.close_code)

    async def _after_close(self, url: str, code: int | None) -> None:
        if code in FINAL_CLOSE_CODES:
            reason = self.errors[-1].get("detail", "") if self.errors else ""
            raise ChatClosed(f"closed by the server ({code}): {reason}", code=code)
        if code == TOO_MANY_FRAMES:
            await asyncio.sleep(2)
        if not self._closing:
            raise ConnectionError(f"connection to {url} closed ({code})")

    async def _beat(self, ws: Connection) -> None:
        assert self.heartbeat is not None
        while True:
            await asyncio.sleep(self.heartbeat)
            with contextlib.suppress(ConnectionClosed, ConnectionDropped):
                await ws.send('{"type":"ping"}')

    # --- Frames from the server -----------------------------------------------------------------------------

    def _handle(self, raw: str | bytes, ws: Connection) -> None:
        # orjson: a room of 500 clients parses 25,000 frames a second here, on the servers' cores.
        frame: dict[str, Any] = orjson.loads(raw)
        kind = frame.get("type")
        if kind == "message":  # most frames: straight to _take, the same steps _handle_frame would take
            self._take(frame["message"], time.monotonic(), live=True)
            self._changed.set()
        elif kind == "batch":  # frames that piled up on the server, in order
            for inner in frame["frames"]:
                self._handle_frame(inner, ws)
        else:
            self._handle_frame(frame, ws)

    def _handle_frame(self, frame: dict[str, Any], ws: Connection) -> None:
        now = time.monotonic()
        kind = frame.get("type")
        if kind == "message":
            self._take(frame["message"], now, live=True)
        elif kind == "skip":
            self._skipped.add(int(frame["seq"]))
            self._advance(int(frame["seq"]), live=True)
        elif kind == "history":
            for message in frame["messages"]:
                self._take(message, now, live=False)
            if not frame["more"]:
                highest = max((m["seq"] for m in frame["messages"]), default=0)
                # Everything up to here that this person may see has now arrived.
                self.last_seq = max(self.last_seq or 0, highest, self._sync_target)
                self._synced.set()
        elif kind == "welcome":
            self.welcome = frame
            if self.last_seq is None:
                self.last_seq = int(frame["last_seq"])
            self._sync_target = int(frame["last_seq"])
            asyncio.get_running_loop().create_task(self._after_welcome(ws))
            self._ready.set()
        elif kind in ("ack", "nudge", "error"):
            client_id = frame.get("client_id")
            if kind == "error":
                self.errors.append(frame)
            if isinstance(client_id, str) and client_id in self.pending:
                del self.pending[client_id]
                future = self.answers.pop(client_id, None)
                if future is not None and not future.done():
                    future.set_result(frame)
        self._changed.set()

    async def _after_welcome(self, ws: Connection) -> None:
        """Ask for what was missed, then re-send what was never answered (the server stores a client_id once)."""
        with contextlib.suppress(ConnectionClosed, ConnectionDropped):
            await ws.send(json.dumps({"type": "sync", "after": self.last_seq or 0}))
            for frame in list(self.pending.values()):
                await ws.send(json.dumps(frame))

    def _take(self, message: dict[str, Any], received_at: float, *, live: bool) -> None:
        seq = int(message["seq"])
        if live:
            if seq in self._live:
                self.live_duplicates += 1
            self._live.add(seq)
        if seq in self.seqs:
            self.duplicates += 1
            return
        self.seqs.add(seq)
        if self.keep_messages:
            self.messages[seq] = message
        self._advance(seq, live=live)
        if self.on_message is not None:
            self.on_message(self, message, received_at, live)

    def _advance(self, seq: int, *, live: bool) -> None:
        """`seq` arrived (or was skipped): move last_seq over numbers with no gap below them."""
        if self.last_seq is not None and seq == self.last_seq + 1:
            last = seq
            while last + 1 in self.seqs or last + 1 in self._skipped:
                last += 1
            self.last_seq = last
        self._highest = max(self._highest, seq)
        if live and self._gap_timer is None and self.last_seq is not None and self._highest > self.last_seq:
            self._wait_for_gap()

    def _wait_for_gap(self) -> None:
        self._gap_after = self.last_seq or 0
        self._gap_timer = asyncio.get_running_loop().call_later(GAP_WAIT, self._sync_gap)

    def _sync_gap(self) -> None:
        """Ask for a gap only if the one first seen is still there. In a busy room served by two processes some
        message is nearly always a little late, so "is there a gap now?" would be true at almost every check."""
        self._gap_timer = None
        ws = self._ws
        if ws is None or self.last_seq is None or self._highest <= self.last_seq:
            return
        if self.last_seq > self._gap_after:  # that gap filled; a later one gets a wait of its own
            self._wait_for_gap()
            return
        asyncio.get_running_loop().create_task(self._send_quietly(ws, {"type": "sync", "after": self.last_seq}))

    @staticmethod
    async def _send_quietly(ws: Connection, frame: dict[str, Any]) -> None:
        with contextlib.suppress(ConnectionClosed, ConnectionDropped):
            await ws.send(json.dumps(frame))

    # --- Sending -------------------------------------------------------------------------------------------

    async def send(
        self, body: str, *, client_id: str | None = None, wait: bool = True, timeout: float = 10.0, **extra: Any
    ) -> dict[str, Any]:
        """Send a message. With wait, returns the server's answer (ack, nudge or error); else the frame sent.
        If the connection is down the frame waits in `pending` and goes out after the next welcome."""
        self._raise_if_stopped()
        client_id = client_id or new_client_id()
        frame = {"type": "send", "client_id": client_id, "body": body, **extra}
        self.pending[client_id] = frame
        future = self.answers.get(client_id)
        if future is None or future.done():
            future = asyncio.get_running_loop().create_future()
            self.answers[client_id] = future
        ws = self._ws
        if ws is not None and self._ready.is_set():
            with contextlib.suppress(ConnectionClosed, ConnectionDropped):
                await ws.send(json.dumps(frame))
        if not wait:
            return frame
        return await asyncio.wait_for(asyncio.shield(future), timeout)

    async def send_raw(self, frame: dict[str, Any]) -> None:
        if self._ws is None:
            raise ConnectionError("not connected")
        await self._ws.send(json.dumps(frame))

    # --- Waiting -------------------------------------------------------------------------------------------

    async def _wait_changed(self, timeout: float) -> None:
        self._changed.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), timeout)

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 10.0, what: str = "condition") -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            self._raise_if_stopped()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{self.name or 'client'}: {what} not met within {timeout}s")
            await self._wait_changed(remaining)

    async def wait_for_seq(self, seq: int, timeout: float = 10.0) -> None:
        await self.wait_until(lambda: seq in self.seqs, timeout, what=f"message {seq}")

    async def wait_for_last_seq(self, seq: int, timeout: float = 10.0) -> None:
        await self.wait_until(
            lambda: self.last_seq is not None and self.last_seq >= seq, timeout, what=f"everything up to {seq}"
        )
