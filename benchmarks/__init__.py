"""Scripts that measure the portal and print their figures."""
