from django.urls import path

from . import views

app_name = "frameworks"
urlpatterns = [
    path("", views.framework_list, name="list"),
    path("import/", views.framework_import, name="import"),
    path("<int:framework_id>/", views.framework_detail, name="detail"),
    path("<int:framework_id>/draft/", views.start_draft, name="start_draft"),
    path("versions/<int:version_id>/", views.version_detail, name="version"),
    path("versions/<int:version_id>/export/", views.version_export, name="export"),
    path("versions/<int:version_id>/publish/", views.publish, name="publish"),
    path("versions/<int:version_id>/offer/", views.offer, name="offer"),
    path("nodes/<int:node_id>/edit/", views.node_edit, name="node_edit"),
]
