from django.urls import path

from schools import views

app_name = "schools"
urlpatterns = [
    path("", views.school_list, name="list"),
    path("<int:pk>/", views.school_detail, name="detail"),
    path("<int:pk>/term-dates/", views.term_dates, name="term_dates"),
    path("term-dates/defaults/", views.default_term_dates, name="default_term_dates"),
]
