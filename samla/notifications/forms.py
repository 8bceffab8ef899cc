from __future__ import annotations

from django import forms

from samla.notifications.models import Preference


class PreferenceForm(forms.ModelForm[Preference]):
    class Meta:
        model = Preference
        fields = ["on_assigned", "on_due_soon", "due_soon_days", "on_overdue"]
