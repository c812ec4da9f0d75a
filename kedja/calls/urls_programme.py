"""URL patterns of calls/views_programme.py; kedja/calls/urls.py includes them under the "calls" namespace."""

urlpatterns: list = []
