"""The domain error every interventions feature raises when a business rule stops a change."""


class PlanError(Exception):
    """A business rule stopped the change; the message says what to do."""
