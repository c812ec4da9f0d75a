"""Settings for the test suite: kedja.settings with tasks run inside the request (ImmediateBackend), so a
test sees a task's effect at once. kedja/kolada/tests/test_tasks.py drives the database queue itself."""

from kedja.settings import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
