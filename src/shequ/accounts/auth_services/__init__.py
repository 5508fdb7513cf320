"""Logging in: staff password and TOTP, residents by SMS code, login throttling.

Throttling
----------
Failures are counted in :class:`~shequ.accounts.models.LoginThrottle` rows under three kinds
of key: the account name tried (``user:…``), the phone tried (``phone:…``, a keyed digest,
never the number) and the client address (``ip:…``).  Once a key reaches its limit inside
:data:`FAILURE_WINDOW` it is locked for ``SHEQU_LOGIN_LOCK_MINUTES``; while locked, even the
right password or code is refused.  A completed login clears the account's (or phone's)
counter, not the address's.

* account and phone keys lock after ``SHEQU_LOGIN_MAX_FAILURES`` failures;
* an address locks only after ``SHEQU_LOGIN_MAX_FAILURES × IP_LIMIT_FACTOR`` failures, so
  that one person mistyping in an office that shares a public address cannot quickly lock
  out everyone else there, while a guesser spraying many accounts from one address is
  still stopped.

Wrong passwords, wrong TOTP codes and wrong SMS codes all count.  Counters are incremented
with a single ``UPDATE … SET failures = failures + 1`` inside a transaction that holds the
row (``select_for_update``), so concurrent failures are all counted.

The modules: :mod:`.refusals`, :mod:`.throttling`, :mod:`.sessions` (staff password, completing
a login), :mod:`.totp`, :mod:`.sms` and :mod:`.passwords`.  Import from this package.
"""

from __future__ import annotations

from .passwords import password_change, password_policy_errors, password_policy_help
from .refusals import AuthRefused, LoginLocked, ResendTooSoon, lock_message
from .sessions import record_login, staff_check_password
from .sms import (
    SMS_MAX_ATTEMPTS,
    SMS_PURPOSE_LOGIN,
    resident_for_phone,
    resident_username,
    sms_code_send,
    sms_code_verify,
    sms_resend_wait,
    sms_ttl_minutes,
)
from .throttling import (
    FAILURE_WINDOW,
    IP_LIMIT_FACTOR,
    FailureResult,
    account_key,
    clear_failures,
    ensure_not_locked,
    ip_key,
    locked_until,
    mask_login_name,
    phone_key,
    record_failure,
    register_failure,
)
from .totp import (
    TOTP_ISSUER_FALLBACK,
    TOTP_MAX_ATTEMPTS,
    group_secret,
    totp_check_code,
    totp_code_failed,
    totp_confirm_enrolment,
    totp_current_code,
    totp_enrolment_secret,
    totp_has_confirmed_secret,
    totp_provisioning_uri,
    totp_qr_svg,
)

__all__ = [
    "FAILURE_WINDOW",
    "IP_LIMIT_FACTOR",
    "SMS_MAX_ATTEMPTS",
    "SMS_PURPOSE_LOGIN",
    "TOTP_ISSUER_FALLBACK",
    "TOTP_MAX_ATTEMPTS",
    "AuthRefused",
    "FailureResult",
    "LoginLocked",
    "ResendTooSoon",
    "account_key",
    "clear_failures",
    "ensure_not_locked",
    "group_secret",
    "ip_key",
    "lock_message",
    "locked_until",
    "mask_login_name",
    "password_change",
    "password_policy_errors",
    "password_policy_help",
    "phone_key",
    "record_failure",
    "record_login",
    "register_failure",
    "resident_for_phone",
    "resident_username",
    "sms_code_send",
    "sms_code_verify",
    "sms_resend_wait",
    "sms_ttl_minutes",
    "staff_check_password",
    "totp_check_code",
    "totp_code_failed",
    "totp_confirm_enrolment",
    "totp_current_code",
    "totp_enrolment_secret",
    "totp_has_confirmed_secret",
    "totp_provisioning_uri",
    "totp_qr_svg",
]
