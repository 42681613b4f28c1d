import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ungcuu.settings")
_django = get_wsgi_application()


def application(environ, start_response):
    """Django's application, with a whole (not streamed) response handed back as one
    piece of bytes: the server then writes it at once, with its length, instead of
    asking the response for its parts one by one."""
    response = _django(environ, start_response)
    if getattr(response, "streaming", True):
        return response
    try:
        return [response.content]
    finally:
        response.close()  # what the server would do after the last part (request_finished)
