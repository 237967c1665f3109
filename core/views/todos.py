"""``GET /api/v1/todos/``: the signed-in user's to-dos, the same items as the account page
(``core/todos.py::todos_for``), its own only. Read-only, so it needs no row in the hardening
table of mutating routes."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.schema import error_responses
from core.todos import todos_for


class TodoOutput(serializers.Serializer):
    kind = serializers.CharField(help_text="Stable code of the kind of item, e.g. "
                                           "delivery.decide, rating.give, complaint.handle.")
    title = serializers.CharField()
    subject = serializers.CharField(help_text="The project (or object) it is about; empty for "
                                              "a regulator's queue.")
    url = serializers.CharField(help_text="The page where it is done (a path on this site).")
    deadline = serializers.SerializerMethodField(
        help_text="ISO 8601 date or date-time; the soonest of a queue; null if none.")
    working_days_left = serializers.IntegerField(
        allow_null=True, help_text="Chinese working days to the deadline; negative when past.")
    overdue = serializers.BooleanField()
    count = serializers.IntegerField(help_text="Items summarised by this line (a queue).")
    detail = serializers.CharField()

    def get_deadline(self, todo) -> str | None:
        return None if todo.deadline is None else todo.deadline.isoformat()


class TodoList(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(summary="What awaits the signed-in user (its own to-dos)", tags=["account"],
                   responses={200: TodoOutput(many=True), **error_responses(401, 403)})
    def get(self, request):
        return Response(TodoOutput(todos_for(request.user), many=True).data)
