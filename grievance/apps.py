from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrievanceConfig(AppConfig):
    name = "grievance"
    verbose_name = _("诉求办理")
