"""The staff app's pages, one module per concern; staff/urls.py names each view's path."""
