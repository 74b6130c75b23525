"""The domain: plain Python values and rules of Rapport, no I/O library."""
