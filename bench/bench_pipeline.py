"""Time the whole safety analysis of one post on one CPU core.

Runs hearth.safety.pipeline.analyze(text, context) when it imports, else each analyzer that exists in turn, over
synthetic ~1,000-character peer-support posts (written for this benchmark; no dataset text). Prints the median and
p99 time per post against the targets and ends with one JSON line.

    .venv/bin/python bench/bench_pipeline.py [--runs 500] [--warmup 50] [--seed 7]
"""

from __future__ import annotations

import os

# Before anything imports numpy, torch or a tokenizer: one thread each, so the figures mean "one core".
for _name in (
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "BLIS_NUM_THREADS",
    "RAYON_NUM_THREADS",
    "ONNXRUNTIME_INTRA_OP_NUM_THREADS",
):
    os.environ[_name] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")

import argparse  # noqa: E402
import importlib  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

TARGET_P50_MS = 20.0
TARGET_P99_MS = 60.0
POST_LENGTH = 1000

OPENINGS = [
    "Long time lurker, first post.",
    "Not sure this is the right place, but here goes.",
    "Checking in after a rough week.",
    "Small win to share today!",
    "Can I ask something that has been bugging me?",
    "Update on my last thread, for anyone who asked.",
    "Evening all.",
    "I need to get this off my chest.",
    "Thank you to everyone who replied yesterday.",
    "Trigger warning: talk of low mood and some dark thoughts.",
]

SENTENCES = [
    # everyday life and coping
    "I managed a twenty minute walk by the canal and the cold air actually helped.",
    "Work has been relentless and by the time I get home I have nothing left for anyone.",
    "My sister came round with soup and we watched an old film, which was nice.",
    "I keep a little notebook by the bed now and write three things that went okay each night.",
    "Sleep is still all over the place, I wake at four and my brain starts listing everything I got wrong.",
    "The breathing exercise from the group last week is weirdly good, four in, hold, six out.",
    "I cancelled on my friends again and now I feel guilty about cancelling.",
    "Cooking a proper meal felt like climbing a mountain but I did it.",
    "My cat has decided my chest is the only acceptable place to sleep.",
    "Rain all day here, so I did a jigsaw and tried not to doomscroll.",
    # treatment and medication, said safely
    "I've been on sertraline for about eight months and my GP thinks we can start to taper in the spring.",
    "My psychiatrist upped my dose and the first fortnight was rough, but it's settling.",
    "Therapy this week was hard, we talked about my dad and I cried in the car afterwards.",
    "Is it normal to feel a bit flat on antidepressants, or should I mention it at my review?",
    "The waiting list for talking therapies is eleven weeks, so I'm using the self-help course until then.",
    "I stopped my meds once without telling anyone and the withdrawal was awful, so this time my doctor is helping.",
    # harder moments
    "Some nights I wish I could just not wake up, though I don't have any plan and I'm safe.",
    "I feel like a burden to everyone and I hate that thought.",
    "Last year I was in a really dark place and I'm scared of going back there.",
    "Honestly I don't see the point some days, everything feels grey and far away.",
    "I called the crisis line on Sunday and the person was kind, it helped me get through the night.",
    "My mood has been sliding and I've started skipping meals again.",
    # replying to others
    "You're not weak for struggling, you're tired from being strong for so long.",
    "Have you been able to talk to your GP about how you're feeling?",
    "Sending you a hug, I know exactly that feeling of being on the outside of everything.",
    "It sounds like you're carrying a lot right now, what's been the hardest part?",
    "Please be gentle with yourself this week, you've been through a lot.",
    "When I felt like that, writing it down before bed helped a bit, maybe worth a try?",
    # things the analyzers should notice
    "Honestly, just stop taking them, nobody needs antidepressants.",
    "You don't need therapy, just go running every morning.",
    "If anyone wants to chat, my number is 07700 900123 or email me at robin.example@example.org.",
    "I'm the only nurse on the night shift at the hospice on Mill Lane, so people would know me.",
    "Whoever wrote that last reply is a complete idiot and should shut up.",
    "Stop being so dramatic, everyone has problems.",
    "Drink lots of water so you don't feel hungry, it works for me.",
]

CLOSINGS = [
    "Thanks for reading if you got this far.",
    "Anyway, that's me. Hope everyone is okay.",
    "Any advice welcome, or just a kind word.",
    "Going to make a cup of tea now.",
    "Take care of yourselves x",
    "Will update next week.",
]


