from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from kedja.assessments.demo import build_assessment_demo
from kedja.calls.demo import build_calls_demo
from kedja.followup.demo import build_followup_demo
from kedja.indicators.demo_kolada import build_kolada_demo
from kedja.initiatives.demo import build_initiative_demo
from kedja.organisations.demo import DEMO_DOMAIN, DEMO_SECOND_FACTOR, DEMO_TOTP_SECRET, build_demo
from kedja.plans.demo import build_plan_demo


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
                build_kolada_demo(people)
                build_followup_demo(people)
                build_plan_demo(people)
                logins += build_calls_demo(people)
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"\nDemo logins (password for all: {logins[0][1]}):")
        width = max(len(email) for email, _, _ in logins)
        for email, _password, roles in logins:
            self.stdout.write(f"  {email:<{width}}  {roles}")
        who = ", ".join(f"{name}@{DEMO_DOMAIN}" for name in DEMO_SECOND_FACTOR)
        self.stdout.write(
            f"\nSecond factor (TOTP) for {who}: add the secret {DEMO_TOTP_SECRET} to an authenticator app "
            "(README: demo logins). Development only: a published secret protects nothing."
        )
        self.stdout.write("")
