"""CI refuses committed credentials (scripts/secret_scan.py runs before the tests)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCAN = ROOT / "scripts" / "secret_scan.py"
# Assembled at run time so this file never holds one whole.
KEY_HEADER = "-----BEGIN " + "PRIVATE KEY-----"
AWS = "AKIA" + "Q3EGRZ7Y6MXKJ2TB"


def _repo(tmp_path: Path, files: dict[str, str]) -> Path:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    subprocess.run(["git", "add", "."], cwd=tmp_path, check=True)
    return tmp_path


def _scan(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCAN), str(root)], capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (f"{KEY_HEADER}\nMIIEv...\n", "private key"),
        (f"aws_access_key_id = {AWS}\n", "AWS access key"),
        ('SECRET_KEY = "django-insecure-4f9q!x8@v2k#m1z$w7r0t5y3u6i9o"\n', "Django secret key"),
        ("DATABASE_URL=postgresql://app:Tr0ub4dor3@db:5432/x\n", "password in a database URL"),
    ],
)
def test_a_committed_credential_fails_the_scan_naming_file_and_line(tmp_path, text, kind):
    root = _repo(tmp_path, {"README.md": "# ok\n", "deploy/settings.env": "x=1\n" + text})
    result = _scan(root)
    assert result.returncode == 1
    assert f"deploy/settings.env:2: looks like a {kind}" in result.stdout


def test_placeholders_and_test_passwords_pass(tmp_path):
    root = _repo(
        tmp_path,
        {
            "README.md": "export DATABASE_URL=postgresql://retroduce:secret@db.internal:5432/r\n",
            "tests/conftest.py": 'PASSWORD = "correct horse battery staple"\n',
        },
    )
    assert _scan(root).returncode == 0


def test_this_repository_is_clean():
    result = _scan(ROOT)
    assert result.returncode == 0, result.stdout
