"""The Makefile, CI script and docs agree with the code: every setting is documented, and `make run` is safe."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SETTINGS_VARS = sorted(
    set(re.findall(r"env_(?:str|bool|int|list)\(\s*\"([A-Z0-9_]+)\"", (ROOT / "config" / "settings.py").read_text()))
)


def make_dry_run(target: str, **env: str) -> str:
    # Nothing from the make that may be running these tests: its flags and its command-line variables.
    ignored = {"MFLAGS", "DATABASE_URL", "PORT", "PYTEST_ARGS", "TEST_WORKERS", "VENV", "PYTHON"}
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MAKE") and k not in ignored}
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", target],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout


def test_settings_read_environment_variables():
    assert "DATABASE_URL" in SETTINGS_VARS
    assert "SECRET_KEY" in SETTINGS_VARS


@pytest.mark.parametrize("name", SETTINGS_VARS)
def test_every_setting_is_in_the_readme_table(name):
    readme = (ROOT / "README.md").read_text()
    assert f"| `{name}` |" in readme


@pytest.mark.parametrize("name", SETTINGS_VARS)
def test_every_setting_is_in_env_example(name):
    example = (ROOT / ".env.example").read_text()
    assert re.search(rf"^(# )?{name}=", example, re.MULTILINE)


def test_env_example_holds_no_secret():
    example = (ROOT / ".env.example").read_text()
    assert re.search(r"^SECRET_KEY=$", example, re.MULTILINE)
    assert re.search(r"^EMAIL_HOST_PASSWORD=$", example, re.MULTILINE)


def test_readme_quickstart_is_make_run_then_make_test():
    readme = (ROOT / "README.md").read_text()
    quickstart = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    quickstart = quickstart.split("\n### ", 1)[0]
    assert re.findall(r"```sh\n(.*?)\n```", quickstart, re.DOTALL) == ["make run", "make test"]


def test_readme_links_to_docs_that_exist():
    readme = (ROOT / "README.md").read_text()
    for link in re.findall(r"\]\((docs/[a-z_-]+\.md)\)", readme):
        assert (ROOT / link).is_file(), link


def test_make_run_serves_the_asgi_app_on_loopback():
    commands = make_dry_run("run")
    assert 'uvicorn config.asgi:application --host 127.0.0.1 --port "${PORT:-8000}"' in commands
    assert "manage.py migrate --noinput" in commands


def test_make_run_adds_demo_accounts_only_to_the_embedded_database():
    assert "seed_demo --with-demo-accounts" in make_dry_run("run")
    with_postgres = make_dry_run("run", DATABASE_URL="postgres://postgres@127.0.0.1:5432/hearth")
    assert "seed_demo" in with_postgres
    assert "--with-demo-accounts" not in with_postgres


def test_make_test_runs_the_whole_suite():
    assert re.search(r"^\.venv/bin/pytest -n 2\s*$", make_dry_run("test"), re.MULTILINE)


def test_ci_script_is_executable_bash():
    script = ROOT / ".ci" / "run"
    assert os.access(script, os.X_OK)
    subprocess.run(["bash", "-n", str(script)], check=True, timeout=30)
    assert "make lint" in script.read_text()
    assert "make test" in script.read_text()


def test_axe_core_is_pinned_to_version_4():
    lock = json.loads((ROOT / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/axe-core"]["version"].startswith("4.")
