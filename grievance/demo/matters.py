def demo_matters_load(*, data_dir) -> dict:
    raise NotImplementedError
