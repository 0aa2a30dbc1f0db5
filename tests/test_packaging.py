"""The built wheel carries templates, static files, migrations and data, and serves a page from a fresh venv."""
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

RENDER_A_PAGE = """
import json, os, sys
from foia import create_app
from foia.maintenance import upgrade_database
app = create_app({"INSTANCE_PATH": sys.argv[1], "SECRET_KEY": "x"})
upgrade_database(app.extensions["foia"])
client = app.test_client()
login, laws, css = client.get("/login"), client.get("/jurisdictions"), client.get("/static/css/app.css")
print(json.dumps({"login": login.status_code, "has_form": 'name="csrf_token"' in login.get_data(as_text=True),
                  "laws": laws.status_code, "css": css.status_code,
                  "templates": os.path.dirname(app.jinja_loader.searchpath[0])}))
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
                   check=True, capture_output=True, cwd=ROOT)
    subprocess.run(["rm", "-rf", str(ROOT / "build")], check=True)
    return next(out.glob("foia-*.whl"))


def test_wheel_contains_everything_the_app_reads(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "foia/templates/base.html" in names
    assert "foia/templates/accounts/login.html" in names
    assert "foia/static/css/app.css" in names
    assert len([n for n in names if n.startswith("foia/data/laws/") and n.endswith(".toml")]) == 52
    assert "foia/data/laws/federal.toml" in names
    assert any(n.startswith("foia/migrations/versions/") and n.endswith(".py") for n in names)
    assert "foia/migrations/env.py" in names


@pytest.mark.slow
def test_wheel_installed_in_a_fresh_venv_renders_pages(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], check=True, capture_output=True)
    result = subprocess.run([str(python), "-c", RENDER_A_PAGE, str(tmp_path / "instance")],
                            check=True, capture_output=True, text=True, cwd=tmp_path)
    report = __import__("json").loads(result.stdout.strip().splitlines()[-1])
    assert report["login"] == 200 and report["has_form"]
    assert report["laws"] == 200
    assert report["css"] == 200
    assert str(env_dir) in report["templates"], "templates must come from the installed package"
    # The installed command computes due dates from the packaged law files, in an empty folder, with no database.
    empty = tmp_path / "empty"
    empty.mkdir()
    result = subprocess.run([str(env_dir / "bin" / "foia"), "deadline", "--jurisdiction", "or", "--received",
                             "2026-03-02", "--json"], check=True, capture_output=True, text=True, cwd=empty,
                            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    data = __import__("json").loads(result.stdout)
    assert (data["ack_due"], data["response_due"]) == ("2026-03-09", "2026-03-23")
    assert list(empty.iterdir()) == []
