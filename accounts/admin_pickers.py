"""The admin's autocomplete pickers, made safe for every page that has them: a value that
names nothing (``?schedule=garbage`` in a link, a crafted post) is shown as nothing picked,
and told the labels of the chosen objects, without a query. Here, in the lowest layer,
because every app's admin uses them (``SafePickers``), ``catalog``'s and ours included."""

from typing import Any

from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError


class KnownLabels:
    """An autocomplete that names the chosen options it was told about (``known``: value
    to label) without a query; Django's asks the database once per widget, so once per
    row of an inline. Unknown values (a re-shown form) fall back to Django's query."""

    known: dict[str, str]

    def optgroups(self, name: str, value: Any, attr: Any = None) -> Any:
        known = getattr(self, "known", {})
        # A value no row can have (``?schedule=garbage`` in a link, a crafted post) is
        # shown as nothing chosen: Django's query would fail on it (a 500).
        value = [v for v in value if self._may_be_a_key(v)]
        chosen = [str(v) for v in value if v not in (None, "")]
        if not chosen or any(v not in known for v in chosen):
            return super().optgroups(name, value, attr)  # type: ignore[misc]
        options: list[Any] = []
        if not self.is_required and not self.allow_multiple_selected:  # type: ignore[attr-defined]
            options.append(self.create_option(name, "", "", False, 0))  # type: ignore[attr-defined]
        for v in chosen:
            option = self.create_option(name, v, known[v], set(chosen), len(options))  # type: ignore[attr-defined]
            options.append(option)
        return [(None, options, 0)]

    def _may_be_a_key(self, value: Any) -> bool:
        if value in (None, ""):
            return True
        remote = self.field.remote_field  # type: ignore[attr-defined]
        opts = remote.model._meta
        target = opts.get_field(getattr(remote, "field_name", None) or opts.pk.name)
        try:
            target.to_python(value)
        except ValidationError:
            return False
        return True


def tell_labels(widget: Any, objects: Any) -> None:
    """Let ``widget`` (or the one the admin wrapped) name these objects without a query."""
    inner = getattr(widget, "widget", widget)
    if isinstance(inner, KnownLabels):
        inner.known = {str(obj.pk): str(obj) for obj in objects}


class KnownAutocompleteSelect(KnownLabels, AutocompleteSelect):
    pass


class KnownAutocompleteSelectMultiple(KnownLabels, AutocompleteSelectMultiple):
    pass


class SafePickers:
    """For a ``ModelAdmin`` or inline with ``autocomplete_fields``: its pickers show a value
    that names nothing (``?schedule=garbage`` in a link, a crafted post) as nothing picked,
    where Django's own would fail on it (a 500); posting it is the field's "Select a valid
    choice" error. Every admin with ``autocomplete_fields`` uses this mixin
    (``tests/admin/test_admin_autocomplete_links.py`` walks them all)."""

    admin_site: Any  # the admin's, set by Django

    def formfield_for_foreignkey(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        if "widget" not in kwargs and db_field.name in self._autocomplete(request):
            kwargs["widget"] = KnownAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        if "widget" not in kwargs and db_field.name in self._autocomplete(request):
            kwargs["widget"] = KnownAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]

    def _autocomplete(self, request: Any) -> Any:
        return self.get_autocomplete_fields(request)  # type: ignore[attr-defined]
