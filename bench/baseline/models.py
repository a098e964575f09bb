from django.db import models


class Note(models.Model):
    """One table, no foreign keys, no extra indexes: the cheapest row a DRF endpoint can store."""

    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.title
