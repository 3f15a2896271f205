"""Cohort profiles shipped with CohortWatch (YAML package data)."""
