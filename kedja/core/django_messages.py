"""Messages that Django itself shows but whose Swedish and bokmål translations its own catalogs lack (the
empty choice of a select, new in Django 6). Named here so that `makemessages` keeps them in Kedja's catalogs,
which Django reads before its own (LOCALE_PATHS)."""

from django.utils.translation import gettext_noop

DJANGO_MESSAGES = (gettext_noop("- Select an option -"),)
