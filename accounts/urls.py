from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import TemplateView

app_name = "accounts"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    # Django 5 accepts only POST here, so a link or a prefetch cannot sign anyone out.
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # django-axes renders the same template itself on lockout; this address lets pages link to it.
    path("locked/", TemplateView.as_view(template_name="registration/locked_out.html"), name="locked_out"),
]
