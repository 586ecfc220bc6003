"""Reading a rendered page in tests.

A page carries random tokens (the CSRF token in the sign-out form, on every signed-in page), so a
short name asserted absent from the whole page can match by chance: "Ava" once turned up inside
a token. Assert absence against the page's <main>, which holds what the page is about.
"""

from django.http import HttpResponse


def main_of(response: HttpResponse) -> str:
    """The HTML inside the page's <main> element."""
    page = response.content.decode()
    start = page.index("<main")
    return page[page.index(">", start) + 1 : page.index("</main>", start)]
