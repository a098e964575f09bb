"""The staff workbenches (``/work/``): operator, dispatcher, unit handler, grid worker pages."""
