"""Every setting Retroduce reads from the environment, declared once with its help text.

Settings fail loudly: a value that cannot be parsed stops start-up with a message that names the
variable, rather than falling back silently to something the user did not ask for.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import platformdirs


class ConfigError(RuntimeError):
    """A setting in the environment is wrong; the message names it."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "RETRODUCE_HOME",
        "",
        "Folder for the SQLite database, the secret key, uploads and backups. "
        "Default: the per-user data folder (for example ~/.local/share/retroduce).",
    ),
    Setting(
        "DATABASE_URL",
        "",
        "postgresql://user:pass@host:5432/name for a team server. Empty: SQLite in RETRODUCE_HOME.",
    ),
    Setting("RETRODUCE_DEBUG", "0", "1 shows Django's debug pages. Never on a shared server."),
    Setting(
        "RETRODUCE_ALLOWED_HOSTS",
        "127.0.0.1,localhost,[::1]",
        "Comma-separated host names the server answers to.",
    ),
    Setting(
        "RETRODUCE_SECURE_COOKIES",
        "auto",
        "1 marks session and CSRF cookies Secure (HTTPS only); auto does so unless every allowed "
        "host is local.",
    ),
    Setting(
        "RETRODUCE_LOGIN_ATTEMPTS",
        "5",
        "Failed sign-ins allowed per username and address within RETRODUCE_LOGIN_WINDOW seconds.",
    ),
    Setting("RETRODUCE_LOGIN_WINDOW", "900", "Window in seconds for the sign-in rate limit."),
    Setting(
        "RETRODUCE_SESSION_HOURS",
        "10",
        "Hours a sign-in lasts before the person must sign in again (a working day by default).",
    ),
    Setting(
        "RETRODUCE_MAX_UPLOAD_MB",
        "512",
        "Largest file accepted: a reference export, a full text, a project archive or a .qdpx.",
    ),
    Setting(
        "RETRODUCE_MAX_FIELD_CHARS",
        "1048576",
        "Longest single value in an imported reference (a title, an abstract, one author).",
    ),
    Setting("RETRODUCE_MAX_RECORDS", "2000000", "Most records one imported file may hold."),
    Setting(
        "RETRODUCE_MAX_UNZIPPED_MB",
        "2048",
        "Most an uploaded zip (XLSX, DOCX, .qdpx, project archive) may unpack to.",
    ),
    Setting("RETRODUCE_MAX_PDF_PAGES", "2000", "Most pages one PDF may have to be extracted."),
    Setting(
        "RETRODUCE_INPROCESS_WORKER",
        "1",
        "1 runs a background-task worker thread inside `retroduce serve`; 0 leaves tasks to "
        "separate `retroduce worker` processes (the team set-up).",
    ),
)

_DEFAULTS = {s.name: s.default for s in SETTINGS}
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1", "testserver"}


def raw(name: str) -> str:
    if name not in _DEFAULTS:
        raise KeyError(f"{name} is not a declared Retroduce setting")
    return os.environ.get(name, _DEFAULTS[name]).strip()


def flag(name: str) -> bool:
    value = raw(name).lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ConfigError(f"{name}={value!r} is not a yes/no value (use 1 or 0)")


def integer(name: str, minimum: int = 0) -> int:
    value = raw(name)
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"{name}={value!r} is not a whole number") from None
    if number < minimum:
        raise ConfigError(f"{name}={value!r} must be at least {minimum}")
    return number


def home() -> Path:
    """The data folder, created on first use."""
    value = raw("RETRODUCE_HOME")
    path = Path(value).expanduser() if value else Path(platformdirs.user_data_dir("retroduce"))
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"RETRODUCE_HOME={str(path)!r} cannot be created: {exc}") from exc
    return path


def secret_key(folder: Path) -> str:
    """Generated once per RETRODUCE_HOME, kept beside the data, never in the repository."""
    key_file = folder / "secret_key"
    if key_file.exists():
        key = key_file.read_text().strip()
        if len(key) >= 50:
            return key
        raise ConfigError(
            f"{key_file} is too short to be a secret key; delete it to make a new one"
        )
    key = secrets.token_urlsafe(64)
    # Created readable by the owner only: the key signs sessions and password-reset links.
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def allowed_hosts() -> list[str]:
    hosts = [h.strip() for h in raw("RETRODUCE_ALLOWED_HOSTS").split(",") if h.strip()]
    if not hosts:
        raise ConfigError("RETRODUCE_ALLOWED_HOSTS is empty: name at least one host")
    return hosts


def secure_cookies(hosts: list[str]) -> bool:
    value = raw("RETRODUCE_SECURE_COOKIES").lower()
    if value == "auto":
        return not all(h in LOCAL_HOSTS for h in hosts)
    return flag("RETRODUCE_SECURE_COOKIES")


def database(folder: Path) -> dict:
    url = raw("DATABASE_URL")
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(folder / "retroduce.sqlite3"),
            # WAL lets readers carry on while the worker writes; the timeout rides out short locks.
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    import dj_database_url

    if not url.startswith(("postgres://", "postgresql://", "sqlite://")):
        raise ConfigError(
            f"DATABASE_URL must start with postgresql:// or sqlite://, not {url[:20]!r}"
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except Exception as exc:  # dj_database_url raises several types for bad URLs
        raise ConfigError(f"DATABASE_URL cannot be read: {exc}") from exc
    return config
