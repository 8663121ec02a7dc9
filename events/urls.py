from django.urls import path

from events import calendar_views, register_views, school_views, views

app_name = "events"

urlpatterns = [
    # ECTs and mentors
    path("", views.my_events, name="my_events"),
    path("<int:event_id>/sessions/", views.choose_session, name="choose_session"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("bookings/<int:pk>/cancel/", views.cancel_booking, name="cancel_booking"),
    path("catch-up/<int:pk>/", views.catch_up, name="catch_up"),
    path("my-schedule.pdf", views.my_schedule_pdf, name="my_schedule_pdf"),
    # Induction tutors, headteachers and the delivery partner's staff
    path("schools/<int:pk>/", school_views.school_schedule, name="school_schedule"),
    path("schools/<int:pk>/schedule.pdf", school_views.school_schedule_pdf, name="school_schedule_pdf"),
    path("schools/<int:pk>/book/", school_views.book_for, name="book_for"),
    # Facilitators and the delivery partner's staff
    path("facilitating/", register_views.my_sessions, name="my_sessions"),
    path("sessions/<int:pk>/register/", register_views.register, name="register"),
    path("sessions/<int:pk>/register.pdf", register_views.register_pdf, name="register_pdf"),
    # Calendars
    path("sessions/<int:pk>/calendar.ics", calendar_views.session_ics, name="session_ics"),
    path("calendar/", calendar_views.calendar_settings, name="calendar_settings"),
    path("feeds/<str:token>.ics", calendar_views.feed, name="feed"),
]
