"""Personal data at rest: encryption, keyed look-up digests, masking and audited reveal.

Every ID number, phone, exact address, health note and special-group tag is stored in an
``EncryptedField``.  A value read from the database is a :class:`Sealed`: printing it (in a
template, a log line, an API schema) shows only its mask.  The plaintext comes out through
:func:`reveal`, which checks the permission and writes an audit entry, or, for code that
needs the value to do its job (validation, de-duplication, sending an SMS), through
``Sealed.plaintext_for_processing()`` — a name that is easy to find in review.

Ciphertext format (text column): ``{kid}:{suite}:{base64(nonce | ciphertext | tag)}``
Look-up digest format: ``{kid}:{hex}``.  ``kid`` names the key that made it, so values
written under an older key still decrypt and still match during and after rotation.

Suites: ``s`` = SM4-GCM + HMAC-SM3 + HKDF-SM3 (国密, the default);
``a`` = AES-256-GCM + HMAC-SHA256 + HKDF-SHA256 (setting ``SHEQU_CRYPTO_SUITE=aes``).
"""

from __future__ import annotations

import base64
import binascii
import hmac as std_hmac
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# --------------------------------------------------------------------------- kinds


class PIIKind(models.TextChoices):
    ID_NUMBER = "id_number", gettext_lazy("证件号码")
    PHONE = "phone", gettext_lazy("电话号码")
    ADDRESS = "address", gettext_lazy("详细地址")
    HEALTH = "health", gettext_lazy("健康信息")
    SPECIAL = "special", gettext_lazy("特殊人群标签")
    SECRET = "secret", gettext_lazy("密钥")
    TEXT = "text", gettext_lazy("个人信息")


#: Kinds whose reveal needs the stricter permission as well.
SENSITIVE_KINDS = {PIIKind.HEALTH, PIIKind.SPECIAL}

# --------------------------------------------------------------------------- keys


class DataKeyError(ImproperlyConfigured):
    pass


@dataclass(frozen=True)
class DataKey:
    kid: str
    suite: str  # "s" or "a"
    enc_key: bytes
    mac_key: bytes


def _decode_raw_key(raw: str) -> bytes:
    raw = raw.strip()
    candidates: list[bytes] = []
    if re.fullmatch(r"[0-9a-fA-F]{64,}", raw):
        candidates.append(binascii.unhexlify(raw))
    for decoder in (base64.urlsafe_b64decode, base64.b64decode):
        try:
            candidates.append(decoder(raw + "=" * (-len(raw) % 4)))
        except (binascii.Error, ValueError):
            continue
    for key in candidates:
        if len(key) >= 32:
            return key
    raise DataKeyError(
        "SHEQU_DATA_KEY must be at least 32 random bytes, written as base64 or hex "
        "(python -c 'import secrets; print(secrets.token_urlsafe(32))')"
    )


def _derive(raw: bytes, suite: str) -> DataKey:
    digest: hashes.HashAlgorithm = hashes.SM3() if suite == "s" else hashes.SHA256()
    enc_len = 16 if suite == "s" else 32

    def hkdf(info: bytes, length: int) -> bytes:
        return HKDF(algorithm=digest, length=length, salt=b"shequ-pii-v1", info=info).derive(raw)

    kid_mac = std_hmac.new(raw, b"shequ-key-id", "sha256").hexdigest()[:8]
    return DataKey(
        kid=kid_mac,
        suite=suite,
        enc_key=hkdf(b"encrypt:" + suite.encode(), enc_len),
        mac_key=hkdf(b"lookup", 32),
    )


def _suite_letter() -> str:
    return "s" if getattr(settings, "SHEQU_CRYPTO_SUITE", "sm4") == "sm4" else "a"


@lru_cache(maxsize=8)
def _keyring_cached(current: str, previous: tuple[str, ...], suite: str) -> tuple[DataKey, dict[str, bytes]]:
    raw_current = _decode_raw_key(current)
    main = _derive(raw_current, suite)
    raws = {main.kid: raw_current}
    for item in previous:
        raw = _decode_raw_key(item)
        kid = _derive(raw, suite).kid
        raws.setdefault(kid, raw)
    return main, raws


def keyring() -> tuple[DataKey, dict[str, bytes]]:
    """The current key and every raw key (current and previous) by key id."""
    return _keyring_cached(settings.SHEQU_DATA_KEY, tuple(settings.SHEQU_DATA_KEYS_PREVIOUS), _suite_letter())


def current_key() -> DataKey:
    return keyring()[0]


def _key_for(kid: str, suite: str) -> DataKey:
    _, raws = keyring()
    raw = raws.get(kid)
    if raw is None:
        raise DataKeyError(f"no data key with id {kid}; add the old key to SHEQU_DATA_KEYS_PREVIOUS")
    return _derive_cached(raw, suite)


