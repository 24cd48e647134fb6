"""Secret storage: the OS keyring, or a clear refusal."""
