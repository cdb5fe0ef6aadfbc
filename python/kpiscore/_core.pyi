"""Stubs of kpiscore._core, the private compiled module (use the kpiscore package instead)."""

from typing import Any

version: str

class InputError(OSError):
    """A file-level input error: unreadable file or unusable header."""

def kpis_csv(
    path: str, by: list[str], options_json: str, format: str = "json"
) -> tuple[str, dict[str, Any]]:
    """(text, summary): the CLI's output for `format` and rows_read, accepted, rejected,
    blank_lines, rejects [(line, field, reason)], key_names, kpis [(name, kind)]."""

def parse_group_by(text: str) -> list[str]: ...
def default_options_json() -> str: ...
def normalize_options_json(options_json: str) -> str: ...
staffing: Any  # the compiled submodule behind the façade kpiscore.staffing (kpiscore/staffing.py)
