"""Shared fixtures. GUI tests run on the offscreen platform so CI needs no display."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