@lru_cache(maxsize=32)
def _derive_cached(raw: bytes, suite: str) -> DataKey:
    return _derive(raw, suite)


def all_keys() -> list[DataKey]:
    main, raws = keyring()
    keys = [main]
    for kid, raw in raws.items():
        if kid != main.kid:
            keys.append(_derive_cached(raw, main.suite))
    return keys


SUITES = ("s", "a")


def lookup_keys() -> list[DataKey]:
    """Every key of the ring under every suite, the current one first.

    A digest written before the suite changed (``sm4`` → ``aes``) carries the same key id
    but another HMAC, so look-ups try both suites until rotation has rewritten it.
    """
    main, raws = keyring()
    keys = [main]
    for suite in (main.suite, *[s for s in SUITES if s != main.suite]):
        for raw in raws.values():
            key = _derive_cached(raw, suite)
            if key not in keys:
                keys.append(key)
    return keys


def current_token_prefix() -> str:
    """How every token sealed now begins: ``{kid}:{suite}:``. Others await rotation."""
    key = current_key()
    return f"{key.kid}:{key.suite}:"


def is_current_token(token: str | None) -> bool:
    return bool(token) and str(token).startswith(current_token_prefix())


# --------------------------------------------------------------------------- primitives


def _cipher(key: DataKey, nonce: bytes, tag: bytes | None = None) -> Cipher[Any]:
    algorithm = algorithms.SM4(key.enc_key) if key.suite == "s" else algorithms.AES(key.enc_key)
    return Cipher(algorithm, modes.GCM(nonce, tag))


def encrypt(plaintext: str, *, label: str, key: DataKey | None = None) -> str:
    key = key or current_key()
    nonce = os.urandom(12)
    encryptor = _cipher(key, nonce).encryptor()
    encryptor.authenticate_additional_data(label.encode())
    body = encryptor.update(plaintext.encode("utf-8")) + encryptor.finalize()
    blob = base64.b64encode(nonce + body + encryptor.tag).decode("ascii")
    return f"{key.kid}:{key.suite}:{blob}"


class DecryptionError(Exception):
    pass


def decrypt(token: str, *, label: str) -> str:
    try:
        kid, suite, blob = token.split(":", 2)
        data = base64.b64decode(blob, validate=True)
    except (ValueError, binascii.Error) as exc:
        raise DecryptionError("value is not a sealed token") from exc
    if suite not in SUITES or len(data) < 12 + 16:
        raise DecryptionError("value is not a sealed token")
    key = _key_for(kid, suite)
    nonce, body, tag = data[:12], data[12:-16], data[-16:]
    decryptor = _cipher(key, nonce, tag).decryptor()
    decryptor.authenticate_additional_data(label.encode())
    try:
        return (decryptor.update(body) + decryptor.finalize()).decode("utf-8")
    except (InvalidTag, UnicodeDecodeError) as exc:
        raise DecryptionError("sealed value failed authentication") from exc


def token_kid(token: str | None) -> str | None:
    if not token:
        return None
    return token.split(":", 1)[0]


def normalise(kind: str, value: str) -> str:
    """The canonical form that is sealed and digested (full-width digits and letters folded)."""
    value = value.strip()
    if kind in (PIIKind.ID_NUMBER, PIIKind.PHONE):
        value = unicodedata.normalize("NFKC", value)
    if kind == PIIKind.ID_NUMBER:
        return value.upper().replace(" ", "")
    if kind == PIIKind.PHONE:
        digits = re.sub(r"[^0-9]", "", value)
        if digits.startswith("86") and len(digits) == 13:
            digits = digits[2:]
        return digits
    return value


def lookup_digest(kind: str, value: str, *, key: DataKey | None = None) -> str:
    key = key or current_key()
    algorithm: hashes.HashAlgorithm = hashes.SM3() if key.suite == "s" else hashes.SHA256()
    mac = crypto_hmac.HMAC(key.mac_key, algorithm)
    mac.update(f"{kind}\x00{normalise(kind, value)}".encode())
    return f"{key.kid}:{mac.finalize().hex()}"


def lookup_candidates(kind: str, value: str) -> list[str]:
    """Digests of ``value`` under every key in the ring (and both suites): filter with ``field__in``."""
    return [lookup_digest(kind, value, key=k) for k in lookup_keys()]


# --------------------------------------------------------------------------- masks


def mask_id_number(value: str) -> str:
    """At most the first 2 and last 2 characters: ``32**************34``."""
    value = value.strip()
    if len(value) <= 4:
        return "*" * len(value)
    keep_head = 2 if len(value) >= 8 else 1
    keep_tail = 2 if len(value) >= 8 else 1
    return value[:keep_head] + "*" * (len(value) - keep_head - keep_tail) + value[-keep_tail:]


