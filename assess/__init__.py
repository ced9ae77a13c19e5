"""Zelfscan mensenhandel."""
