"""Plans as data (steps with stable ids and named actions) and their builders."""
