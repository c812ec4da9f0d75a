"""Text search that folds case beyond A–Z on every database: "Åk" finds "åk", "ÖREBRO" finds "Örebro".

PostgreSQL's LOWER() lowers all of Unicode; SQLite's lower() and LIKE fold only ASCII letters. On SQLite
each connection gets a function KEDJA_LOWER (Python's str.lower) when it is opened (`register_functions`,
connected in CoreConfig.ready), and `Lower` uses it; on PostgreSQL it is plain LOWER()."""

from django.db.models import Func, Q, TextField


def _lower(value):
    return value.lower() if isinstance(value, str) else value


def register_functions(sender, connection, **kwargs) -> None:
    """connection_created: give a new SQLite connection the Unicode-aware KEDJA_LOWER."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("KEDJA_LOWER", 1, _lower, deterministic=True)


class Lower(Func):
    """LOWER(text) that folds every letter, not only A–Z."""

    function = "LOWER"
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="KEDJA_LOWER", **extra_context)


def contains_any(qs, fields: list[str], text: str):
    """`qs` where any of `fields` contains `text`, case folded as above (one query, no extra columns)."""
    needle = text.lower()
    aliases = {f"_lower_{name}": Lower(name) for name in fields}
    match = Q()
    for alias in aliases:
        match |= Q(**{f"{alias}__contains": needle})
    return qs.alias(**aliases).filter(match)
