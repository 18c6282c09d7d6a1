from django.urls import path

from hearth.privacy import views

app_name = "privacy"
urlpatterns = [
    path("", views.YourDataView.as_view(), name="your-data"),
    path("export/", views.ExportView.as_view(), name="export"),
    path("delete/", views.DeleteAccountView.as_view(), name="delete-account"),
]
