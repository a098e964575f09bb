"""Language selection: Chinese first.

Django's LocaleMiddleware follows the browser's Accept-Language, which would show a half-translated
English page to staff whose browsers happen to be set to English. Here the language is the one the user
chose (the language cookie set by ``/i18n/setlang/``), and otherwise the site default (zh-hans).
"""

from django.conf import settings
from django.utils import translation


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
