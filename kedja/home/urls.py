from django.urls import path

from . import views

app_name = "home"
urlpatterns = [
    path("", views.start, name="start"),
    path("switch/", views.switch_organisation, name="switch"),
]
