"""Data keys, sealing and opening tokens, and keyed look-up digests.

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
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .kinds import PIIKind

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
