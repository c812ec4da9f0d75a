from django.urls import path

from . import views, views_pages

app_name = "home"
urlpatterns = [
    path("", views.start, name="start"),
    path("switch/", views.switch_organisation, name="switch"),
    path("about/<slug:key>/", views_pages.site_page, name="site_page"),
]
