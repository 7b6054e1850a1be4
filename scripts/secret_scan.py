"""Fail when a committed file carries a credential: private keys, cloud or forge tokens, a Django
secret key, or a password in a connection URL. Run by scripts/test before the tests.

Test fixtures may hold throwaway passwords for throwaway accounts; they are not credentials, so the
scan looks for shapes that are (keys and tokens), plus the two places a real secret would be pasted
in this project: SECRET_KEY and DATABASE_URL.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

PATTERNS: dict[str, re.Pattern[str]] = {
    "private key": re.compile(r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----"),
    "AWS access key": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "PyPI token": re.compile(r"\bpypi-AgE[A-Za-z0-9_-]{50,}"),
    "Slack token": re.compile(r"\bxox[baprs]-[A-Za-z0-9-]{10,}"),
    "Django secret key": re.compile(r"""SECRET_KEY\s*=\s*['"][^'"]{20,}['"]"""),
    "password in a database URL": re.compile(
        r"\b(?:postgres(?:ql)?|mysql|redis)://[^:/\s@'\"]+:(?!secret@|pass@|password@)[^@\s'\"]{4,}@"
    ),
}
# Files whose job is to describe the shapes above.
EXEMPT = {"scripts/secret_scan.py", "tests/site/test_secret_scan.py"}


def scan_text(text: str) -> list[tuple[int, str]]:
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for kind, pattern in PATTERNS.items():
            if pattern.search(line):
                found.append((number, kind))
    return found


def tracked_files(root: Path) -> list[Path]:
    names = subprocess.run(
        ["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True
    ).stdout.split(b"\0")
    return [root / n.decode() for n in names if n and n.decode() not in EXEMPT]


def main(root: Path) -> int:
    problems = 0
    for path in tracked_files(root):
        if path.name in {"secret_key", ".secret_key"}:
            print(f"{path.relative_to(root)}: a secret key file is committed")
            problems += 1
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue  # binary files (images, fixtures) hold no pasted secrets
        for number, kind in scan_text(text):
            print(f"{path.relative_to(root)}:{number}: looks like a {kind}")
            problems += 1
    if problems:
        print(f"{problems} possible secret(s) committed; remove them and rotate them.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd()))
