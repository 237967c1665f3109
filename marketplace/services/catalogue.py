"""Writes of the public catalogue (三张清单, R7), maintained by regulators in the admin: service
items with their categories and attributes (legal basis, time limits, fee standard …). Every
change is audited with the values before and after."""
from __future__ import annotations

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.catalogue import (
    ATTRIBUTES,
    FEE_TYPE_GROUP,
    AttributeOption,
    Category,
    Product,
    service_class,
)
from core.errors import Conflict, ValidationFailed
from core.locking import lock
from core.permissions import require_perm


def _item_snapshot(item) -> dict:
    item.attr.invalidate()
    values = {code: item_attributes_value(item, code) for code, _l, _t in ATTRIBUTES}
    return {"title": item.title, "description": item.description, "is_public": item.is_public,
            "categories": sorted(c.name for c in item.categories.all()), "attributes": values}


def item_attributes_value(item, code: str):
    value = getattr(item.attr, code, None)
    if value is None:
        return ""
    return getattr(value, "option", value)


@transaction.atomic
def catalogue_item_save(*, actor, item=None, title: str, description: str = "",
                        categories=(), is_public: bool = True, attributes: dict | None = None):
    """Create (``item=None``) or change a service item with its categories and attributes
    (legal basis, time limits, fee standard …). Audited with the values before and after."""
    require_perm(actor, "core.edit_catalogue")
    if not (title or "").strip():
        raise ValidationFailed(_("Enter the item's name."), field="title")
    attributes = dict(attributes or {})
    known = {code for code, _l, _t in ATTRIBUTES}
    unknown = set(attributes) - known
    if unknown:
        raise ValidationFailed(_("Unknown catalogue attributes: %(a)s") % {
            "a": ", ".join(sorted(unknown))})
    for code in ("statutory_days", "committed_days"):
        value = attributes.get(code)
        if value not in (None, "") and (not isinstance(value, int) or value < 0):
            raise ValidationFailed(_("Time limits are whole numbers of working days."), field=code)
    fee_type = attributes.get("fee_type")
    if fee_type not in (None, ""):
        option = AttributeOption.objects.filter(group__name=FEE_TYPE_GROUP,
                                                option=str(fee_type)).first()
        if option is None:
            raise ValidationFailed(_("Unknown fee type."), field="fee_type")
        attributes["fee_type"] = option
    product_class = service_class()
    if item is None:
        before = None
        item = Product(product_class=product_class, structure=Product.STANDALONE)
    else:
        item = lock(Product, item)
        if item.product_class_id != product_class.pk:
            raise ValidationFailed(_("This product is not an intermediary service item."))
        before = _item_snapshot(item)
    item.title = title.strip()
    item.description = description or ""
    item.is_public = is_public
    item.save()
    item.categories.set(list(categories))
    for code, value in attributes.items():
        setattr(item.attr, code, None if value == "" else value)
    item.attr.save()
    after = _item_snapshot(item)
    changed = after if before is None else {
        key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if before is not None and "attributes" in changed:
        changed["attributes"] = {
            code: [before["attributes"][code], after["attributes"][code]]
            for code in after["attributes"]
            if before["attributes"][code] != after["attributes"][code]}
    audit_record(actor=actor, action="catalogue.item_created" if before is None
                 else "catalogue.item_changed", obj=item, data={"changed": changed})
    return item


@transaction.atomic
def catalogue_item_delete(*, actor, item) -> None:
    """Delete an item nobody relies on. Items with offers or projects are hidden instead
    (untick "public"), so history stays readable."""
    require_perm(actor, "core.edit_catalogue")
    item = lock(Product, item)
    if item.stockrecords.exists():
        raise Conflict(_("Agencies offer this item; hide it (untick “public”) instead of "
                         "deleting it."))
    snapshot = _item_snapshot(item)
    pk = item.pk
    try:
        with transaction.atomic():
            item.delete()
    except ProtectedError as exc:
        raise Conflict(_("Projects refer to this item; hide it (untick “public”) instead of "
                         "deleting it.")) from exc
    audit_record(actor=actor, action="catalogue.item_deleted",
                 object_type="catalogue.product", object_id=str(pk), data=snapshot)


@transaction.atomic
def category_save(*, actor, category=None, name: str, description: str = "",
                  is_public: bool = True, parent=None):
    """Create or change a catalogue category (a node of Oscar's category tree)."""
    require_perm(actor, "core.edit_catalogue")
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Enter the category's name."), field="name")
    if category is None:
        fields = {"name": name, "description": description or "", "is_public": is_public}
        category = parent.add_child(**fields) if parent is not None else \
            Category.add_root(**fields)
        audit_record(actor=actor, action="catalogue.category_created", obj=category, data={
            "name": name, "parent": parent.name if parent else None, "is_public": is_public})
        return category
    category = lock(Category, category)
    old_parent = category.get_parent()
    if parent is not None and (parent.pk == category.pk or parent.path.startswith(category.path)):
        raise ValidationFailed(_("A category cannot be moved under itself."), field="parent")
    before = {"name": category.name, "description": category.description,
              "is_public": category.is_public, "parent": old_parent.name if old_parent else None}
    category.name, category.description, category.is_public = name, description or "", is_public
    category.slug = ""  # regenerated from the name by Oscar
    category.save()
    if (parent.pk if parent else None) != (old_parent.pk if old_parent else None):
        if parent is None:
            first_root = Category.get_first_root_node()
            category.move(first_root, "sorted-sibling" if Category.node_order_by
                          else "last-sibling")
        else:
            category.move(parent, "sorted-child" if Category.node_order_by else "last-child")
        category = Category.objects.get(pk=category.pk)
    after = {"name": name, "description": category.description, "is_public": is_public,
             "parent": parent.name if parent else None}
    audit_record(actor=actor, action="catalogue.category_changed", obj=category, data={
        "changed": {k: [before[k], after[k]] for k in after if before[k] != after[k]}})
    return category


@transaction.atomic
def category_delete(*, actor, category) -> None:
    """Delete a category with no items (in it or below it)."""
    require_perm(actor, "core.edit_catalogue")
    category = lock(Category, category)
    subtree = Category.get_tree(category)
    if Product.objects.filter(categories__in=subtree).exists():
        raise Conflict(_("Move or delete the items of this category first."))
    names = [c.name for c in subtree]
    pk = category.pk
    category.delete()
    audit_record(actor=actor, action="catalogue.category_deleted",
                 object_type="catalogue.category", object_id=str(pk),
                 data={"deleted": names})


