"""A JSON body the parser cannot take apart is a 400, never a 500.

Python's parser descends once per nested bracket: a body of 100,000 ``[`` raises
``RecursionError``, which DRF's own parser lets through as a server error; so does an unknown
charset (``LookupError``)."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser as DRFJSONParser


class JSONParser(DRFJSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON parse error - the body is nested too deeply.")) from None
        except LookupError:
            raise ParseError(_("JSON parse error - unknown charset.")) from None
