"""Forms for the association's money. Amounts are written as people write them ("1 234 567",
"1 234,50", "1234567.50") and read by ``samla.money.parse_kronor``; messages are in Swedish."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from samla import form_fields
from samla.activities.models import Activity
from samla.finance.models import BudgetLine, MunicipalKey, OtherIncome
from samla.money import AmountTooLarge, kronor, parse_kronor
from samla.organisations.models import Organisation

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SHARE_HELP = gettext_lazy("I procent, med högst två decimaler.")


class KronorField(forms.CharField):
    """An amount in kronor, with öre after a comma if needed."""

    def __init__(self, *, negative: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault(
            "help_text", gettext_lazy("I kronor, till exempel 1 234 567 eller 1 234,50.")
        )
        super().__init__(**kwargs)
        self.negative = negative
        # The length only as a hint to the browser: CharField's max_length validator would run
        # on the cleaned Decimal, which has no length. parse_kronor and the size check below
        # refuse what is too long.
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off", "maxlength": "24"})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            return kronor(value).replace("\u00a0kr", "").replace("−", "-")
        return value

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            amount = parse_kronor(text)
        except AmountTooLarge:
            raise forms.ValidationError(
                gettext_lazy("Beloppet är för stort."), code="too_large"
            ) from None
        except ValueError:
            raise forms.ValidationError(
                gettext_lazy("Skriv ett belopp i kronor, till exempel 1 234 567 eller 1 234,50."),
                code="invalid",
            ) from None
        if amount < 0 and not self.negative:
            raise forms.ValidationError(
                gettext_lazy("Beloppet kan inte vara negativt."), code="negative"
            )
        return amount


class KeyField(forms.DecimalField):
    """A municipality's population ("87 000") or fixed share ("33,3333") in the key."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = re.sub(r"[\s\u00a0\u202f]", "", value)  # spaces between thousands
        return super().to_python(value)


def _share(label: StrOrPromise) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        localize=True,  # 33,33 as well as 33.33
        help_text=SHARE_HELP,
    )


class OpenYearForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("År"), min_value=2000, max_value=2100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("year", timezone.localdate().year)
        super().__init__(*args, **kwargs)


