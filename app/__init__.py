"""Podium: train senior executives to lead on social media."""
