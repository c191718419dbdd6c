"""The weekly digest: when it is due, what each person gets, and the chart they look at."""
