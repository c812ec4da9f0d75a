"""The password-reset e-mail, sent by the task worker (`manage.py db_worker`).

The reset page only enqueues `send_password_reset` with the address as typed and answers at once, the
same way for an address that has an account and one that has none: looking the address up, making the
link and talking to the mail server all happen in the worker, so the page's answer time does not tell
anyone which addresses have accounts."""

import logging

from django.tasks import task

logger = logging.getLogger(__name__)

EMAIL_TEMPLATE = "accounts/email/password_reset.txt"
SUBJECT_TEMPLATE = "accounts/email/password_reset_subject.txt"


@task
def send_password_reset(email: str, domain: str, use_https: bool) -> None:
    from .forms import ResetForm  # forms import the models; a task module stays light to import

    form = ResetForm({"email": email})
    if not form.is_valid():
        return
    form.save(
        domain_override=domain,
        use_https=use_https,
        email_template_name=EMAIL_TEMPLATE,
        subject_template_name=SUBJECT_TEMPLATE,
    )
