"""GB/T 2260 regions at every level, loaded from python-stdnum's data (core/regions.py)."""
import pytest

from core.errors import ValidationFailed
from core.models import Region
from core.regions import (
    ensure_regions,
    region_lookup,
    region_rows,
    regions_lookup,
    within_region,
)

pytestmark = pytest.mark.django_db


def test_every_level_is_loaded_with_its_parent_and_level():
    hongshan = Region.objects.select_related("parent__parent").get(code="420111")
    assert (hongshan.name, hongshan.level, hongshan.valid_from) == ("洪山区", "county", 1983)
    assert hongshan.parent.code == "420100" and hongshan.parent.level == "city"
    assert hongshan.parent.parent.code == "420000" and hongshan.parent.parent.parent_id is None
    assert Region.objects.count() == len(region_rows())
    current = Region.objects.filter(valid_until__isnull=True)
    assert current.filter(level="province").count() == 34
    assert 300 < current.filter(level="city").count() < 400
    assert 2800 < current.filter(level="county").count() < 3000


def test_municipality_districts_hang_under_the_province_and_groupings_are_not_regions():
    assert Region.objects.get(code="110101").parent.code == "110000"  # 东城区
    assert Region.objects.get(code="500229").parent.code == "500000"  # 城口县
    assert Region.objects.get(code="429004").parent.code == "420000"  # 仙桃市 (省直辖)
    # 北京 "市辖区", 重庆 "县", 武汉 "市辖区" and the 省直辖县级行政单位 grouping are no rows
    assert not Region.objects.filter(code__in=["110100", "500200", "420101", "429000"]).exists()


def test_a_renamed_code_keeps_its_current_name_and_an_abolished_one_its_last_year():
    dongli = Region.objects.get(code="120110")  # [-1991]东郊区,[1992-]东丽区
    assert dongli.name == "东丽区" and not dongli.is_retired
    chongwen = Region.objects.get(code="110103")  # [-2010]崇文区
    assert chongwen.is_retired and chongwen.valid_until == 2010


def test_unknown_and_abolished_codes_are_refused_naming_the_code():
    with pytest.raises(ValidationFailed) as unknown:
        region_lookup("999999")
    assert "999999" in str(unknown.value) and unknown.value.fields == {
        "region": [str(unknown.value)]}
    with pytest.raises(ValidationFailed) as retired:
        region_lookup("110103")
    assert str(retired.value) == ("The region code 110103 (崇文区) was abolished in 2010; "
                                  "choose the region that replaced it.")
    with pytest.raises(ValidationFailed, match="110104"):
        regions_lookup(["420100", "110104"], field="service_regions")
    assert [r.code for r in regions_lookup(["420111", "420100", "420111"],
                                           field="x")] == ["420111", "420100"]


def test_ensure_regions_restores_missing_rows_and_keeps_existing_primary_keys(
        django_assert_max_num_queries):
    hubei_pk = Region.objects.get(code="420000").pk
    Region.objects.filter(level="county", code__startswith="4201").delete()
    with django_assert_max_num_queries(12):  # a handful of bulk inserts, not one per row
        ensure_regions()
    assert Region.objects.get(code="420000").pk == hubei_pk
    assert Region.objects.get(code="420111").parent.code == "420100"
    assert Region.objects.count() == len(region_rows())


def test_within_region_selects_by_code_prefix_at_each_level():
    def codes(code):
        return set(Region.objects.filter(within_region(Region.objects.get(code=code)))
                   .values_list("code", flat=True))
    assert {"420000", "420100", "420111", "429004"} <= codes("420000")
    assert "430100" not in codes("420000")
    assert "420111" in codes("420100") and "420200" not in codes("420100")
    assert codes("420111") == {"420111"}
