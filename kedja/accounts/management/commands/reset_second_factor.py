from django.core.management.base import BaseCommand, CommandError

from kedja.accounts import second_factor
from kedja.accounts.models import User
from kedja.core.identifiers import canonical_email


class Command(BaseCommand):
    help = (
        "Remove a person's second factor when they have lost it (new phone, deleted app). They set up a new "
        "one the next time Kedja asks. Check who is asking before you run this (docs/operations.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The person's e-mail address (any case).")
        parser.add_argument("--reason", default="", help="Why, for the security log (e.g. a ticket number).")

    def handle(self, *args, email, reason, **options):
        user = User.objects.filter(email=canonical_email(email)).first()
        if user is None:
            raise CommandError(f"No person with the e-mail address {email}.")
        deleted = second_factor.reset(user, reason=reason)
        if deleted:
            self.stdout.write(f"Second factor of {user.email} reset ({deleted} device(s) removed).")
        else:
            self.stdout.write(f"{user.email} had no second factor; nothing to reset (recorded anyway).")
