"""Shared personas: one project with an owner, a reviewer, a stakeholder, a viewer and an outsider."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from retroduce.core import services
from retroduce.core.models import Project
from tests.serving import served_demo  # noqa: F401 (a fixture shared by site and browser tests)

PASSWORD = "correct horse battery staple"
ROLES = ("owner", "reviewer", "stakeholder", "viewer")
PERSONAS = (*ROLES, "outsider")


@dataclass
class Team:
    project: Project
    users: dict[str, object]

    def client(self, persona: str) -> Client:
        client = Client()
        if persona != "anonymous":
            client.force_login(self.users[persona])
        return client


@pytest.fixture
def make_user(db):
    def make(username: str):
        return get_user_model().objects.create_user(username=username, password=PASSWORD)

    return make


@pytest.fixture
def team(make_user) -> Team:
    users = {persona: make_user(persona) for persona in PERSONAS}
    project = services.create_project(users["owner"], "Leadership in integrated care", slug="icl")
    for role in ROLES[1:]:
        services.add_member(project, users["owner"], role, role)
    return Team(project=project, users=users)


@pytest.fixture
def owner_client(team) -> Client:
    return team.client("owner")


@pytest.fixture
def fresh_install(tmp_path):
    """Environment for running `retroduce` as a separate process against an empty database.

    SQLite in a new RETRODUCE_HOME; on the PostgreSQL pass (DATABASE_URL set), a new empty
    PostgreSQL database on the same server, dropped afterwards.
    """
    import os
    import uuid

    env = {
        k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    env["RETRODUCE_HOME"] = str(tmp_path / "home")
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield env
        return
    import psycopg
    from dj_database_url import parse

    server = parse(url)
    name = f"retroduce_fresh_{uuid.uuid4().hex[:10]}"
    admin = dict(
        host=server["HOST"],
        port=server["PORT"] or 5432,
        user=server["USER"],
        password=server["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    with psycopg.connect(**admin) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + name
    yield env
    with psycopg.connect(**admin) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def ready_document(team):
    """Attach a file to the team's project and extract it now (the worker's job, done inline)."""
    from retroduce.documents import services as documents

    def attach(name: str = "notes.txt", data: bytes | None = None, **kwargs):
        if data is None:
            data = b"Leaders who listen build trust.\n\nBudgets were pooled.\n"
        document = documents.attach_document(
            team.project, team.users["owner"], name, data, **kwargs
        )
        outcome = documents.run_extraction(document, team.users["owner"])
        assert outcome.ok, outcome.summary
        return outcome.document

    return attach
