from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from kedja.assessments.demo import build_assessment_demo
from kedja.initiatives.demo import build_initiative_demo
from kedja.organisations.demo import build_demo


class Command(BaseCommand):
    help = (
        "Build the demo world (two regions, municipalities, units, one person per role). Not in production."
    )

    def handle(self, *args, **options):
        try:
            with translation.override("sv"):
                people = {}
                logins = build_demo(people)
                build_assessment_demo(people)
                build_initiative_demo(people)
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"\nDemo logins (password for all: {logins[0][1]}):")
        width = max(len(email) for email, _, _ in logins)
        for email, _password, roles in logins:
            self.stdout.write(f"  {email:<{width}}  {roles}")
        self.stdout.write("")
