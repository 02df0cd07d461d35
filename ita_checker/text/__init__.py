"""Thai text and dates: normalisation, Thai digits, B.E. dates and fiscal-year arithmetic."""
