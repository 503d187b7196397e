"""Stages, leads, opportunities; visits and activities live in models_activities."""

from .models_activities import *  # noqa: F403
