"""Creating a review project and managing its members through the web pages."""

from __future__ import annotations

from django.urls import reverse

from retroduce.core.models import Event, Membership, Project


def test_signed_in_user_creates_a_project_and_becomes_its_owner(make_user, client):
    user = make_user("alice")
    client.force_login(user)
    response = client.post(
        reverse("project_create"),
        {"title": "Leadership of integrated teams", "question": "What works?"},
    )
    project = Project.objects.get(title="Leadership of integrated teams")
    assert response.status_code == 302
    assert response["Location"] == reverse("protocol_edit", args=[project.slug])
    assert project.slug == "leadership-of-integrated-teams"
    assert Membership.objects.get(project=project).role == "owner"
    assert project.protocol.question == "What works?"
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "Leadership of integrated teams" in dashboard


def test_same_title_gets_a_distinct_address(make_user, client):
    client.force_login(make_user("alice"))
    for _ in range(2):
        client.post(reverse("project_create"), {"title": "Same title"})
    assert sorted(Project.objects.values_list("slug", flat=True)) == ["same-title", "same-title-2"]


def test_project_without_title_is_refused_with_a_message(make_user, client):
    client.force_login(make_user("alice"))
    response = client.post(reverse("project_create"), {"title": "  "})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not Project.objects.exists()


def test_owner_adds_member_by_username_and_they_see_the_project(team, make_user, owner_client):
    newcomer = make_user("newcomer")
    response = owner_client.post(
        reverse("member_add", args=[team.project.slug]),
        {"username": "newcomer", "role": "reviewer"},
        follow=True,
    )
    assert "Added newcomer as reviewer" in response.content.decode()
    assert Membership.objects.get(project=team.project, user=newcomer).role == "reviewer"
    event = Event.objects.filter(project=team.project, verb="added").first()
    assert event.actor_name == "owner" and event.after == {"user": "newcomer", "role": "reviewer"}


def test_unknown_username_is_reported_and_nothing_added(team, owner_client):
    count = Membership.objects.count()
    response = owner_client.post(
        reverse("member_add", args=[team.project.slug]),
        {"username": "ghost", "role": "viewer"},
        follow=True,
    )
    assert "No user is called" in response.content.decode()
    assert Membership.objects.count() == count


def test_owner_changes_a_role_and_the_change_is_logged(team, owner_client):
    viewer = Membership.objects.get(project=team.project, user=team.users["viewer"])
    owner_client.post(
        reverse("member_role", args=[team.project.slug, viewer.pk]), {"role": "reviewer"}
    )
    viewer.refresh_from_db()
    assert viewer.role == "reviewer"
    event = Event.objects.filter(verb="changed", object_type="membership").get()
    assert event.before["role"] == "viewer" and event.after["role"] == "reviewer"


def test_the_last_owner_cannot_be_demoted_or_removed(team, owner_client):
    me = Membership.objects.get(project=team.project, user=team.users["owner"])
    response = owner_client.post(
        reverse("member_role", args=[team.project.slug, me.pk]), {"role": "viewer"}, follow=True
    )
    assert "at least one owner" in response.content.decode()
    owner_client.post(reverse("member_remove", args=[team.project.slug, me.pk]))
    me.refresh_from_db()
    assert me.role == "owner"


def test_removed_member_loses_access(team, owner_client):
    reviewer = Membership.objects.get(project=team.project, user=team.users["reviewer"])
    owner_client.post(reverse("member_remove", args=[team.project.slug, reviewer.pk]))
    response = team.client("reviewer").get(reverse("project", args=[team.project.slug]))
    assert response.status_code == 404
    assert Event.objects.filter(verb="removed", object_type="membership").count() == 1


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_anonymous_visitor_cannot_create_a_project(db, client):
    response = client.post(reverse("project_create"), {"title": "Sneaky"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not Project.objects.exists()
