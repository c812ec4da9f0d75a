"""URL patterns of indicators/views_kolada.py; kedja/indicators/urls.py includes them under the "indicators" namespace."""

urlpatterns: list = []
