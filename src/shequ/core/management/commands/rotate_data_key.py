"""Re-encrypt personal data under the current data key (and crypto suite).

Every model with ``EncryptedField`` columns is found through the app registry; rows whose
token does not begin with the current ``{kid}:{suite}:`` are decrypted with the key ring,
sealed again under the current key and given a fresh look-up digest.  Rows are taken in
primary-key order, a batch at a time, each batch in its own transaction with its rows
locked, so a run that stops (killed, or ``--max-batches``) resumes by running again.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from functools import reduce
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Q
from django.db.models.functions import Cast, Substr
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shequ.core.audit import record
from shequ.core.pii import (
    DataKeyError,
    DecryptionError,
    EncryptedField,
    Sealed,
    current_key,
    current_token_prefix,
    decrypt,
    encrypted_fields,
    keyring,
    lookup_digest,
    token_kid,
)

HELP = gettext_lazy(
    "把个人信息密文改用当前数据密钥（及当前算法套件）重新加密，并重算查询摘要。"
    "更换密钥的步骤：① 把新密钥设为 SHEQU_DATA_KEY，把旧密钥移入 SHEQU_DATA_KEYS_PREVIOUS，重启服务；"
    "② 运行本命令（可多次运行，中断后再次运行即从剩余的值继续），直到 --check 通过；"
    "③ 再从 SHEQU_DATA_KEYS_PREVIOUS 中删除旧密钥。"
    "更换算法套件（SHEQU_CRYPTO_SUITE，sm4 或 aes）时同样运行本命令直到 --check 通过。"
)


@dataclass
class Target:
    """A model and the encrypted columns it declares itself."""

    model: type[models.Model]
    fields: list[EncryptedField]

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


@dataclass
class RunState:
    batch_size: int
    max_batches: int | None
    batches: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def exhausted(self) -> bool:
        return self.max_batches is not None and self.batches >= self.max_batches


def encrypted_targets() -> list[Target]:
    targets: list[Target] = []
    for model in sorted(apps.get_models(), key=lambda m: m._meta.label_lower):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.swapped:
            continue
        own = [f for f in encrypted_fields(model) if f.concrete and f.model is model]
        if own:
            targets.append(Target(model=model, fields=own))
    return targets


def _raw(name: str) -> Cast:
    """The column as stored (the token), without the field's conversion to ``Sealed``."""
    return Cast(name, output_field=models.TextField())


def stale_q(enc_field: EncryptedField, prefix: str) -> Q:
    """Rows whose value in ``enc_field`` was sealed under another key or suite."""
    return Q(**{f"{enc_field.attname}__isnull": False}) & ~Q(**{f"{enc_field.attname}__startswith": prefix})


def stale_by_key(target: Target, enc_field: EncryptedField, prefix: str) -> dict[str, int]:
    """``{"kid:suite": count}`` of the values still sealed under an older key."""
    rows = (
        target.model._base_manager.filter(stale_q(enc_field, prefix))
        .annotate(key_tag=Substr(_raw(enc_field.attname), 1, 10, output_field=models.TextField()))
        .values("key_tag")
        .annotate(n=Count("pk"))
        .order_by("key_tag")
    )
    return {row["key_tag"] or "": row["n"] for row in rows}


