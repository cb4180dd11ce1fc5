"""Everything Qt lives here; it calls the services and never queries models directly."""
