"""关注: an agency follows a posting open for sign-up (``bidding/services/follows.py``), is
reminded before sign-up closes (tests/notifications/test_reminders.py) and nobody else sees it."""
from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from bidding.models import ProjectFollow
from bidding.services.follows import project_follow, project_unfollow
from core.errors import NotAllowed
from core.models import AuditEvent
from tests.factories import bidding as bf

pytestmark = pytest.mark.django_db


def user_of(agency):
    return agency.organisation.members.first().user


def test_an_agency_follows_once_and_unfollows_each_audited():
    project = bf.project()
    agency = bf.bidding_agency(project)
    project_follow(actor=user_of(agency), project=project)
    project_follow(actor=user_of(agency), project=project)
    assert ProjectFollow.objects.filter(agency=agency, project=project).count() == 1
    assert project_unfollow(actor=user_of(agency), project=project) is True
    assert project_unfollow(actor=user_of(agency), project=project) is False
    assert list(AuditEvent.objects.filter(action__startswith="project.").order_by("seq")
                .values_list("action", flat=True)) == ["project.followed", "project.unfollowed"]


def test_only_an_agency_follows_and_only_while_sign_up_is_open():
    project = bf.project()
    with pytest.raises(NotAllowed):
        project_follow(actor=project.created_by, project=project)
    closed = bf.project(signup_deadline=timezone.now() - dt.timedelta(minutes=1))
    agency = bf.bidding_agency(closed)
    with pytest.raises(NotAllowed, match="while its sign-up is open"):
        project_follow(actor=user_of(agency), project=closed)
    assert not ProjectFollow.objects.exists()


def test_the_posting_page_shows_the_follow_button_to_an_agency_and_follows(client):
    project = bf.project()
    agency = bf.bidding_agency(project)
    client.force_login(user_of(agency))
    page = client.get(project.get_absolute_url()).content.decode()
    assert reverse("bidding:project-follow", args=[project.pk]) in page
    response = client.post(reverse("bidding:project-follow", args=[project.pk]))
    assert response.status_code == 302
    assert ProjectFollow.objects.filter(agency=agency, project=project).exists()
    page = client.get(project.get_absolute_url()).content.decode()
    assert reverse("bidding:project-unfollow", args=[project.pk]) in page
    client.post(reverse("bidding:project-unfollow", args=[project.pk]))
    assert not ProjectFollow.objects.exists()
    # The purchaser sees no button and no follower.
    client.force_login(project.created_by)
    page = client.get(project.get_absolute_url()).content.decode()
    assert reverse("bidding:project-follow", args=[project.pk]) not in page