class Command(BaseCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help = str(HELP)  # translated when the command runs, not when it is imported

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size", type=int, default=500, help=_("每批处理的行数（每批一个事务），默认500。")
        )
        parser.add_argument(
            "--max-batches", type=int, default=None, help=_("本次最多处理的批数；剩余的值再次运行时继续。")
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help=_("只检查：列出每个模型和字段仍使用旧密钥的值的数量，有则以非零状态退出。"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        batch_size = options["batch_size"]
        max_batches = options["max_batches"]
        if batch_size < 1 or batch_size > 100_000:
            raise CommandError(_("--batch-size 须在1至100000之间。"))
        if max_batches is not None and max_batches < 1:
            raise CommandError(_("--max-batches 须为正整数。"))
        try:
            key = current_key()
        except DataKeyError as exc:
            raise CommandError(_("数据密钥配置有误：%(error)s") % {"error": exc}) from exc
        targets = encrypted_targets()
        if options["check"]:
            self.check_only(targets, key.kid)
            return
        self.rotate(targets, RunState(batch_size=batch_size, max_batches=max_batches))

    # ------------------------------------------------------------------ --check

    def check_only(self, targets: list[Target], kid: str) -> None:
        prefix = current_token_prefix()
        _main, ring = keyring()
        total = 0
        for target in targets:
            for enc_field in target.fields:
                by_key = stale_by_key(target, enc_field, prefix)
                n = sum(by_key.values())
                total += n
                if not n:
                    continue
                detail = "，".join(
                    f"{tag} {count}" + ("" if token_kid(tag) in ring else _("（密钥不在密钥环中）"))
                    for tag, count in by_key.items()
                )
                self.stdout.write(f"{target.label}.{enc_field.name}: {n}（{detail}）")
        if total:
            raise CommandError(
                _("仍有%(n)d个值使用旧密钥或旧算法，请运行 rotate_data_key 直到本检查通过。") % {"n": total}
            )
        self.stdout.write(_("全部个人信息均已使用当前密钥 %(kid)s。") % {"kid": kid})

    # ------------------------------------------------------------------ rotation

    def rotate(self, targets: list[Target], state: RunState) -> None:
        key = current_key()
        error: str | None = None
        try:
            for target in targets:
                if state.exhausted:
                    break
                self.rotate_target(target, state)
        except BaseException as exc:  # recorded, then re-raised: a failed run is audited too
            error = str(exc) or type(exc).__name__
            raise
        finally:
            complete = error is None and not state.exhausted
            if state.exhausted:
                complete = not any(
                    target.model._base_manager.filter(
                        reduce(operator.or_, [stale_q(f, current_token_prefix()) for f in target.fields])
                    ).exists()
                    for target in targets
                )
            changes: dict[str, Any] = {
                "kid": key.kid,
                "suite": key.suite,
                "rotated": dict(state.counts),
                "total": sum(state.counts.values()),
                "batches": state.batches,
                "complete": complete,
            }
            if error:
                changes["error"] = error
            record(actor=None, action="pii.rotate", changes=changes, object_repr=_("个人信息密钥轮换"))
        for label, n in sorted(state.counts.items()):
            self.stdout.write(f"{label}: {n}")
        total = sum(state.counts.values())
        if complete:
            self.stdout.write(
                _("已重新加密%(n)d个值；全部个人信息均已使用当前密钥 %(kid)s。")
                % {"n": total, "kid": key.kid}
            )
        else:
            self.stdout.write(
                _("已重新加密%(n)d个值（%(b)d批）；已达到 --max-batches 上限，请再次运行以处理剩余的值。")
                % {"n": total, "b": state.batches}
            )

    def rotate_target(self, target: Target, state: RunState) -> None:
        prefix = current_token_prefix()
        stale = reduce(operator.or_, [stale_q(f, prefix) for f in target.fields])
        raw_names = {f.attname: f"_raw_{i}" for i, f in enumerate(target.fields)}
        last_pk: Any = None
        while not state.exhausted:
            with transaction.atomic():
                qs = target.model._base_manager.filter(stale)
                if last_pk is not None:
                    qs = qs.filter(pk__gt=last_pk)
                rows = list(
                    qs.select_for_update()
                    .annotate(**{alias: _raw(name) for name, alias in raw_names.items()})
                    .order_by("pk")
                    .values_list("pk", *raw_names.values())[: state.batch_size]
                )
                if not rows:
                    return
                for pk, *tokens in rows:
                    self.rotate_row(target, pk, tokens, prefix, state)
            state.batches += 1
            last_pk = rows[-1][0]

    def rotate_row(
        self, target: Target, pk: Any, tokens: list[str | None], prefix: str, state: RunState
    ) -> None:
        updates: dict[str, Any] = {}
        for enc_field, token in zip(target.fields, tokens, strict=True):
            if token is None or token.startswith(prefix):
                continue
            if token == "":
                updates[enc_field.attname] = None
                if enc_field.hmac_field:
                    updates[enc_field.hmac_field] = None
                continue
            label = enc_field.label_for_aad
            try:
                plain = decrypt(token, label=label)
            except DataKeyError as exc:
                raise CommandError(
                    _(
                        "%(model)s.%(field)s（主键 %(pk)s）使用的密钥 %(kid)s 不在密钥环中。"
                        "请把该密钥加入 SHEQU_DATA_KEYS_PREVIOUS 后再次运行；本批未作任何修改。"
                    )
                    % {"model": target.label, "field": enc_field.name, "pk": pk, "kid": token_kid(token)}
                ) from exc
            except DecryptionError as exc:
                raise CommandError(
                    _(
                        "%(model)s.%(field)s（主键 %(pk)s）的密文无法解密（已损坏或被篡改）；"
                        "本批未作任何修改。"
                    )
                    % {"model": target.label, "field": enc_field.name, "pk": pk}
                ) from exc
            updates[enc_field.attname] = Sealed.seal(plain, kind=enc_field.kind, label=label)
            if enc_field.hmac_field:
                updates[enc_field.hmac_field] = lookup_digest(enc_field.kind, plain)
            name = f"{target.label}.{enc_field.name}"
            state.counts[name] = state.counts.get(name, 0) + 1
        if not updates:
            return
        try:
            with transaction.atomic():
                target.model._base_manager.filter(pk=pk).update(**updates)
        except IntegrityError as exc:
            # A unique digest now equals another row's: the same person or number twice.
            raise CommandError(
                _(
                    "%(model)s（主键 %(pk)s）重新计算的查询摘要与另一行重复（同一号码登记了两次）。"
                    "请先合并或更正重复的数据后再次运行；本批未作任何修改。"
                )
                % {"model": target.label, "pk": pk}
            ) from exc
