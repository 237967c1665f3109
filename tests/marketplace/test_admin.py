"""Regulators keep the catalogue in the admin; every change goes through an audited service."""
import pytest
from django.urls import reverse

from core.catalogue import Category, Product, service_class
from core.models import AuditEvent
from tests.factories.agencies import agency, service_item
from tests.factories.core import purchaser_user, regulator_staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def regulator_client(client):
    service_class()
    client.force_login(regulator_staff_user())
    return client


def _item_post(category, **overrides):
    data = {"title": "洪水影响评价报告编制", "description": "", "item_categories": [category.pk],
            "is_public": "on", "approval_item": "河道管理范围内建设项目工程建设方案审批",
            "approval_department": "水利局", "legal_basis": "《中华人民共和国防洪法》第二十七条",
            "implementing_authority": "具有相应能力的机构", "statutory_days": "20",
            "committed_days": "12", "workflow": "委托—编制—审查", "conditions": "河道内建设项目",
            "fee_standard": "市场调节价", "fee_type": "市场调节价", "remarks": ""}
    data.update(overrides)
    return data


def test_regulator_adds_an_item_in_the_admin_and_the_change_is_audited(regulator_client):
    category = Category.add_root(name="水利水保")
    response = regulator_client.post(reverse("admin:catalogue_product_add"),
                                     _item_post(category))
    assert response.status_code == 302, response.content.decode()[:2000]
    item = Product.objects.get(title="洪水影响评价报告编制")
    assert item.attr.legal_basis == "《中华人民共和国防洪法》第二十七条"
    assert item.attr.statutory_days == 20 and str(item.attr.fee_type) == "市场调节价"
    assert list(item.categories.all()) == [category]
    event = AuditEvent.objects.get(action="catalogue.item_created", object_id=str(item.pk))
    assert event.actor.username == "regulator1"
    assert event.data["changed"]["attributes"]["legal_basis"] == \
        "《中华人民共和国防洪法》第二十七条"


def test_regulator_changes_an_item_and_the_audit_records_before_and_after(regulator_client):
    category = Category.add_root(name="水利水保")
    item = service_item(title="洪水影响评价报告编制", category="水利水保", statutory_days=30)
    response = regulator_client.post(reverse("admin:catalogue_product_change", args=[item.pk]),
                                     _item_post(category, statutory_days="20"))
    assert response.status_code == 302
    item = Product.objects.get(pk=item.pk)  # Oscar's attribute container survives refresh
    assert item.attr.statutory_days == 20
    event = AuditEvent.objects.get(action="catalogue.item_changed", object_id=str(item.pk))
    assert event.data["changed"]["attributes"]["statutory_days"] == [30, 20]
    assert event.actor.username == "regulator1"


def test_an_item_agencies_offer_cannot_be_deleted_only_hidden(regulator_client):
    item = service_item()
    agency(offers=[item])
    regulator_client.post(reverse("admin:catalogue_product_delete", args=[item.pk]),
                          {"post": "yes"})
    assert Product.objects.filter(pk=item.pk).exists()
    assert not AuditEvent.objects.filter(action="catalogue.item_deleted").exists()


def test_regulator_deletes_an_unused_item_audited(regulator_client):
    item = service_item()
    regulator_client.post(reverse("admin:catalogue_product_delete", args=[item.pk]),
                          {"post": "yes"})
    assert not Product.objects.filter(pk=item.pk).exists()
    event = AuditEvent.objects.get(action="catalogue.item_deleted")
    assert event.object_id == str(item.pk) and event.data["title"] == item.title


def test_regulator_adds_a_sub_category_audited(regulator_client):
    parent = Category.add_root(name="自然资源与规划")
    response = regulator_client.post(reverse("admin:catalogue_category_add"),
                                     {"name": "测绘服务", "parent": parent.pk, "description": "",
                                      "is_public": "on"})
    assert response.status_code == 302
    child = Category.objects.get(name="测绘服务")
    assert child.get_parent() == parent
    assert AuditEvent.objects.filter(action="catalogue.category_created",
                                     object_id=str(child.pk)).exists()


def test_the_audit_trail_is_read_only_in_the_admin(regulator_client):
    regulator_staff_user("regulator2")
    event = AuditEvent.objects.first()
    assert regulator_client.get(reverse("admin:core_auditevent_changelist")).status_code \
        == 200
    assert regulator_client.get(reverse("admin:core_auditevent_add")).status_code == 403
    regulator_client.post(reverse("admin:core_auditevent_delete", args=[event.pk]),
                          {"post": "yes"})
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_non_regulators_cannot_change_the_catalogue(client):
    from core.errors import NotAllowed
    from marketplace.services.catalogue import catalogue_item_save

    user = purchaser_user()
    client.force_login(user)
    assert client.get(reverse("admin:catalogue_product_changelist")).status_code == 302
    with pytest.raises(NotAllowed):
        catalogue_item_save(actor=user, title="伪造事项")
