"""Spiders of the ita-checker crawler."""
