from django.urls import path

from . import views

app_name = "organisations"
urlpatterns = [
    path("<int:org_id>/", views.organisation_detail, name="detail"),
    path("<int:org_id>/edit/", views.organisation_edit, name="edit"),
    path("<int:org_id>/people/", views.member_list, name="members"),
    path("<int:org_id>/people.xlsx", views.member_list_xlsx, name="members_xlsx"),
    path("memberships/<int:membership_id>/", views.membership_edit, name="membership_edit"),
    path("memberships/<int:membership_id>/end/", views.membership_end, name="membership_end"),
    path("memberships/<int:membership_id>/deactivate/", views.person_deactivate, name="person_deactivate"),
    path("invitations/<int:invitation_id>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
]
