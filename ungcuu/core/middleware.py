"""Request middleware of the project."""

from __future__ import annotations

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import timezone, translation


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Pages are Vietnamese unless the person picked another language with the switch.

    Many offices' browsers are set to English while the people at them read
    Vietnamese, so a browser's Accept-Language alone does not change the pages.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen not in dict(settings.LANGUAGES):
            chosen = settings.LANGUAGE_CODE
        translation.activate(chosen)
        request.LANGUAGE_CODE = translation.get_language()


# Nothing in the app uses these; a page that tried (or a script slipped into one) gets no
# prompt. The report form's photo input opens the phone's camera app through the file
# picker, which the camera policy does not govern.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)
SESSION_ENDS_HEADER = "X-UngCuu-Session-Ends-In"


class SecurityHeadersMiddleware:
    """Permissions-Policy on every answer, and on a signed-in page the seconds its session has left.

    The service worker keeps a copy of pages for offline use; it stops showing the
    personal ones once those seconds have passed, when it cannot ask the server.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        left = _session_seconds_left(request)
        if left is not None and response.get("Content-Type", "").startswith("text/html"):
            response[SESSION_ENDS_HEADER] = str(left)
        return response


def _session_seconds_left(request) -> int | None:
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    if session is None or user is None or not user.is_authenticated:
        return None
    if session.modified or settings.SESSION_SAVE_EVERY_REQUEST:
        # Saved after this answer, counting from now.
        return max(session.get_expiry_age(), 0)
    ends = getattr(session, "expire_date", None)
    if ends is None:
        return None
    return max(int((ends - timezone.now()).total_seconds()), 0)
