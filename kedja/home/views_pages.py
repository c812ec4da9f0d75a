"""The footer's pages, open to everyone, signed in or not."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import get_language

from .models import SitePage
from .sitepages import page_content


def site_page(request, key: str):
    if key not in SitePage.Key.values:
        raise Http404()
    content = page_content(key, get_language())
    return render(request, "home/site_page.html", {"content": content, "key": key})
