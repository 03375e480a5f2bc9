from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "matching.web"
    label = "sroi"
    verbose_name = "sroi-match"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from matching.web import signals  # noqa: F401  (login auditing)
