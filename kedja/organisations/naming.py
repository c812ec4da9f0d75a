"""An organisation's proper name as people write it. The reference data (SCB, SSB) name a municipality by its
place name ("Örebro", "Falun"); letters, pages and documents call it by the name of the organisation
("Örebro kommun", "Falu kommun", "Region Gotland", "Oslo kommune").

Swedish municipality names follow the language's genitive: a place name that ends in a consonant other
than s, x or z takes an -s ("Lunds kommun", "Linköpings kommun"), one that ends in a vowel or s/x/z does
not ("Örebro kommun", "Degerfors kommun", "Kalix kommun"). The few official names that do not follow it
are listed by municipality code."""

SWEDISH_EXCEPTIONS = {
    "0880": "Kalmar kommun",
    "0980": "Region Gotland",  # a municipality with a region's tasks
    "2080": "Falu kommun",
}
_NO_GENITIVE_S = set("aeiouyåäöéüsxz")
_ALREADY_FULL = (" stad", " Stad", " kommuna", " suohkan")


def municipality_name(place: str, *, country: str, code: str = "") -> str:
    """The municipality's name from its place name ('Örebro' → 'Örebro kommun')."""
    place = place.strip()
    if not place or "kommun" in place.lower() or place.endswith(_ALREADY_FULL) or place.startswith("Region "):
        return place  # already the organisation's own name
    if country == "NO":
        return f"{place} kommune"
    if code in SWEDISH_EXCEPTIONS:
        return SWEDISH_EXCEPTIONS[code]
    last = place[-1].lower()
    genitive = f"{place}s" if last.isalpha() and last not in _NO_GENITIVE_S else place
    return f"{genitive} kommun"


def role_in_sentence(label: str) -> str:
    """A role's name mid-sentence: lower case ('som rektor'), but an abbreviation keeps its capitals
    ('som STEAM-samordnare')."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]
