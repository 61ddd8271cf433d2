"""What every fake shares: app factory, registry, auth, control plane, journal, errors."""
