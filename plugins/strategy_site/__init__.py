"""strategy-site: publish a Serious Violence Duty strategy from YAML as an accessible website."""
