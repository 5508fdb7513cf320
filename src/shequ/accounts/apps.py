from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "shequ.accounts"
    label = "accounts"
    verbose_name = _("账户")

    def ready(self) -> None:
        from .models import ApiToken, User
        from .selectors import HELD_TOKENS

        HELD_TOKENS.watch((ApiToken, User))
