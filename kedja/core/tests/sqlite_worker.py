"""Run by test_sqlite.py in separate processes: Django configured from the environment exactly as in
production use of the embedded default (DATABASE_URL=sqlite:///...), doing read-then-write transactions."""

import json
import os
import sys

import django


def main() -> None:
    mode, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kedja.settings")
    django.setup()
    from django.db import OperationalError, connection, transaction

    if mode == "pragmas":
        with connection.cursor() as c:
            out = {}
            for pragma in ("journal_mode", "busy_timeout", "foreign_keys", "synchronous"):
                c.execute(f"PRAGMA {pragma}")
                out[pragma] = c.fetchone()[0]
        print(json.dumps(out))
        return
    if mode == "init":
        with connection.cursor() as c:
            c.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
            c.execute("INSERT INTO counter (id, n) VALUES (1, 0)")
        return
    locked = 0
    for _ in range(n):
        try:
            with transaction.atomic(), connection.cursor() as c:
                c.execute("SELECT n FROM counter WHERE id = 1")
                value = c.fetchone()[0]
                c.execute("UPDATE counter SET n = %s WHERE id = 1", [value + 1])
        except OperationalError as error:
            if "locked" not in str(error):
                raise
            locked += 1
    print(json.dumps({"locked": locked}))


if __name__ == "__main__":
    main()
