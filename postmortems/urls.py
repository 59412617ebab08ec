from django.urls import path

from postmortems import views

app_name = "postmortems"

urlpatterns = [
    path("", views.postmortem_list, name="list"),
    path("<int:pk>/", views.postmortem_detail, name="detail"),
    path("<int:pk>/export.md", views.postmortem_markdown, name="markdown"),
    path("<int:pk>/export.pdf", views.postmortem_pdf, name="pdf"),
]
