"""The chat socket end to end: who may join, delivery, retries, reconnects, blocks, safety, bad frames, limits."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from hearth.accounts.blocks import block_member
from hearth.chat.models import Message, Participant, ParticipantRole, Room, RoomKind
from hearth.chat.services import lobby_for
from hearth.chat.tests.helpers import client_id, connect, run
from hearth.forums.models import ContentStatus
from hearth.moderation.models import QueueItem

pytestmark = pytest.mark.django_db(transaction=True)

CRISIS = "I can't do this anymore. I'm going to kill myself tonight, I've already written goodbye letters."
THREAT = "I know where you live and I will hurt you, you worthless freak."
OWN_PHONE = "If anyone wants to talk, text me, my number is 07700 900123."


@pytest.fixture
def lobby(community):
    return lobby_for(community)


class TestWhoMayJoin:
    def test_members_join_and_are_welcomed(self, member, lobby):
        async def scenario():
            socket = await connect(member, lobby, welcome=False)
            frame = await socket.receive()
            await socket.close()
            return frame

        frame = run(scenario)
        assert frame == {"type": "welcome", "room": lobby.id, "last_seq": 0, "you": member.username, "moderator": False}

    def test_people_outside_the_community_are_refused(self, outsider, lobby):
        async def scenario():
            socket = await connect(outsider, lobby, welcome=False)
            frame = await socket.receive()
            closed = await socket.communicator.receive_output()
            return frame, closed

        frame, closed = run(scenario)
        assert frame["code"] == "forbidden"
        assert closed == {"type": "websocket.close", "code": 4403}

    def test_visitors_who_are_not_signed_in_are_refused(self, lobby):
        async def scenario():
            socket = await connect(None, lobby, welcome=False)
            return await socket.receive()

        assert run(scenario)["code"] == "forbidden"

    def test_a_page_on_another_site_cannot_open_a_socket_with_the_members_cookie(self, member, lobby):
        async def scenario():
            from config.asgi import application

            communicator = WebsocketCommunicator(
                application, f"/ws/chat/{lobby.id}/", headers=[(b"origin", b"https://evil.example")]
            )
            connected, _ = await communicator.connect()
            return connected

        assert run(scenario) is False

    def test_a_support_chat_is_for_its_two_people_only_not_even_admins(
        self, member, other_member, admin_user, global_moderator
    ):
        room = Room.objects.create(kind=RoomKind.SUPPORT, title="Support chat")
        Participant.objects.create(room=room, user=member, role=ParticipantRole.MEMBER)
        Participant.objects.create(room=room, user=other_member, role=ParticipantRole.LISTENER)

        async def scenario():
            codes = []
            for person in (admin_user, global_moderator):
                socket = await connect(person, room, welcome=False)
                codes.append((await socket.receive())["code"])
            socket = await connect(member, room)
            await socket.close()
            return codes

        assert run(scenario) == ["forbidden", "forbidden"]


class TestDelivery:
    def test_a_message_is_stored_then_reaches_everyone_in_the_room(self, member, other_member, lobby):
        async def scenario():
            alice, bob = await connect(member, lobby), await connect(other_member, lobby)
            ack = await alice.say("Hello everyone, **first** time here.")
            to_bob = await bob.receive_type("message")
            to_alice = await alice.receive_type("message")
            await alice.close()
            await bob.close()
            return ack, to_bob, to_alice

        ack, to_bob, to_alice = run(scenario)
        assert ack["type"] == "ack" and ack["seq"] == 1 and ack["status"] == "published"
        assert to_bob["message"]["author"] == member.username
        assert to_bob["message"]["body_html"].strip() == "<p>Hello everyone, <strong>first</strong> time here.</p>"
        assert to_bob["message"]["mine"] is False
        assert to_alice["message"]["mine"] is True
        assert "author_id" not in json.dumps(to_bob)
        stored = Message.objects.get()
        assert (stored.seq, stored.author_id) == (1, member.id)

    def test_a_retried_send_is_stored_once_and_delivered_once(self, member, other_member, lobby):
        async def scenario():
            alice, bob = await connect(member, lobby), await connect(other_member, lobby)
            same = client_id()
            first = await alice.say("Is anyone around tonight?", client_id=same)
            second = await alice.say("Is anyone around tonight?", client_id=same)
            await bob.receive_type("message")
            quiet = await bob.nothing_more()
            await alice.close()
            await bob.close()
            return first, second, quiet

        first, second, quiet = run(scenario)
        assert first["seq"] == second["seq"] == 1
        assert (first["duplicate"], second["duplicate"]) == (False, True)
        assert quiet
        assert Message.objects.count() == 1

    def test_events_that_pile_up_for_a_socket_arrive_in_one_batch_in_order(
        self, member, other_member, moderator, lobby
    ):
        from channels.layers import get_channel_layer

        from hearth.chat import events
        from hearth.chat.hub import hub_for

        def stored(seq, author, status=ContentStatus.PUBLISHED):
            return Message.objects.create(
                room=lobby,
                seq=seq,
                author=author,
                client_id=client_id(),
                body="Hi",
                body_html="<p>Hi</p>",
                status=status,
            )

        messages = [
            stored(1, member),
            stored(2, moderator),
            stored(3, moderator, ContentStatus.HELD),
            stored(4, member),
        ]
        piled = [events._message_event(m, "chat.message", new=True) for m in messages]

        async def scenario():
            bob = await connect(other_member, lobby)
            await bob.nothing_more()
            (subscriber,) = hub_for(get_channel_layer()).rooms[lobby.id]
            for event in piled:  # all queued before the socket's writer runs: as when the server falls behind
                subscriber.deliver(event)
            frame = await bob.communicator.receive_json_from(timeout=3)
            quiet = await bob.nothing_more()
            await bob.close()
            return frame, quiet

        frame, quiet = run(scenario)
        assert frame["type"] == "batch"
        # In order, each as its own frame would be; of the held message this member gets only its number.
        assert [(f["type"], f.get("message", f)["seq"]) for f in frame["frames"]] == [
            ("message", 1),
            ("message", 2),
            ("skip", 3),
            ("message", 4),
        ]
        assert frame["frames"][2] == {"type": "skip", "seq": 3}
        assert all(f["message"]["mine"] is False for f in frame["frames"] if f["type"] == "message")
        assert quiet

    def test_a_client_that_reconnects_gets_exactly_what_it_missed_in_order(self, member, other_member, lobby):
        async def scenario():
            alice, bob = await connect(member, lobby), await connect(other_member, lobby)
            await alice.say("one")
            seen = (await bob.receive_type("message"))["message"]["seq"]
            await bob.close()
            for text in ("two", "three", "four"):
                await alice.say(text)
            bob = await connect(other_member, lobby)
            await bob.send({"type": "sync", "after": seen})
            history = await bob.receive_type("history")
            await alice.close()
            await bob.close()
            return seen, history

        seen, history = run(scenario)
        assert seen == 1
        assert [m["seq"] for m in history["messages"]] == [2, 3, 4]
        assert [m["body_html"].strip() for m in history["messages"]] == ["<p>two</p>", "<p>three</p>", "<p>four</p>"]
        assert history["more"] is False

    def test_replies_and_reactions_reach_the_room(self, member, other_member, lobby):
        async def scenario():
            alice, bob = await connect(member, lobby), await connect(other_member, lobby)
            await alice.say("Rough day.")
            await alice.receive_type("message")
            await bob.receive_type("message")
            reply_ack = await bob.say("Sending you strength.", reply_to=1)
            await bob.receive_type("message")  # his own, as everyone sees it
            reply = (await alice.receive_type("message"))["message"]
            await bob.send({"type": "react", "seq": 1, "kind": "hug"})
            # The answer to bob and the room's update may come in either order.
            frames = {}
            while {"reacted", "reactions"} - set(frames):
                frame = await bob.receive()
                frames[frame["type"]] = frame
            reacted = frames["reacted"]
            seen_by_alice = await alice.receive_type("reactions")
            await alice.close()
            await bob.close()
            return reply_ack, reply, reacted, seen_by_alice

        reply_ack, reply, reacted, seen_by_alice = run(scenario)
        assert reply_ack["seq"] == 2
        assert reply["reply_to"] == {"seq": 1, "author": member.username, "excerpt": "Rough day."}
        assert reacted == {"type": "reacted", "seq": 1, "kind": "hug", "added": True}
        assert seen_by_alice["counts"] == {"hug": 1}
        assert "yours" not in seen_by_alice

    def test_typing_and_presence_show_pseudonyms_only(self, member, other_member, lobby):
        async def scenario():
            alice, bob = await connect(member, lobby), await connect(other_member, lobby)
            await bob.send({"type": "typing"})
            typing = await alice.receive_type("typing")
            presence = await alice.receive_type("presence")
            await alice.close()
            await bob.close()
            return typing, presence

        typing, presence = run(scenario)
        assert typing == {"type": "typing", "name": other_member.username}
        assert sorted(presence["people"]) == sorted([member.username, other_member.username])
        assert presence["count"] == 2


class TestBlocks:
    def test_a_blocked_persons_messages_do_not_reach_the_blocker(self, member, other_member, moderator, lobby):
        block_member(member, other_member)

        async def scenario():
            alice = await connect(member, lobby)
            bob, carol = await connect(other_member, lobby), await connect(moderator, lobby)
            await bob.say("hello from bob")
            carol_got = await carol.receive_type("message")
            alice_got = await alice.receive_type("skip")
            alice_quiet = await alice.nothing_more()
            await alice.send({"type": "sync", "after": 0})
            history = await alice.receive_type("history")
            await bob.send({"type": "react", "seq": 1, "kind": "hug"})
            await bob.receive_type("message")  # bob sees his own message first
            await carol.say("hello from carol")
            for socket in (alice, bob, carol):
                await socket.close()
            return carol_got, alice_got, alice_quiet, history

        carol_got, alice_got, alice_quiet, history = run(scenario)
        assert carol_got["message"]["author"] == other_member.username
        assert alice_got == {"type": "skip", "seq": 1}  # only the number, so her page does not wait for it
        assert alice_quiet
        assert history["messages"] == []

    def test_blocking_during_a_chat_takes_effect_at_once(self, member, other_member, lobby):
        async def scenario():
            alice, bob = await connect(member, lobby), await connect(other_member, lobby)
            await sync_to_async(block_member)(member, other_member)
            await alice.nothing_more()  # the block event is handled
            await bob.say("are you there?")
            got = await alice.receive_type("skip")
            quiet = await alice.nothing_more()
            await alice.close()
            await bob.close()
            return got, quiet

        got, quiet = run(scenario)
        assert got == {"type": "skip", "seq": 1}  # the number only: not the message, nor who wrote it
        assert quiet

    def test_a_blocked_person_cannot_reply_to_the_blocker(self, member, other_member, lobby):
        async def scenario():
            alice, bob = await connect(member, lobby), await connect(other_member, lobby)
            await alice.say("my message")
            await sync_to_async(block_member)(member, other_member)
            answer = await bob.say("a reply", reply_to=1)
            await alice.close()
            await bob.close()
            return answer

        answer = run(scenario)
        assert answer["type"] == "error" and answer["code"] == "forbidden"


class TestSafety:
    def test_someone_at_risk_sees_help_at_once_and_the_rooms_moderators_are_alerted(
        self, member, other_member, moderator, lobby
    ):
        async def scenario():
            alice, bob, mod = [await connect(p, lobby) for p in (member, other_member, moderator)]
            ack = await alice.say(CRISIS)
            alert = await mod.receive_type("message"), await mod.receive_type("alert")
            mine = await alice.receive_type("message")
            bob_quiet = await bob.nothing_more()
            for socket in (alice, bob, mod):
                await socket.close()
            return ack, alert, mine, bob_quiet

        ack, (held_for_mod, alert), mine, bob_quiet = run(scenario)
        assert ack["status"] == "held"
        assert "You don't have to face it alone" in ack["help_html"]
        assert "safety-plan" in ack["help_html"]
        assert held_for_mod["message"]["status"] == "held"
        assert alert["risk"] in ("high", "imminent")
        item = QueueItem.objects.get()
        assert alert["queue_url"] == f"/moderation/items/{item.id}/"
        assert mine["message"]["status"] == "held"
        assert bob_quiet, "a held message reaches nobody but its author and the moderators"

    def test_threats_are_held_for_a_moderator(self, member, other_member, lobby):
        async def scenario():
            alice, bob = await connect(member, lobby), await connect(other_member, lobby)
            await bob.say("hi")
            await bob.receive_type("message")
            await alice.receive_type("message")
            ack = await alice.say(THREAT, reply_to=1)
            quiet = await bob.nothing_more()
            await alice.close()
            await bob.close()
            return ack, quiet

        ack, quiet = run(scenario)
        assert ack["status"] == "held"
        assert quiet
        assert Message.objects.get(seq=2).status == ContentStatus.HELD

    def test_own_personal_details_are_put_back_with_one_click_redaction(self, member, lobby):
        async def scenario():
            alice = await connect(member, lobby)
            nudge = await alice.say(OWN_PHONE, client_id="phone-message-1")
            redacted = await alice.say(OWN_PHONE, client_id="phone-message-1", redact=True)
            await alice.close()
            return nudge, redacted

        nudge, redacted = run(scenario)
        assert nudge["type"] == "nudge" and "own_details" in nudge["nudges"]
        assert "07700" not in nudge["redacted_text"]
        assert redacted["type"] == "ack"
        assert "07700" not in Message.objects.get().body


class TestBadInput:
    def test_malformed_frames_close_that_socket_only(self, member, other_member, lobby):
        async def scenario():
            alice, bob = await connect(member, lobby), await connect(other_member, lobby)
            await alice.communicator.send_to(text_data="{not json")
            error = await alice.receive_type("error")
            closed = await alice.communicator.receive_output()
            ack = await bob.say("still here")
            await bob.close()
            return error, closed, ack

        error, closed, ack = run(scenario)
        assert error["code"] == "bad_frame"
        assert closed == {"type": "websocket.close", "code": 4400}
        assert ack["type"] == "ack"

    @pytest.mark.parametrize(
        "frame",
        [
            "[]",
            '{"no": "type"}',
            '{"type": 5}',
        ],
    )
    def test_frames_that_are_not_typed_objects_close_the_socket(self, member, lobby, frame):
        async def scenario():
            alice = await connect(member, lobby)
            await alice.communicator.send_to(text_data=frame)
            await alice.receive_type("error")
            return await alice.communicator.receive_output()

        assert run(scenario)["code"] == 4400

    def test_oversized_frames_close_the_socket(self, member, lobby):
        async def scenario():
            alice = await connect(member, lobby)
            await alice.communicator.send_to(text_data=json.dumps({"type": "send", "body": "x" * 20_000}))
            await alice.receive_type("error")
            return await alice.communicator.receive_output()

        assert run(scenario)["code"] == 4413

    @pytest.mark.parametrize(
        ("frame", "code"),
        [
            ({"type": "send", "client_id": "short", "body": "hi"}, "bad_client_id"),
            ({"type": "send", "client_id": "abcdefgh-1", "body": "   "}, "body_empty"),
            ({"type": "send", "client_id": "abcdefgh-2", "body": "y" * 4001}, "body_too_long"),
            ({"type": "send", "client_id": "abcdefgh-3", "body": "hi", "reply_to": 99}, "reply_not_found"),
            ({"type": "send", "client_id": 7, "body": "hi"}, "bad_frame"),
            ({"type": "send", "client_id": "abcdefgh-4", "body": "hi", "reply_to": "1"}, "bad_frame"),
            ({"type": "react", "seq": 99, "kind": "hug"}, "not_found"),
            ({"type": "sync", "after": "x"}, "bad_frame"),
            ({"type": "dance"}, "unknown_type"),
        ],
    )
    def test_invalid_requests_get_a_clear_error_and_the_socket_stays_open(self, member, lobby, frame, code):
        async def scenario():
            alice = await connect(member, lobby)
            await alice.send(frame)
            error = await alice.receive_type("error")
            ack = await alice.say("still fine")
            await alice.close()
            return error, ack

        error, ack = run(scenario)
        assert error["code"] == code
        assert error["detail"]
        assert ack["type"] == "ack"

    def test_sending_too_fast_gets_a_rate_limit_error_with_the_wait(self, member, lobby, settings):
        settings.HEARTH_API_RATE_LIMITS = {"chat": (2, 60)}

        async def scenario():
            alice = await connect(member, lobby)
            answers = [await alice.say(f"message {n}") for n in range(3)]
            await alice.close()
            return answers

        answers = run(scenario)
        assert [a["type"] for a in answers] == ["ack", "ack", "error"]
        assert answers[2]["code"] == "rate_limited" and answers[2]["retry_after"] > 0

    def test_a_muted_member_cannot_send(self, member, moderator, lobby, community):
        from hearth.moderation.sanctions import sanction_member

        sanction_member(moderator, member, kind="mute", reason="Cooling off.", community=community, days=1)

        async def scenario():
            alice = await connect(member, lobby)
            answer = await alice.say("hello?")
            await alice.close()
            return answer

        answer = run(scenario)
        assert answer["code"] == "forbidden" and "paused" in answer["detail"]


class TestCalls:
    @pytest.fixture
    def support_room(self, member, other_member):
        room = Room.objects.create(kind=RoomKind.SUPPORT, title="Support chat")
        Participant.objects.create(room=room, user=member, role=ParticipantRole.MEMBER)
        Participant.objects.create(room=room, user=other_member, role=ParticipantRole.LISTENER)
        return room

    def test_signals_reach_only_the_peer_they_are_for_with_opaque_ids(self, member, other_member, support_room):
        async def scenario():
            alice, bob = await connect(member, support_room), await connect(other_member, support_room)
            await alice.send({"type": "call", "action": "join"})
            joined = await bob.receive_type("call")
            await bob.send({"type": "call", "action": "join"})
            await alice.receive_type("call")
            offer = {"type": "offer", "sdp": "v=0 fake offer"}
            await bob.send({"type": "call", "action": "offer", "to": joined["peer"], "data": offer})
            got = await alice.receive_type("call")
            await bob.send({"type": "call", "action": "answer", "to": "not-a-peer", "data": offer | {"type": "answer"}})
            missing = await bob.receive_type("error")
            await alice.close()
            left = await bob.receive_type("call")
            await bob.close()
            return joined, got, missing, left

        joined, got, missing, left = run(scenario)
        assert joined["action"] == "join" and joined["name"] == member.username
        assert len(joined["peer"]) == 16 and "user" not in json.dumps(joined) and "channel" not in json.dumps(joined)
        assert got["action"] == "offer" and got["data"] == {"type": "offer", "sdp": "v=0 fake offer"}
        assert missing["code"] == "not_in_call"
        assert left["action"] == "leave", "closing the socket leaves the call"

    def test_there_are_no_calls_in_a_community_lobby(self, member, lobby):
        async def scenario():
            alice = await connect(member, lobby)
            await alice.send({"type": "call", "action": "join"})
            error = await alice.receive_type("error")
            await alice.close()
            return error

        assert run(scenario)["code"] == "no_calls"

    def test_a_blocked_person_never_hears_of_the_blockers_call(self, member, other_member, support_room):
        block_member(member, other_member)

        async def scenario():
            alice, bob = await connect(member, support_room), await connect(other_member, support_room)
            await bob.send({"type": "call", "action": "join"})
            quiet = await alice.nothing_more()
            await alice.close()
            await bob.close()
            return quiet

        assert run(scenario)

    @pytest.mark.parametrize(
        "frame",
        [
            {"type": "call", "action": "offer", "to": "x", "data": "sdp"},
            {"type": "call", "action": "offer", "to": "x", "data": {"type": "answer", "sdp": "v=0"}},
            {"type": "call", "action": "offer", "to": "x", "data": {"type": "offer", "sdp": 5}},
        ],
    )
    def test_malformed_signals_get_an_error(self, member, support_room, frame):
        async def scenario():
            alice = await connect(member, support_room)
            await alice.send(frame)
            error = await alice.receive_type("error")
            await alice.close()
            return error

        assert run(scenario)["code"] == "bad_frame"


class TestNotifications:
    def test_urgent_notifications_reach_every_open_page_at_once(self, member, moderator):
        from config.asgi import application
        from hearth.chat.tests.helpers import ORIGIN, session_cookie
        from hearth.notifications.services import notify

        async def scenario():
            cookie = await sync_to_async(session_cookie)(moderator)
            headers = [(b"origin", ORIGIN), (b"cookie", f"sessionid={cookie}".encode())]
            socket = WebsocketCommunicator(application, "/ws/notifications/", headers=headers)
            assert (await socket.connect())[0]
            await sync_to_async(notify)(moderator, kind="oncall_primary", title="Urgent: high risk", url="/moderation/")
            frame = await socket.receive_json_from(timeout=3)
            await socket.disconnect()
            anonymous = WebsocketCommunicator(application, "/ws/notifications/", headers=[(b"origin", ORIGIN)])
            refused = await anonymous.connect()
            return frame, refused

        frame, refused = run(scenario)
        assert frame == {"type": "notification", "unread": 1, "title": "Urgent: high risk", "url": "/moderation/",
                         "urgent": True}  # fmt: skip
        assert refused[0] is False
