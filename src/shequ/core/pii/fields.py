"""The sealed value and the model field that stores it, with its look-up digest column."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from .crypto import decrypt, encrypt, lookup_digest, normalise, token_kid
from .masks import mask


class Sealed:
    """An encrypted value. ``str()`` gives the mask; the plaintext needs an explicit call."""

    __slots__ = ("_plain", "kind", "label", "token")

    def __init__(self, token: str, *, kind: str, label: str, plain: str | None = None) -> None:
        self.token = token
        self.kind = kind
        self.label = label
        self._plain = plain

    @classmethod
    def seal(cls, plaintext: str, *, kind: str, label: str) -> Sealed:
        return cls(encrypt(plaintext, label=label), kind=kind, label=label, plain=plaintext)

    def plaintext_for_processing(self) -> str:
        """The plaintext for code that must use it (never for display: use :func:`reveal`)."""
        if self._plain is None:
            self._plain = decrypt(self.token, label=self.label)
        return self._plain

    @property
    def masked(self) -> str:
        return mask(self.kind, self.plaintext_for_processing())

    @property
    def kid(self) -> str | None:
        return token_kid(self.token)

    def __str__(self) -> str:
        return self.masked

    def __repr__(self) -> str:
        return f"<Sealed {self.kind} {self.masked}>"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sealed):
            return self.token == other.token
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.token)

    def __bool__(self) -> bool:
        return bool(self.token)


class _SealedDescriptor:
    """Assigning a plain string seals it at once and refreshes the look-up digest."""

    def __init__(self, field: EncryptedField) -> None:
        self.field = field

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        if instance is None:
            return self
        return instance.__dict__.get(self.field.attname)

    def __set__(self, instance: Any, value: Any) -> None:
        field = self.field
        if isinstance(value, str):
            value = value.strip()
            if value == "":
                value = None
            else:
                if field.hmac_field:
                    instance.__dict__[field.hmac_attname] = lookup_digest(field.kind, value)
                value = Sealed.seal(normalise(field.kind, value), kind=field.kind, label=field.label_for_aad)
        if value is None and field.hmac_field and field.attname in instance.__dict__:
            instance.__dict__[field.hmac_attname] = None
        instance.__dict__[field.attname] = value


class EncryptedField(models.TextField):
    """A text column holding a sealed token. Pair with a digest column for exact look-up."""

    def __init__(self, *args: Any, kind: str, hmac_field: str | None = None, **kwargs: Any) -> None:
        self.kind = kind
        self.hmac_field = hmac_field
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        # Migrations name the field by the package that re-exports it, not this module.
        path = "shequ.core.pii.EncryptedField"
        kwargs["kind"] = str(self.kind)
        if self.hmac_field:
            kwargs["hmac_field"] = self.hmac_field
        return name, path, args, kwargs

    @property
    def hmac_attname(self) -> str:
        assert self.hmac_field
        return self.hmac_field

    @property
    def label_for_aad(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def contribute_to_class(self, cls: Any, name: str, private_only: bool = False) -> None:
        super().contribute_to_class(cls, name, private_only)
        setattr(cls, self.attname, _SealedDescriptor(self))

    def pre_save(self, model_instance: Any, add: bool) -> Any:
        value = getattr(model_instance, self.attname)
        if self.hmac_field:
            # Model.__init__ resets the digest to its default after the descriptor set it,
            # so the digest is settled here; the digest column must come after this one.
            if isinstance(value, Sealed) and value._plain is not None:
                setattr(model_instance, self.hmac_attname, lookup_digest(self.kind, value._plain))
            elif value is None:
                setattr(model_instance, self.hmac_attname, None)
        return value

    def check(self, **kwargs: Any) -> list[Any]:
        from django.core import checks

        errors = list(super().check(**kwargs))
        if self.hmac_field:
            names = [f.name for f in self.model._meta.concrete_fields]
            if self.hmac_field not in names:
                errors.append(checks.Error(f"{self.hmac_field} is not a field", obj=self, id="shequ.E001"))
            elif names.index(self.hmac_field) < names.index(self.name):
                errors.append(
                    checks.Error(
                        f"digest field {self.hmac_field} must be declared after {self.name}",
                        obj=self,
                        id="shequ.E002",
                    )
                )
        return errors

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Sealed | None:
        if value is None or value == "":
            return None
        return Sealed(value, kind=self.kind, label=self.label_for_aad)

    def to_python(self, value: Any) -> Any:
        return value

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, Sealed):
            return value.token
        if isinstance(value, str):
            if value == "":
                return None
            return encrypt(normalise(self.kind, value), label=self.label_for_aad)
        raise TypeError(f"{self.label_for_aad} takes a string or a Sealed value")

    def value_to_string(self, obj: Any) -> str:
        value = self.value_from_object(obj)
        return value.token if isinstance(value, Sealed) else (value or "")

    def validate(self, value: Any, model_instance: Any) -> None:
        if value is None and not self.null:
            raise ValidationError(self.error_messages["null"], code="null")


def digest_field(**kwargs: Any) -> models.CharField[Any, Any]:
    kwargs.setdefault("max_length", 80)
    kwargs.setdefault("null", True)
    kwargs.setdefault("blank", True)
    kwargs.setdefault("db_index", True)
    kwargs.setdefault("editable", False)
    return models.CharField(**kwargs)


def encrypted_fields(model: type[models.Model]) -> list[EncryptedField]:
    return [f for f in model._meta.get_fields() if isinstance(f, EncryptedField)]


def with_digest_fields(model: type[models.Model], update_fields: Iterable[str]) -> list[str]:
    """``update_fields`` plus the digest column of every encrypted field named in it."""
    names = list(update_fields)
    for field in encrypted_fields(model):
        if field.name in names and field.hmac_field and field.hmac_field not in names:
            names.append(field.hmac_field)
    return names
