import pytest
from django.utils import translation

from kedja.accounts.devices import describe

FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
EDGE = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Mobile/15E148 Safari/604.1"
)
CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)


@pytest.mark.parametrize(
    ("agent", "expected"),
    [
        (FIREFOX_WINDOWS, "Firefox på Windows"),
        (EDGE, "Edge på Windows"),
        (SAFARI_IPHONE, "Safari på iOS"),
        (CHROME_ANDROID, "Chrome på Android"),
        ("curl/8.5.0", "Okänd webbläsare"),
        ("", "Okänd webbläsare"),
    ],
)
def test_a_session_is_described_as_people_say_it(agent, expected):
    with translation.override("sv"):
        assert describe(agent) == expected
