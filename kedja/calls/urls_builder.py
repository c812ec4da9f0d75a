"""URL patterns of calls/views_builder.py; kedja/calls/urls.py includes them under the "calls" namespace."""

urlpatterns: list = []
