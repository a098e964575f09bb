def demo_territory_load(*, data_dir) -> dict:
    raise NotImplementedError
