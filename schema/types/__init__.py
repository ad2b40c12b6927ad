"""Object types of the public schema, one module per area."""
