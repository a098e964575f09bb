"""The benchmark's baseline: a bare DRF endpoint inserting one row into a one-table model.

Installed only by ``config.settings.bench``; served by the same gunicorn as the platform so that the
intake figure can be given as a ratio of what the stack itself does on the same machine."""
