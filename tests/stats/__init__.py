"""Tests of cscp_analysis.stats, one file per module."""
