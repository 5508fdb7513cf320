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

The modules: :mod:`.kinds` (what a value is), :mod:`.crypto` (keys, sealing, digests),
:mod:`.masks`, :mod:`.fields` (``Sealed`` and ``EncryptedField``), :mod:`.documents`
(ID documents and phones) and :mod:`.reveal`.  Import from this package.
"""

from __future__ import annotations

from .crypto import (
    SUITES,
    DataKey,
    DataKeyError,
    DecryptionError,
    all_keys,
    current_key,
    current_token_prefix,
    decrypt,
    encrypt,
    is_current_token,
    keyring,
    lookup_candidates,
    lookup_digest,
    lookup_keys,
    normalise,
    token_kid,
)

# The key cache, for code that must forget the keys it derived (settings changed in tests).
from .crypto import _keyring_cached as _keyring_cached
from .documents import (
    ID_CHECK_CHARS,
    ID_WEIGHTS,
    CitizenId,
    IdDocType,
    citizen_id_check_char,
    parse_citizen_id,
    validate_id_document,
    validate_mobile,
    validate_phone,
)
from .fields import (
    EncryptedField,
    Sealed,
    digest_field,
    encrypted_fields,
    with_digest_fields,
)
from .kinds import SENSITIVE_KINDS, PIIKind
from .masks import mask, mask_address, mask_id_number, mask_name, mask_phone
from .reveal import REVEAL_PERMISSION, REVEAL_SENSITIVE_PERMISSION, iter_sealed, reveal

__all__ = [
    "ID_CHECK_CHARS",
    "ID_WEIGHTS",
    "REVEAL_PERMISSION",
    "REVEAL_SENSITIVE_PERMISSION",
    "SENSITIVE_KINDS",
    "SUITES",
    "CitizenId",
    "DataKey",
    "DataKeyError",
    "DecryptionError",
    "EncryptedField",
    "IdDocType",
    "PIIKind",
    "Sealed",
    "all_keys",
    "citizen_id_check_char",
    "current_key",
    "current_token_prefix",
    "decrypt",
    "digest_field",
    "encrypt",
    "encrypted_fields",
    "is_current_token",
    "iter_sealed",
    "keyring",
    "lookup_candidates",
    "lookup_digest",
    "lookup_keys",
    "mask",
    "mask_address",
    "mask_id_number",
    "mask_name",
    "mask_phone",
    "normalise",
    "parse_citizen_id",
    "reveal",
    "token_kid",
    "validate_id_document",
    "validate_mobile",
    "validate_phone",
    "with_digest_fields",
]
