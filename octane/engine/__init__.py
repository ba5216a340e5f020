"""Runs a plan: scheduler, journal and resume, prompts, signals, progress."""
