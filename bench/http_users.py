"""The load-test members of bench/http_load.py: locust users, run in a process of their own.

    python bench/http_users.py SPEC.json

Locust patches the standard library for gevent as soon as it is imported, so it is imported only here, in this
process: never in the process that prepares the data, nor in the servers, nor in the tests. SPEC (written by
http_load.py) names the server, the pages and the members' sessions; every request is written to SPEC's "out"
file as one JSON line: [seconds since the start, endpoint, client ms, server ms or -1, status, error].
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections.abc import Callable
from http.cookiejar import Cookie
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import gevent  # type: ignore[import-untyped]
from locust import FastHttpUser, constant, events
from locust.env import Environment

# Replies: ordinary supportive messages, a few sentences each, put together at random so each is different.
REPLY_SENTENCES = (
    "Thank you for sharing this, it takes courage to put it into words.",
    "I had a very similar week and it helped me to write things down before bed.",
    "Going for a short walk in the morning has made a real difference for me lately.",
    "You are not alone in this, a lot of us have been there.",
    "My therapist suggested breaking the day into small pieces and it does help a little.",
    "I hope tomorrow is gentler on you.",
    "Have you been able to talk to anyone close to you about how you feel?",
    "Cooking something simple was the only thing that got me through the weekend.",
    "It's okay to take things slowly, there is no deadline for feeling better.",
    "Sending you a hug from a rainy afternoon here.",
    "The breathing exercise from the guide helped me when my chest felt tight.",
    "I found the group session on Thursdays really calming, maybe give it a try.",
    "Some days are just heavy, and getting through them is enough.",
    "My sleep got better once I stopped looking at my phone in bed.",
    "Please be kind to yourself, you're doing more than you think.",
)
REACTION_KINDS = ("hug", "me_too", "thinking_of_you", "helpful")


def reply_text(rng: random.Random) -> str:
    return " ".join(rng.sample(REPLY_SENTENCES, rng.randint(2, 5)))


def cookie(name: str, value: str, host: str) -> Cookie:
    return Cookie(
        version=0,
        name=name,
        value=value,
        port=None,
        port_specified=False,
        domain=host,
        domain_specified=False,
        domain_initial_dot=False,
        path="/",
        path_specified=True,
        secure=False,
        expires=None,
        discard=True,
        comment=None,
        comment_url=None,
        rest={},
    )


def server_ms(headers: Any) -> float:
    """The app's own time from `Server-Timing: app;dur=12.34`, or -1 when the server does not send it."""
    value = headers.get("Server-Timing") if headers else None
    if not value:
        return -1.0
    for part in str(value).split(";"):
        if part.strip().startswith("dur="):
            return float(part.strip()[4:])
    return -1.0


def make_user_class(spec: dict[str, Any]) -> type[FastHttpUser]:
    members = list(spec["members"])
    paths: dict[str, list[str]] = spec["paths"]
    reply_threads: list[int] = spec["reply_threads"]
    react_posts: list[int] = spec["react_posts"]
    host = urlparse(spec["base_url"]).hostname or "127.0.0.1"
    rng = random.Random(spec.get("seed", 1))

    def read(endpoint: str) -> Callable[[Any], None]:
        def task(user: Any) -> None:
            path = rng.choice(paths[endpoint])
            with user.client.get(path, name=endpoint, catch_response=True, allow_redirects=False) as response:
                if response.status_code != 200:
                    response.failure(f"status {response.status_code}")

        task.__name__ = endpoint
        return task

    def reply(user: Any) -> None:
        thread_id = rng.choice(reply_threads)
        data = {"body": reply_text(rng), "csrfmiddlewaretoken": user.csrf}
        path = f"/threads/{thread_id}/reply/"
        with user.client.post(
            path, data=data, name="reply", headers=user.form_headers, catch_response=True, allow_redirects=False
        ) as response:
            # A reply that is published or held answers with a redirect to it; anything else is an error here.
            if response.status_code != 302:
                response.failure(f"status {response.status_code}")

    def react(user: Any) -> None:
        post_id = rng.choice(react_posts)
        data = {"kind": rng.choice(REACTION_KINDS), "csrfmiddlewaretoken": user.csrf}
        # As the page's script sends it (htmx): the answer is the post's reactions, read again.
        headers = {**user.form_headers, "HX-Request": "true"}
        with user.client.post(
            f"/posts/{post_id}/react/", data=data, name="react", headers=headers, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")

    writers = {"reply": reply, "react": react}
    tasks = {
        (writers[name] if name in writers else read(name)): weight
        for name, weight in spec["weights"].items()
        if weight > 0
    }

    class Member(FastHttpUser):
        wait_time = constant(0)
        # One connection per user, kept open, as a browser keeps one to a site.
        concurrency = 1

        def on_start(self) -> None:
            member = members.pop() if members else rng.choice(spec["members"])
            self.csrf = member["csrf"]
            jar = self.client.cookiejar
            jar.set_cookie(cookie("sessionid", member["session"], host))
            jar.set_cookie(cookie("csrftoken", member["csrf"], host))
            self.form_headers = {
                "Origin": spec["base_url"],
                "Sec-Fetch-Site": "same-origin",
                "Content-Type": "application/x-www-form-urlencoded",
            }

    # Locust weighs a class's tasks when the class is made; given afterwards, each task appears `weight` times.
    Member.tasks = [task for task, weight in tasks.items() for _ in range(weight)]
    Member.host = spec["base_url"]
    return Member


def main(spec_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text())
    started = time.time()
    samples: list[list[Any]] = []

    def on_request(name: str, response_time: float, response: Any, exception: Any, start_time: float, **_: Any) -> None:
        status = getattr(response, "status_code", 0) or 0
        headers = getattr(response, "headers", None)
        error = "" if exception is None else str(exception)[:200]
        samples.append(
            [round(start_time - started, 4), name, round(response_time, 3), server_ms(headers), status, error]
        )

    events.request.add_listener(on_request)  # type: ignore[no-untyped-call]
    env = Environment(user_classes=[make_user_class(spec)], events=events)
    runner = env.create_local_runner()
    runner.start(spec["users"], spawn_rate=spec["spawn_rate"])
    gevent.sleep(spec["run_seconds"])
    runner.quit()
    with Path(spec["out"]).open("w") as out:
        for sample in samples:
            out.write(json.dumps(sample) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
