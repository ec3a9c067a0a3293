"""Trace arrays read back as plotly.js receives them."""

import base64

import numpy as np


def decode(value) -> np.ndarray:
    """A trace array as plotly.js gets it (JSON list, or base64 typed array)."""
    if isinstance(value, dict):
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).astype(float)
    return np.array([np.nan if v is None else v for v in value], dtype=float)
