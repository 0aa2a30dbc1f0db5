"""Sending letters to agencies by email: preview, edit, send (placeholder)."""
from flask import Blueprint

bp = Blueprint("outbound", __name__)