def make_posts(count: int, seed: int) -> list[str]:
    """Distinct posts of about POST_LENGTH characters, cut at a word boundary."""
    rng = random.Random(seed)
    posts = []
    for _ in range(count):
        parts = [rng.choice(OPENINGS)]
        pool = SENTENCES[:]
        rng.shuffle(pool)
        closing = rng.choice(CLOSINGS)
        while len(" ".join([*parts, closing])) < POST_LENGTH and pool:
            parts.append(pool.pop())
        text = " ".join([*parts, closing])
        if len(text) > POST_LENGTH:
            text = text[:POST_LENGTH].rsplit(" ", 1)[0]
        posts.append(text)
    return posts


def pin_to_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
        return "cpu0"
    return "not pinned (no sched_setaffinity on this platform)"


def limit_torch_threads() -> None:
    if importlib.util.find_spec("torch") is not None:
        torch = importlib.import_module("torch")
        torch.set_num_threads(1)
        torch.set_num_interop_threads(1)


def load_analysis() -> tuple[str, Callable[[str], object], list[str]]:
    """The callable to time, a name for it, and the analyzers that could not be imported."""
    try:
        pipeline = importlib.import_module("hearth.safety.pipeline")
        base = importlib.import_module("hearth.safety.analyzers.base")
    except ImportError as exc:
        print(f"hearth.safety.pipeline unavailable ({exc}); timing the analyzers one by one")
    else:
        context = base.AnalysisContext(is_reply=True, addressed=frozenset({"robin"}))
        analyze = pipeline.analyze
        return "pipeline", lambda text: analyze(text, context), []

    wanted: list[tuple[str, str, dict[str, object]]] = [
        ("crisis", "assess_crisis", {}),
        ("toxicity", "assess_toxicity", {"context": None}),
        ("personal_details", "find_personal_details", {}),
        ("misinformation", "find_misinformation", {}),
    ]
    calls: list[Callable[[str], object]] = []
    missing: list[str] = []
    for module_name, function_name, kwargs in wanted:
        try:
            module = importlib.import_module(f"hearth.safety.analyzers.{module_name}")
        except ImportError:
            missing.append(module_name)
            continue
        calls.append(_bind(getattr(module, function_name), kwargs))

    def run_all(text: str) -> object:
        return [call(text) for call in calls]

    return "analyzers", run_all, missing


def _bind(function: Callable[..., object], kwargs: dict[str, object]) -> Callable[[str], object]:
    return lambda text: function(text, **kwargs)


def nearest_rank(ordered: list[float], fraction: float) -> float:
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    pinned = pin_to_one_core()
    limit_torch_threads()
    django = importlib.import_module("django")
    django.setup()

    mode, analyse, missing = load_analysis()
    posts = make_posts(args.runs, args.seed)
    warmup_posts = make_posts(args.warmup, args.seed + 1)

    for text in warmup_posts:
        analyse(text)
    timings = []
    for text in posts:
        started = time.perf_counter()
        analyse(text)
        timings.append((time.perf_counter() - started) * 1000)

    ordered = sorted(timings)
    p50 = statistics.median(ordered)
    p99 = nearest_rank(ordered, 0.99)
    passed_p50 = p50 <= TARGET_P50_MS
    passed_p99 = p99 <= TARGET_P99_MS
    complete = not missing
    mean_chars = statistics.fmean(len(p) for p in posts)

    print(f"mode: {mode}; pinned: {pinned}; posts: {len(posts)} (mean {mean_chars:.0f} chars); warm-up: {args.warmup}")
    if missing:
        print(f"INCOMPLETE: not timed because not importable: {', '.join(missing)}")
    print(f"median {p50:7.2f} ms   target <= {TARGET_P50_MS:.0f} ms   {'PASS' if passed_p50 else 'MISS'}")
    print(f"p99    {p99:7.2f} ms   target <= {TARGET_P99_MS:.0f} ms   {'PASS' if passed_p99 else 'MISS'}")
    print(f"min {ordered[0]:.2f} ms, max {ordered[-1]:.2f} ms")
    result = {
        "bench": "pipeline",
        "mode": mode,
        "missing": missing,
        "complete": complete,
        "pinned": pinned,
        "runs": len(posts),
        "warmup": args.warmup,
        "mean_chars": round(mean_chars, 1),
        "p50_ms": round(p50, 3),
        "p99_ms": round(p99, 3),
        "target_p50_ms": TARGET_P50_MS,
        "target_p99_ms": TARGET_P99_MS,
        "p50": "PASS" if passed_p50 else "MISS",
        "p99": "PASS" if passed_p99 else "MISS",
        "pass": passed_p50 and passed_p99 and complete,
    }
    print(json.dumps(result))
    return 0 if result["pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
