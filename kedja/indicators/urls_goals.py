"""URL patterns of indicators/views_goals.py; kedja/indicators/urls.py includes them under the "indicators" namespace."""

urlpatterns: list = []
