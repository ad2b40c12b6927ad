"""Plumbing shared by the reference agency services.

The generated "world" (which judgments exist, their cases, supervision records
and the staff of each enforcement unit) lives here so every service built from
the same seed and size tells one consistent story.
"""
