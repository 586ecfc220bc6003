"""The app's URLs plus the benchmarks' floor page, used only when SEND_HUB_BENCH_FLOOR is on.

The bare page is what Django itself costs: a fixed answer, no template, no one signed in. The
floor (benchmarks/pages.py) is an empty page that extends base.html behind every
middleware, signed in: what any page costs before it does anything of its own. Schools' servers
never route it (settings.ROOT_URLCONF is send_hub.urls unless the benchmark asks for this one).
"""

from django.urls import path

from send_hub import views
from send_hub.urls import urlpatterns as app_urlpatterns

urlpatterns = [
    *app_urlpatterns,
    path("bench/floor/", views.floor, name="bench_floor"),
    path("bench/bare/", views.bare, name="bench_bare"),
]
