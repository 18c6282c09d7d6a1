"""The visible label on a post that the pipeline flagged as possible health misinformation."""

from __future__ import annotations

from hearth.safety.analyzers.misinformation import resources

SUMMARIES = {
    "stop_medication": "this post suggests stopping or changing medication. Stopping suddenly can cause "
    "withdrawal effects or a relapse.",
    "pro_eating_disorder": "this post may encourage eating habits that can seriously harm your health.",
    "unproven_cure": "this post makes health claims that evidence doesn't support.",
    "anti_treatment": "this post discourages treatments that help many people.",
}


def label_resources(kinds: list[str]) -> list[dict[str, str]]:
    known = resources()
    return [
        {"kind": kind, "summary": SUMMARIES[kind], "title": known[kind].title, "url": known[kind].url}
        for kind in kinds
        if kind in known and kind in SUMMARIES
    ]
