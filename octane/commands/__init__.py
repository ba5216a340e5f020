"""One cliff command per module; each is registered in setup.cfg under ``octane.commands``."""
