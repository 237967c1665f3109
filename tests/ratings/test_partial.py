from django.template import Context, Template

from tests.factories.agencies import agency


def test_agency_ratings_partial_renders_for_an_agency_without_ratings(db):
    a = agency()
    html = Template('{% include "ratings/_agency_ratings.html" %}').render(
        Context({"agency": a}))
    assert 'id="ratings"' in html
    assert "No ratings yet." in html or "暂无" in html
