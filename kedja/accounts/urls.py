from django.urls import path

from . import views, views_second_factor

app_name = "accounts"
urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password/reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("", views.account, name="account"),
    path("sessions/end-others/", views.end_other_sessions, name="end_other_sessions"),
    path("second-factor/", views_second_factor.setup, name="second_factor_setup"),
    path("second-factor/verify/", views_second_factor.verify, name="second_factor_verify"),
    path("second-factor/remove/", views_second_factor.remove, name="second_factor_remove"),
]
