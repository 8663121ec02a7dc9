"""The project's URLs plus the programme pages, until ``ectalign/urls.py`` includes them
(then this adds nothing)."""

from django.urls import include, path

from ectalign.urls import urlpatterns as project_urlpatterns

urlpatterns = list(project_urlpatterns)
if not any(getattr(p, "namespace", None) == "programme" for p in urlpatterns):
    urlpatterns.append(path("programmes/", include("programme.urls")))