def mask_phone(value: str) -> str:
    """``138****5678`` for mobiles; the middle hidden for other numbers."""
    digits = normalise(PIIKind.PHONE, value)
    if len(digits) == 11:
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) <= 4:
        return "*" * len(digits)
    return digits[:2] + "*" * (len(digits) - 4) + digits[-2:]


def mask_address(value: str) -> str:
    """Numbers (building, unit, room, house number) hidden; the place names kept."""
    masked = re.sub(r"[0-9０-９一二三四五六七八九十百]+(?=[号栋幢单元室楼层户组#-])", "*", value)
    masked = re.sub(r"[0-9０-９]", "*", masked)
    return masked if len(masked) <= 24 else masked[:24] + "…"


def mask_name(value: str) -> str:
    value = value.strip()
    if len(value) <= 1:
        return value
    return value[0] + "*" * (len(value) - 1)


def mask(kind: str, value: str | None) -> str:
    if value is None or value == "":
        return ""
    if kind == PIIKind.ID_NUMBER:
        return mask_id_number(value)
    if kind == PIIKind.PHONE:
        return mask_phone(value)
    if kind == PIIKind.ADDRESS:
        return mask_address(value)
    return "••••"


# --------------------------------------------------------------------------- the sealed value


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


# --------------------------------------------------------------------------- identity documents


class IdDocType(models.TextChoices):
    CITIZEN_ID = "cn_id", gettext_lazy("居民身份证")
    HK_MO_PERMIT = "hkmo_permit", gettext_lazy("港澳居民来往内地通行证")
    TW_PERMIT = "tw_permit", gettext_lazy("台湾居民来往大陆通行证")
    HK_MO_TW_RESIDENCE = "hmt_residence", gettext_lazy("港澳台居民居住证")
    FOREIGN_PERMANENT = "foreign_pr", gettext_lazy("外国人永久居留身份证")
    PASSPORT = "passport", gettext_lazy("护照")
    NONE_NEWBORN = "none_newborn", gettext_lazy("暂无证件（新生儿未落户）")


ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"


def citizen_id_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


@dataclass(frozen=True)
class CitizenId:
    number: str
    region_code: str
    birth_date: date
    sex: str  # "M" or "F"

    def age_on(self, day: date) -> int:
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years


def parse_citizen_id(value: str, *, today: date | None = None) -> CitizenId:
    """Validate an 18-digit citizen ID (GB 11643) or convert a 15-digit one.

    Raises ``ValidationError`` with a Chinese message naming what is wrong.
    """
    number = normalise(PIIKind.ID_NUMBER, value)
    if len(number) == 15:
        if not re.fullmatch(r"[0-9]{15}", number):
            raise ValidationError(_("15位身份证号码只能包含数字。"), code="id_format")
        first17 = number[:6] + "19" + number[6:]
        number = first17 + citizen_id_check_char(first17)
    if len(number) != 18:
        raise ValidationError(
            _("身份证号码应为18位（或旧式15位），当前为%(n)d位。") % {"n": len(number)}, code="id_length"
        )
    if not re.fullmatch(r"[0-9]{17}[0-9X]", number):
        raise ValidationError(_("身份证号码前17位必须是数字，最后一位是数字或X。"), code="id_format")
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise ValidationError(_("身份证号码中的出生日期不存在。"), code="id_birth_date") from exc
    today = today or timezone.localdate()
    if birth > today or birth.year < 1890:
        raise ValidationError(_("身份证号码中的出生日期不合理。"), code="id_birth_date")
    if number[:2] in {"00", "10"} or not ("11" <= number[:2] <= "91"):
        raise ValidationError(_("身份证号码的地区代码无效。"), code="id_region")
    if citizen_id_check_char(number[:17]) != number[17]:
        raise ValidationError(_("身份证号码校验位不正确，请核对后重新输入。"), code="id_check_digit")
    sex = "M" if int(number[16]) % 2 == 1 else "F"
    return CitizenId(number=number, region_code=number[:6], birth_date=birth, sex=sex)


_DOC_PATTERNS: dict[str, tuple[str, Any]] = {
    IdDocType.HK_MO_PERMIT: (r"[HM]\d{8,10}", gettext_lazy("港澳通行证号码应为H或M开头加8至10位数字。")),
    IdDocType.TW_PERMIT: (r"\d{8}|\d{10}", gettext_lazy("台湾居民来往大陆通行证号码应为8位或10位数字。")),
    IdDocType.PASSPORT: (r"[A-Z0-9]{5,17}", gettext_lazy("护照号码应为5至17位字母或数字。")),
    IdDocType.FOREIGN_PERMANENT: (
        r"[A-Z]{3}\d{12}|9\d{16}[\dX]",
        gettext_lazy(
            "外国人永久居留身份证号码应为3位字母加12位数字（旧版）或以9开头的18位号码（2023年版）。"
        ),
    ),
}


