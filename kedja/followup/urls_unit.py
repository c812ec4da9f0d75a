"""URL patterns of followup/views_unit.py; kedja/followup/urls.py includes them under the "followup" namespace."""

urlpatterns: list = []
