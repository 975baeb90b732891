"""Home page, health check, language choice and error pages."""
