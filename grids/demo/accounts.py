def demo_accounts_load() -> dict:
    raise NotImplementedError
