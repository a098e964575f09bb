from rest_framework import generics, serializers

from bench.baseline.models import Note


class NoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Note
        fields = ["id", "title", "body", "created_at"]


class NoteCreateApi(generics.CreateAPIView):
    """``POST /bench/notes/``: validation by a model serializer, one INSERT, 201 with the row. The
    project's default DRF authentication and permission apply, as for the intake endpoint."""

    serializer_class = NoteSerializer
    queryset = Note.objects.all()
