def calendar_seed_from_package(*, years=None) -> dict:
    raise NotImplementedError