class ContributionsForm(forms.Form):
    """The members' total, the three shares, the municipal key (one field per municipality) and
    the own capital carried over."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    contributions = KronorField(label=gettext_lazy("Medlemmarnas bidrag för året, totalt"))
    state_share = _share(gettext_lazy("Statens andel (Försäkringskassan)"))
    region_share = _share(gettext_lazy("Regionens andel"))
    municipal_share = _share(gettext_lazy("Kommunernas andel"))
    municipal_key = forms.ChoiceField(
        label=gettext_lazy("Kommunernas del fördelas"),
        choices=MunicipalKey.choices,
        widget=forms.RadioSelect,
    )
    carried_over = KronorField(
        label=gettext_lazy("Eget kapital från föregående år"),
        negative=True,
        help_text=gettext_lazy("Förifyllt med det föregående år slutade på, om det finns."),
    )

    def __init__(self, *args: Any, municipalities: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.municipalities = municipalities
        for organisation in municipalities:
            self.fields[f"key_{organisation.pk}"] = KeyField(
                label=str(organisation),
                required=False,
                min_value=0,
                max_digits=12,
                decimal_places=4,
                localize=True,
            )

    def key_fields(self) -> list[forms.BoundField]:
        return [self[f"key_{organisation.pk}"] for organisation in self.municipalities]

    def key(self) -> dict[int, Decimal | None]:
        return {o.pk: self.cleaned_data.get(f"key_{o.pk}") for o in self.municipalities}


class OtherIncomeForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Slag"), choices=OtherIncome.Kind.choices)
    description = forms.CharField(label=gettext_lazy("Från vem och för vad"), max_length=200)
    amount = KronorField(label=gettext_lazy("Belopp"))


class BudgetLineForm(forms.Form):
    """A new line: its kind, and an activity (activity costs) or a name (administration)."""

    kind = forms.ChoiceField(label=gettext_lazy("Slag"), choices=BudgetLine.Kind.choices)
    activity = forms.ModelChoiceField(
        label=gettext_lazy("Insats"),
        queryset=Activity.objects.none(),
        required=False,
        help_text=gettext_lazy("För insatskostnad och ESF-insatskostnad."),
    )
    name = forms.CharField(
        label=gettext_lazy("Benämning"),
        max_length=120,
        required=False,
        help_text=gettext_lazy("För administration, till exempel Kansli eller Revision."),
    )
    code = forms.CharField(
        label=gettext_lazy("Kod i bokföringen"),
        max_length=20,
        help_text=gettext_lazy("Kostnadsställe eller projektnummer, som i filen med utfall."),
    )
    budget = KronorField(label=gettext_lazy("Budget"))
    actual = KronorField(
        label=gettext_lazy("Utfall"),
        required=False,
        help_text=gettext_lazy("Lämna tomt tills utfallet är känt."),
    )

    def __init__(self, *args: Any, activities: list[Activity], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["activity"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Activity.objects.filter(pk__in=[a.pk for a in activities]).order_by("name")


class ChangeLineForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(label=gettext_lazy("Benämning"), max_length=120, required=False)
    code = BudgetLineForm.base_fields["code"]
    budget = KronorField(label=gettext_lazy("Budget"))
    actual = KronorField(
        label=gettext_lazy("Utfall"),
        required=False,
        help_text=gettext_lazy("Lämna tomt tills utfallet är känt."),
    )

    def __init__(self, *args: Any, line: BudgetLine, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if line.kind != BudgetLine.Kind.ADMINISTRATION:
            del self.fields["name"]


class DecisionForm(forms.Form):
    decided_on = form_fields.DateField(
        label=gettext_lazy("Beslutsdatum"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reference = forms.CharField(
        label=gettext_lazy("Paragraf"),
        max_length=30,
        required=False,
        help_text=gettext_lazy("Till exempel § 12."),
    )
    text = forms.CharField(
        label=gettext_lazy("Beslut"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    activity = forms.ModelChoiceField(
        label=gettext_lazy("Gäller insatsen"), queryset=Activity.objects.none(), required=False
    )
    budget_line = forms.ModelChoiceField(
        label=gettext_lazy("Gäller budgetposten"),
        queryset=BudgetLine.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, association_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        activity = self.fields["activity"]
        line = self.fields["budget_line"]
        assert isinstance(activity, forms.ModelChoiceField)
        assert isinstance(line, forms.ModelChoiceField)
        activity.queryset = Activity.objects.filter(association_id=association_id).order_by("name")
        line.queryset = (
            BudgetLine.objects.filter(financial_year__association_id=association_id)
            .select_related("activity", "financial_year")
            .order_by("-financial_year__year", "kind", "activity__name", "name")
        )
        line.label_from_instance = lambda obj: f"{obj.financial_year.year}: {obj.label}"  # type: ignore[method-assign]


class ActualsFileForm(forms.Form):
    """The file of actuals; what is in it is checked by ``actuals.import_actuals``."""

    MAX_BYTES = 2 * 1024 * 1024

    file = forms.FileField(
        label=gettext_lazy("Fil med utfall (CSV eller XLSX)"),
        help_text=gettext_lazy("CSV sparad som UTF-8, eller Excel (.xlsx), högst 2 MB."),
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx"}),
        error_messages={
            "required": gettext_lazy("Välj en fil att ladda upp."),
            "empty": gettext_lazy("Filen är tom."),
        },
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(
                gettext_lazy(
                    "Filen är större än 2 MB. Kontrollera att det är rätt fil: en fil med utfall "
                    "brukar vara mycket mindre."
                ),
                code="too_large",
            )
        return upload
