"""Pages compressed for a weak link: Django's GZipMiddleware (which pads each response with
random bytes against BREACH; CSRF tokens in pages are masked anew on every request), for
text only: pictures, videos, Word and Excel files are compressed already."""

from __future__ import annotations

from django.middleware.gzip import GZipMiddleware

TEXT_TYPES = frozenset(
    {
        "text/html",
        "text/plain",
        "text/css",
        "text/csv",
        "text/javascript",
        "application/javascript",
        "application/json",
        "application/manifest+json",
        "application/xml",
        "image/svg+xml",
    }
)


class TextGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        content_type = response.get("Content-Type", "").split(";", 1)[0].strip().lower()
        if content_type not in TEXT_TYPES:
            return response
        return super().process_response(request, response)
