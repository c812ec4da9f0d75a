from datetime import timedelta

from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand
from django.utils import timezone

from kedja.accounts.sessions import purge_stale_records


class Command(BaseCommand):
    help = "Delete expired sessions and the records of sessions that no longer exist. Safe to run any time (cron)."

    def handle(self, *args, **options):
        expired, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
        stale = purge_stale_records(older_than=timedelta(minutes=5))
        self.stdout.write(f"Housekeeping: {expired} expired sessions, {stale} stale session records deleted.")
