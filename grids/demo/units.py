def demo_units_load(*, data_dir) -> dict:
    raise NotImplementedError
