"""URL patterns of indicators/views_transitions.py; kedja/indicators/urls.py includes them under the "indicators" namespace."""

urlpatterns: list = []
