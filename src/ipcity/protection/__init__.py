"""IP protection and dispute resolution: case records from member units, protection
indicators, the protection self-assessment, masked public aggregates (docs/protection.md)."""
