"""Self-hosted enterprise CRM."""
