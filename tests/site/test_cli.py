"""The `retroduce` command line, run in-process against the test database."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from typer.testing import CliRunner

from retroduce.core.models import Project
from retroduce.site.cli import app

runner = CliRunner()

ALL_COMMANDS = [
    "serve",
    "demo",
    "worker",
    "createuser",
    "projects",
    "check",
    "backup",
    "settings",
    "import",
    "export",
    "restore",
    "report",
    "simulate",
    "dedup",
    "attach",
    "query",
]


def test_help_lists_every_command():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ALL_COMMANDS:
        assert command in result.output


@pytest.mark.django_db
def test_export_and_restore_name_a_missing_project_or_file(team, tmp_path):
    missing = runner.invoke(app, ["export", "nope", "--format", "archive", "--out", "p.zip"])
    assert missing.exit_code != 0 and "nope" in missing.output
    absent = runner.invoke(app, ["restore", str(tmp_path / "p.zip"), "--owner", "owner"])
    assert absent.exit_code == 1 and "p.zip: cannot be read" in absent.output


@pytest.mark.django_db
def test_projects_lists_slugs_and_titles(team):
    result = runner.invoke(app, ["projects"])
    assert result.exit_code == 0
    assert "icl" in result.output and "Leadership in integrated care" in result.output


@pytest.mark.django_db
def test_projects_with_none_says_what_to_do():
    result = runner.invoke(app, ["projects"])
    assert "No projects yet" in result.output


@pytest.mark.django_db
def test_createuser_makes_an_account_that_can_sign_in():
    result = runner.invoke(app, ["createuser", "carol", "--password", "a long pass phrase"])
    assert result.exit_code == 0
    assert get_user_model().objects.get(username="carol").check_password("a long pass phrase")
    again = runner.invoke(app, ["createuser", "carol", "--password", "x"])
    assert again.exit_code == 1 and "already exists" in again.output


@pytest.mark.django_db
def test_demo_no_serve_loads_the_demo_once_and_prints_the_login():
    first = runner.invoke(app, ["demo", "--no-serve"])
    assert first.exit_code == 0, first.output
    assert "Loaded the demo project integrated-care-leadership" in first.output
    assert "demo-owner" in first.output and "retroduce-demo" in first.output
    second = runner.invoke(app, ["demo", "--no-serve"])
    assert "Found the demo project" in second.output
    assert Project.objects.filter(slug="integrated-care-leadership").count() == 1


@pytest.mark.django_db
def test_check_reports_a_complete_audit_trail(team):
    result = runner.invoke(app, ["check", "icl"])
    assert result.exit_code == 0
    assert "Audit trail complete" in result.output


@pytest.mark.django_db
def test_check_of_unknown_project_fails_clearly():
    result = runner.invoke(app, ["check", "nope"])
    assert result.exit_code == 1 and "No project with the slug 'nope'" in result.output


def test_settings_lists_every_variable_with_help():
    result = runner.invoke(app, ["settings"])
    for name in ["RETRODUCE_HOME", "DATABASE_URL", "RETRODUCE_DEBUG", "RETRODUCE_ALLOWED_HOSTS"]:
        assert name in result.output