def validate_id_document(doc_type: str, number: str | None) -> str | None:
    """Check a document number against its type; return the normalised number."""
    doc_type = doc_type or IdDocType.CITIZEN_ID
    if doc_type not in IdDocType.values:
        raise ValidationError(_("未知的证件类型。"), code="id_doc_type")
    if doc_type == IdDocType.NONE_NEWBORN:
        if number and number.strip():
            raise ValidationError(_("“暂无证件”时不应填写证件号码。"), code="id_unexpected")
        return None
    if not number or not number.strip():
        raise ValidationError(_("请填写证件号码。"), code="required")
    if doc_type in (IdDocType.CITIZEN_ID, IdDocType.HK_MO_TW_RESIDENCE):
        parsed = parse_citizen_id(number)
        if doc_type == IdDocType.HK_MO_TW_RESIDENCE and parsed.region_code[:2] not in {"81", "82", "83"}:
            raise ValidationError(_("港澳台居民居住证号码应以81、82或83开头。"), code="id_region")
        return parsed.number
    pattern, message = _DOC_PATTERNS[doc_type]
    value = normalise(PIIKind.ID_NUMBER, number)
    if not re.fullmatch(pattern, value, flags=re.ASCII):
        raise ValidationError(str(message), code="id_format")
    # The 2023 card: 9, province, nationality, birth date, sequence, GB 11643 check character.
    if (
        doc_type == IdDocType.FOREIGN_PERMANENT
        and len(value) == 18
        and citizen_id_check_char(value[:17]) != value[17]
    ):
        raise ValidationError(_("外国人永久居留身份证号码校验位不正确。"), code="id_check_digit")
    return value


_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_LANDLINE = re.compile(r"0[0-9]{2,3}[0-9]{7,8}")


def validate_phone(value: str) -> str:
    digits = normalise(PIIKind.PHONE, value)
    if re.search(r"[^0-9+\-\s()]", unicodedata.normalize("NFKC", value).strip()):
        raise ValidationError(_("电话号码只能包含数字。"), code="phone_format")
    if _MOBILE.fullmatch(digits) or _LANDLINE.fullmatch(digits):
        return digits
    raise ValidationError(_("请输入11位手机号码或带区号的固定电话。"), code="phone_format")


def validate_mobile(value: str) -> str:
    digits = normalise(PIIKind.PHONE, value)
    folded = unicodedata.normalize("NFKC", value).strip()
    if re.search(r"[^0-9+\-\s]", folded) or not _MOBILE.fullmatch(digits):
        raise ValidationError(_("请输入正确的11位手机号码。"), code="mobile_format")
    return digits


# --------------------------------------------------------------------------- audited reveal

REVEAL_PERMISSION = "core.reveal_pii"
REVEAL_SENSITIVE_PERMISSION = "core.reveal_sensitive_pii"


def reveal(*, actor: Any, obj: models.Model, field: str, reason: str, area: Any = None) -> str:
    """Return the plaintext of ``obj.field`` for ``actor``, with permission and an audit entry.

    The caller must have fetched ``obj`` through a selector scoped to ``actor``.  ``area``
    files the audit entry under an area when ``obj`` has none of its own (a user's
    community), so that the area's auditors see who looked.
    """
    from shequ.core.audit import record  # local import: audit imports this module's masks

    try:
        model_field = obj._meta.get_field(field)
    except FieldDoesNotExist:
        model_field = None
    if not isinstance(model_field, EncryptedField):
        raise ValidationError({"field": _("该字段不是受保护的个人信息。")})
    if model_field.kind == PIIKind.SECRET:
        raise ValidationError({"field": _("密钥类信息不能查看。")})
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationError({"reason": _("查看完整信息须填写事由。")})
    if len(reason) > 500:
        raise ValidationError({"reason": _("事由不能超过500字。")})
    if not actor.has_perm(REVEAL_PERMISSION):
        raise PermissionDenied(_("您没有查看完整个人信息的权限。"))
    if model_field.kind in SENSITIVE_KINDS and not actor.has_perm(REVEAL_SENSITIVE_PERMISSION):
        raise PermissionDenied(_("您没有查看健康或特殊人群信息的权限。"))
    value = getattr(obj, field)
    plain = value.plaintext_for_processing() if isinstance(value, Sealed) else ""
    record(
        actor=actor,
        action="pii.reveal",
        obj=obj,
        area=area,
        changes={"field": field, "kind": str(model_field.kind)},
        reason=reason,
    )
    return plain


def iter_sealed(values: Iterable[Any]) -> Iterable[Sealed]:
    for value in values:
        if isinstance(value, Sealed):
            yield value
