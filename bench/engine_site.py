"""config.urls, and the engine row's baseline at /bench/bare-write/<row>/ (bench.engine_settings
only): the same middleware, token and request rates as the API, then one transaction that locks
a row, updates it and inserts an event, the least a recorded step can cost."""

import json

from django.db import connection, transaction
from django.urls import path
from django.utils import timezone
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import handler403, handler404  # noqa: F401
from config.urls import urlpatterns as app_urlpatterns


class BareWrite(APIView):
    def post(self, request, row: int):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT n FROM bench_row WHERE id = %s FOR UPDATE", [row])
            (n,) = cursor.fetchone()
            cursor.execute("UPDATE bench_row SET n = %s, changed_at = %s WHERE id = %s",
                           [n + 1, timezone.now(), row])
            cursor.execute("INSERT INTO bench_event (row_id, actor_id, occurred_at, ip, after) "
                           "VALUES (%s, %s, %s, %s, %s)",
                           [row, request.user.pk, timezone.now(), request.META["REMOTE_ADDR"],
                            json.dumps({"n": n + 1, **request.data}, ensure_ascii=False)])
        return Response({"row": row, "n": n + 1})


urlpatterns = [path("bench/bare-write/<int:row>/", BareWrite.as_view()), *app_urlpatterns]
