"""URL patterns of calls/views_apply.py; kedja/calls/urls.py includes them under the "calls" namespace."""

urlpatterns: list = []
