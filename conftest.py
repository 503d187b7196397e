from hypothesis import HealthCheck, settings

pytest_plugins = ["crm.testing.fixtures"]

# Generation speed depends on the machine's load (CI shares two cores with PostgreSQL);
# a slow draw is not a failure of the code under test. No deadline for the same reason.
settings.register_profile("crm", suppress_health_check=[HealthCheck.too_slow], deadline=None)
settings.load_profile("crm")
