"""How SEND Hub drives a browser (tests and the screenshot tour): the system Chromium, never a
downloaded one, with the flags that keep it from calling out on a closed network."""

import os

CHROMIUM_PATH = os.environ.get("SEND_HUB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
