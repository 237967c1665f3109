"""The admin forms regulators use to keep the catalogue (the admin saves them through the audited services, never with ``form.save()``)."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.catalogue import (
    ATTRIBUTE_DISPLAY,
    FEE_GOVERNMENT,
    FEE_MARKET,
    Category,
    Product,
    service_class,
)

FEE_TYPES = [("", "—"), (FEE_GOVERNMENT, FEE_GOVERNMENT), (FEE_MARKET, FEE_MARKET)]


class ServiceItemAdminForm(forms.ModelForm):
    """The item and its attributes (设定依据, 时限, 收费…) in one form for regulators."""

    item_categories = forms.ModelMultipleChoiceField(
        label=_("Categories"), queryset=Category.objects.order_by("path"), required=False)
    approval_item = forms.CharField(label=ATTRIBUTE_DISPLAY["approval_item"], required=False)
    approval_department = forms.CharField(label=ATTRIBUTE_DISPLAY["approval_department"],
                                          required=False)
    legal_basis = forms.CharField(label=ATTRIBUTE_DISPLAY["legal_basis"],
                                  widget=forms.Textarea(attrs={"rows": 3}))
    implementing_authority = forms.CharField(label=ATTRIBUTE_DISPLAY["implementing_authority"],
                                             required=False)
    statutory_days = forms.IntegerField(label=ATTRIBUTE_DISPLAY["statutory_days"],
                                        min_value=0, required=False)
    committed_days = forms.IntegerField(label=ATTRIBUTE_DISPLAY["committed_days"],
                                        min_value=0, required=False)
    workflow = forms.CharField(label=ATTRIBUTE_DISPLAY["workflow"], required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))
    conditions = forms.CharField(label=ATTRIBUTE_DISPLAY["conditions"], required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    fee_standard = forms.CharField(label=ATTRIBUTE_DISPLAY["fee_standard"], required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}))
    fee_type = forms.ChoiceField(label=ATTRIBUTE_DISPLAY["fee_type"], choices=FEE_TYPES,
                                 required=False)
    remarks = forms.CharField(label=ATTRIBUTE_DISPLAY["remarks"], required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))

    ATTRIBUTE_FIELDS = list(ATTRIBUTE_DISPLAY)

    class Meta:
        model = Product
        fields = ["title", "description", "is_public"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = True
        item = self.instance
        if not item.pk:  # Product.clean() needs the class of a new item
            item.product_class = service_class()
            item.structure = Product.STANDALONE
        if item.pk:
            self.fields["item_categories"].initial = list(item.categories.all())
            for code in self.ATTRIBUTE_FIELDS:
                value = getattr(item.attr, code, None)
                if value is not None:
                    self.fields[code].initial = getattr(value, "option", value)

    def attribute_data(self) -> dict:
        return {code: self.cleaned_data.get(code) for code in self.ATTRIBUTE_FIELDS}


class CategoryAdminForm(forms.ModelForm):
    parent = forms.ModelChoiceField(label=_("Parent category"), required=False,
                                    queryset=Category.objects.order_by("path"))

    class Meta:
        model = Category
        fields = ["name", "description", "is_public"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["parent"].initial = self.instance.get_parent()
            self.fields["parent"].queryset = Category.objects.exclude(
                path__startswith=self.instance.path).order_by("path")
