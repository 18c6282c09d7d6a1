"""The hashed lock files that `make` installs from agree with the requirements files people edit.

Vulnerability databases cannot be queried offline, so the supply chain is pinned instead: every package, direct
or transitive, at one version, with the sha256 of each file pip may download (`pip install --require-hashes`).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REGENERATE = (
    "Regenerate the lock files: uv pip compile --universal --python-version 3.11 --generate-hashes "
    "requirements.txt -o requirements.lock (and the same for requirements-dev.txt -> requirements-dev.lock)."
)
_REQUIREMENT = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*==\s*([^\s;\\]+)")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements(path: Path) -> dict[str, str]:
    """Direct requirements of a requirements file (following -r), as {name: pinned version}."""
    pins: dict[str, str] = {}
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("-r "):
            pins.update(requirements(path.parent / line[3:].strip()))
            continue
        match = _REQUIREMENT.match(line)
        assert match, f"{path.name}: every requirement is pinned with ==, not {line!r}"
        pins[normalise(match.group(1))] = match.group(3)
    return pins


def lock_entries(path: Path) -> list[tuple[str, str, list[str]]]:
    """(name, version, hashes) for each entry of a lock file, in order."""
    entries: list[tuple[str, str, list[str]]] = []
    for line in path.read_text().splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("--hash="):
            assert entries, f"{path.name}: a hash before any requirement"
            entries[-1][2].append(stripped.removeprefix("--hash=").rstrip(" \\"))
            continue
        match = _REQUIREMENT.match(stripped)
        assert match, f"{path.name}: unexpected line {stripped!r}"
        entries.append((normalise(match.group(1)), match.group(3), []))
    return entries


def lock_pins(path: Path) -> dict[str, set[str]]:
    pins: dict[str, set[str]] = {}
    for name, version, _ in lock_entries(path):
        pins.setdefault(name, set()).add(version)
    return pins


PAIRS = [("requirements.txt", "requirements.lock"), ("requirements-dev.txt", "requirements-dev.lock")]


@pytest.mark.parametrize(("source", "lock"), PAIRS)
def test_every_requirement_is_locked_at_the_version_it_names(source, lock):
    locked = lock_pins(ROOT / lock)
    for name, version in requirements(ROOT / source).items():
        assert name in locked, f"{name} is in {source} but not in {lock}. {REGENERATE}"
        assert version in locked[name], f"{name}=={version} in {source}, {locked[name]} in {lock}. {REGENERATE}"


@pytest.mark.parametrize("lock", ["requirements.lock", "requirements-dev.lock"])
def test_every_locked_package_has_sha256_hashes(lock):
    entries = lock_entries(ROOT / lock)
    assert len(entries) > 20
    for name, version, hashes in entries:
        assert hashes, f"{name}=={version} in {lock} has no hash"
        assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", h) for h in hashes), (name, hashes)


def test_the_development_lock_installs_the_same_runtime_packages():
    runtime, development = lock_pins(ROOT / "requirements.lock"), lock_pins(ROOT / "requirements-dev.lock")
    for name, versions in runtime.items():
        assert development.get(name) == versions, f"{name}: {versions} at runtime, {development.get(name)} in dev"


@pytest.mark.parametrize("lock", ["requirements.lock", "requirements-dev.lock"])
def test_no_gpu_builds_are_pulled_in(lock):
    # Hearth runs on CPUs only; torch from the default index would bring gigabytes of CUDA libraries.
    names = lock_pins(ROOT / lock)
    gpu = sorted(n for n in names if n in {"torch", "triton"} or n.startswith(("nvidia-", "cuda")))
    assert not gpu, f"{lock} pulls in {gpu}"


def test_makefile_installs_from_the_lock_files_with_hashes_required():
    makefile = (ROOT / "Makefile").read_text()
    assert "--require-hashes -r requirements.lock" in makefile
    assert "--require-hashes -r requirements-dev.lock" in makefile
    assert not re.search(r"pip install[^\n]*-r requirements(-dev)?\.txt", makefile)
