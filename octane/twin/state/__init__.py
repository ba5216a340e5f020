"""The twin's state: controller → models → machines, applications, units, relations,
offers and actions, with a change log per model.

Like a moto backend, this package holds the rules and knows nothing of the wire: facades
parse a request, call a rule here, and shape the result. Time-derived state (units
settling) is applied by :func:`octane.twin.state.activity.advance` from the twin's clock.
"""
