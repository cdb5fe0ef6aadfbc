"""Normalizes every accepted input kind to the column tuples ``kpiscore._core.read_arrays`` takes.

Accepted: a CSV path; a ``dict`` of numpy arrays (or sequences); a pandas DataFrame; a polars
DataFrame; a pyarrow Table or RecordBatch, or anything with ``__arrow_c_stream__`` (through
pyarrow). pandas, polars and pyarrow are imported only when such an object is passed.

Column rules (docs/python.md, "Accepted column types"):

* durations: ``wait_s``, ``talk_s``, ``hold_s``, ``acw_s`` in seconds (integers exact, floats
  rounded to the nearest millisecond once), or ``wait_ms``, ``talk_ms``, ``hold_ms``, ``acw_ms`` as
  integer milliseconds (read as they are);
* ``arrived_at``: datetime64 of any unit (naive = wall-clock time in ``tz``; tz-aware pandas or
  Arrow timestamps are instants), or ISO-8601 strings as in a CSV file;
* ``direction`` (``inbound``/``outbound`` text) or ``inbound`` (0/1 or bool);
* flags (``answered``, ``resolved_first_contact``, ``complaint``, ``converted``) and scores
  (``csat``, ``nps``): bool or integer, floats only when whole; NaN, ``None``, ``pd.NA`` and masked
  values are nulls;
* ``contact_id`` and every other column: text, categoricals or integer codes (other columns are
  dimensions: group keys).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

import numpy as np

DURATIONS = ("wait", "talk", "hold", "acw")
FLAGS = ("answered", "resolved_first_contact", "complaint", "converted", "inbound")
SCORES = ("csat", "nps")
NUMERIC = FLAGS + SCORES

Column = tuple[Any, ...]


class ColumnTypeError(TypeError):
    """A column of a type kpiscore cannot read; the message names the column."""


def _canonical(name: str) -> tuple[str, str | None]:
    """(canonical column name, duration unit or None)."""
    for d in DURATIONS:
        if name == f"{d}_s":
            return name, "s"
        if name == f"{d}_ms":
            return f"{d}_s", "ms"
    return name, None


def _strings(values: Any, mask: np.ndarray | None, name: str) -> Column:
    """Arrow-style (offsets, bytes) from a sequence of str/None."""
    encoded = []
    valid = np.ones(len(values), dtype=bool) if mask is None else mask.copy()
    for i, v in enumerate(values):
        if v is None or (isinstance(v, float) and v != v) or not valid[i]:
            valid[i] = False
            encoded.append(b"")
        elif isinstance(v, str):
            encoded.append(v.encode("utf-8"))
        elif isinstance(v, bytes):
            encoded.append(v)
        else:
            encoded.append(str(v).encode("utf-8"))
    lengths = np.fromiter((len(b) for b in encoded), dtype=np.int64, count=len(encoded))
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    data = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    return ("str", offsets, data, valid)


def _integer_ids(values: np.ndarray, mask: np.ndarray | None) -> Column:
    """Integer ids as decimal text (the text ``str()`` gives), written in C++ in one pass."""
    from ._core import text

    if values.dtype.kind == "u" and values.dtype.itemsize == 8:
        offsets, data = text.decimal_uint64(np.ascontiguousarray(values))
    else:
        offsets, data = text.decimal_int64(np.ascontiguousarray(values, dtype=np.int64))
    if mask is None or mask.all():
        return ("str", offsets, data, None)  # no nulls: no mask to check row by row
    # a null id is empty text, as _strings writes it
    lengths = np.diff(offsets)
    lengths[~mask] = 0
    data = data[np.repeat(mask, np.diff(offsets))]
    offsets = np.zeros(len(values) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return ("str", offsets, data, mask.copy())


def _factorize(values: Any, name: str) -> Column:
    """Dictionary codes for text/categorical/integer values (pandas' hash factorize if present)."""
    if "pandas" in sys.modules or _pandas_available():
        import pandas as pd

        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        dictionary = [None if u is None else str(u) for u in np.asarray(uniques, dtype=object)]
        return ("dict", np.ascontiguousarray(codes, dtype=np.int64), dictionary, None)
    arr = np.asarray(values, dtype=object)
    isnull = np.array([v is None or (isinstance(v, float) and v != v) for v in arr], dtype=bool)
    filled = np.where(isnull, "", arr.astype(str))
    uniques, codes = np.unique(filled, return_inverse=True)
    codes = codes.astype(np.int64)
    codes[isnull] = -1
    return ("dict", codes, [str(u) for u in uniques], None)


_pandas_checked: bool | None = None


def _pandas_available() -> bool:
    global _pandas_checked
    if _pandas_checked is None:
        try:
            import pandas  # noqa: F401

            _pandas_checked = True
        except ImportError:
            _pandas_checked = False
    return _pandas_checked


def _numpy_column(name: str, values: Any, mask: np.ndarray | None, naive_local: bool = True) -> Column:
    """One column from a numpy array (or a sequence), by its canonical role."""
    canonical, unit = _canonical(name)
    arr = values if isinstance(values, np.ndarray) else np.asarray(values)
    if arr.ndim != 1:
        raise ColumnTypeError(f"column {name}: expected a 1-d array, actual {arr.ndim}-d")
    if arr.size == 0 and arr.dtype.kind == "f" and canonical not in NUMERIC and unit is None:
        arr = arr.astype(object)  # np.asarray([]) is float64; an empty column has no type
    kind = arr.dtype.kind
    if canonical == "arrived_at":
        if kind == "M":
            unit_name = np.datetime_data(arr.dtype)[0]
            if unit_name not in ("s", "ms", "us", "ns"):
                arr = arr.astype("datetime64[ms]")
                unit_name = "ms"
            ints = np.ascontiguousarray(arr).view(np.int64)
            nat_value = np.iinfo(np.int64).min
            # NaT is the smallest int64: one min() pass decides whether a mask is needed at all
            m = (ints != nat_value) if ints.size and ints.min() == nat_value else None
            if mask is not None:
                m = mask if m is None else (m & mask)
            return ("time", ints, m, unit_name, naive_local)
        if kind in "OUS":
            return _strings(arr, mask, name)
        raise ColumnTypeError(f"column {name}: expected datetime64 or ISO-8601 text, actual {arr.dtype}")
    if canonical == "contact_id":
        if kind in "iu":
            return _integer_ids(arr, mask)
        if kind in "OUS":
            return _strings(arr, mask, name)
        raise ColumnTypeError(f"column {name}: expected text, actual {arr.dtype}")
    if unit is not None:
        if unit == "ms" and kind not in "iu":
            raise ColumnTypeError(f"column {name}: milliseconds must be integers, actual {arr.dtype}")
        if kind not in "iufb":
            raise ColumnTypeError(f"column {name}: expected numbers, actual {arr.dtype}")
        if kind == "u" and arr.dtype.itemsize == 8:
            arr = arr.astype(np.int64)
        elif kind in "ub" and arr.dtype.itemsize < 8:
            arr = arr.astype(np.int64)
        return ("dur", np.ascontiguousarray(arr), mask, unit)
    if canonical in NUMERIC:
        # Same-width views where the table's type differs only in sign (uint8 flags answered and
        # inbound; int8 for the other flags and scores): such columns are borrowed, not copied.
        # A value that does not fit (e.g. -1 seen as 255) fails validation and is rejected.
        if arr.dtype.itemsize == 1 and kind in "biu":
            arr = arr.view(np.uint8 if canonical in ("answered", "inbound") else np.int8)
            kind = arr.dtype.kind
        elif kind == "u" and arr.dtype.itemsize > 1:
            arr = arr.astype(np.int64)
        elif kind == "O":
            return _object_numbers(name, arr, mask)
        elif kind not in "iuf":
            raise ColumnTypeError(f"column {name}: expected numbers or bool, actual {arr.dtype}")
        return ("num", np.ascontiguousarray(arr), mask)
    # direction and every dimension: text, categorical or integer codes.
    if kind in "OUSiub":
        col = _factorize(arr, name)
        if mask is not None:
            codes = col[1].copy()
            codes[~mask] = -1
            col = ("dict", codes, col[2], None)
        return col
    raise ColumnTypeError(f"column {name}: expected text or integer codes, actual {arr.dtype}")


def _object_numbers(name: str, arr: np.ndarray, mask: np.ndarray | None) -> Column:
    """Numbers in an object array (None/pd.NA as nulls)."""
    valid = np.array([v is not None and v == v and str(v) != "<NA>" for v in arr], dtype=bool)
    if mask is not None:
        valid &= mask
    out = np.zeros(len(arr), dtype=np.float64)
    try:
        out[valid] = np.asarray(arr[valid], dtype=np.float64)
    except (TypeError, ValueError):
        raise ColumnTypeError(f"column {name}: expected numbers or bool, actual text") from None
    return ("num", out, valid)


def _pandas_column(name: str, s: Any) -> Column:
    import pandas as pd

    canonical, _ = _canonical(name)
    dtype = s.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        if canonical in ("contact_id", "arrived_at") or canonical in NUMERIC or _canonical(name)[1]:
            return _pandas_column(name, s.astype(object))
        codes = np.ascontiguousarray(s.cat.codes.to_numpy())
        dictionary = [str(c) for c in s.cat.categories]
        return ("dict", codes, dictionary, None)
    if isinstance(dtype, pd.DatetimeTZDtype):
        utc = s.dt.tz_convert("UTC").dt.tz_localize(None)
        return _numpy_column(name, utc.to_numpy(), None, naive_local=False)
    if canonical == "arrived_at" and dtype.kind == "M":
        return _numpy_column(name, s.to_numpy(), None, naive_local=True)
    if (canonical in NUMERIC or _canonical(name)[1]) and isinstance(dtype, np.dtype) and dtype.kind in "iub":
        return _numpy_column(name, s.to_numpy(copy=False), None)  # plain numpy: no nulls possible
    masked = s.array
    if hasattr(masked, "_data") and hasattr(masked, "_mask") and (canonical in NUMERIC or _canonical(name)[1]):
        # pandas nullable Int*/boolean/Float*: its values and mask as they are (no conversion)
        values = np.asarray(masked._data)
        null = np.asarray(masked._mask)
        if values.dtype.kind == "b":
            values = values.view(np.uint8)
        if not null.any():
            return _numpy_column(name, values, None)
        col = _numpy_column(name, values, None)
        if col[0] in ("num", "dur") and col[2] is None:
            # The null mask itself, marked as one (True = null), instead of an inverted copy.
            return (*col[:2], ("null", np.ascontiguousarray(null)), *col[3:])
        return _numpy_column(name, values, ~null)
    isna = s.isna().to_numpy()
    mask = ~isna if isna.any() else None
    if canonical == "contact_id" and isinstance(dtype, np.dtype) and dtype.kind in "iu":
        return _integer_ids(s.to_numpy(copy=False), None)  # plain numpy integers: no nulls
    if canonical == "contact_id" and hasattr(masked, "_data") and hasattr(masked, "_mask") \
            and masked._data.dtype.kind in "iu":
        # pandas nullable Int64/UInt64…: the values and the mask as they are
        return _integer_ids(np.asarray(masked._data), mask)
    if canonical in ("contact_id", "arrived_at") and dtype.kind not in "M":
        return _strings(s.to_numpy(dtype=object), mask, name)
    if canonical in NUMERIC or _canonical(name)[1]:
        if isinstance(dtype, pd.BooleanDtype):
            values = s.to_numpy(dtype=np.uint8, na_value=0)
        elif dtype.kind in "iu" and mask is not None:  # nullable Int8/Int64…
            values = s.to_numpy(dtype=np.int64, na_value=0)
        elif dtype.kind == "f" or (mask is not None and dtype.kind not in "iub"):
            try:
                values = s.to_numpy(dtype=np.float64, na_value=np.nan)
            except (TypeError, ValueError):
                raise ColumnTypeError(f"column {name}: expected numbers or bool, actual {dtype}") from None
        else:
            values = s.to_numpy()
        return _numpy_column(name, values, mask)
    # dimensions and direction (text, pyarrow strings, integers)
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    return ("dict", np.ascontiguousarray(codes, dtype=np.int64), [str(u) for u in uniques], None)


def _arrow_table(data: Any) -> Any:
    module = type(data).__module__
    if not (module.startswith(("pyarrow", "polars")) or hasattr(data, "__arrow_c_stream__")):
        # Checked before importing pyarrow, which is optional: an unsupported object is a
        # TypeError whether or not pyarrow is installed.
        raise TypeError(f"data: unsupported type {type(data).__name__}")
    try:
        import pyarrow as pa
    except ImportError:
        raise ImportError(f"data: reading a {type(data).__name__} needs pyarrow (pip install pyarrow)") from None

    if isinstance(data, pa.Table):
        return data
    if isinstance(data, pa.RecordBatch):
        return pa.Table.from_batches([data])
    if type(data).__module__.startswith("polars"):
        return data.to_arrow()
    if hasattr(data, "__arrow_c_stream__"):
        return pa.table(data)
    raise TypeError(f"data: unsupported type {type(data).__name__}")


def _arrow_column(name: str, chunked: Any) -> Column:
    import pyarrow as pa
    import pyarrow.compute as pc

    canonical, _ = _canonical(name)
    arr = chunked.combine_chunks() if isinstance(chunked, pa.ChunkedArray) else chunked
    typ = arr.type
    mask = None
    if arr.null_count:
        mask = arr.is_valid().to_numpy(zero_copy_only=False)
    if pa.types.is_dictionary(typ):
        if canonical in ("contact_id", "arrived_at") or canonical in NUMERIC or _canonical(name)[1]:
            return _arrow_column(name, arr.cast(typ.value_type))
        indices = _arrow_indices(arr.indices)
        dictionary = [None if v is None else str(v) for v in arr.dictionary.to_pylist()]
        return ("dict", np.ascontiguousarray(indices), dictionary, None)
    if pa.types.is_timestamp(typ):
        ints = arr.cast(pa.int64()).fill_null(0).to_numpy(zero_copy_only=False)
        return ("time", np.ascontiguousarray(ints), mask, typ.unit, typ.tz is None)
    if pa.types.is_date(typ):
        return _arrow_column(name, arr.cast(pa.timestamp("ms")))
    is_text = pa.types.is_string(typ) or pa.types.is_large_string(typ) or pa.types.is_string_view(typ)
    if is_text and canonical in ("contact_id", "arrived_at"):
        large = arr.cast(pa.large_string())
        if large.offset:
            large = pa.concat_arrays([large])  # rebase offsets at 0
        bufs = large.buffers()
        offsets = np.frombuffer(bufs[1], dtype=np.int64, count=len(large) + 1)
        data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None else np.zeros(0, np.uint8)
        return ("str", np.ascontiguousarray(offsets), data, mask)
    if is_text:
        encoded = pc.dictionary_encode(arr)
        indices = _arrow_indices(encoded.indices)
        return ("dict", np.ascontiguousarray(indices), encoded.dictionary.to_pylist(), None)
    if (pa.types.is_integer(typ) or pa.types.is_floating(typ)) and arr.null_count and not pa.types.is_float16(typ):
        # The values buffer as it is (no fill_null copy): the validity mask says which rows are
        # null, and what the buffer holds there is never read (nullable columns are borrowed
        # with their masks; required ones reject the nulls).
        dtype = np.dtype(typ.to_pandas_dtype())
        values = np.frombuffer(arr.buffers()[1], dtype=dtype, count=arr.offset + len(arr))[arr.offset:]
        return _numpy_column(name, values, mask)
    if pa.types.is_boolean(typ) or pa.types.is_integer(typ) or pa.types.is_floating(typ):
        filled = arr.fill_null(0) if arr.null_count else arr
        values = filled.to_numpy(zero_copy_only=False)
        return _numpy_column(name, values, mask)
    raise ColumnTypeError(f"column {name}: unsupported Arrow type {typ}")


def _arrow_indices(indices: Any) -> np.ndarray:
    """Dictionary indices (any integer type, nulls allowed) as int64 with -1 for null."""
    import pyarrow as pa

    return np.ascontiguousarray(indices.cast(pa.int64()).fill_null(-1).to_numpy(zero_copy_only=False))


def normalize(data: Any) -> tuple[dict[str, Column], int]:
    """Column tuples and the row count for ``_core.read_arrays``."""
    module = type(data).__module__
    columns: dict[str, Column] = {}
    if isinstance(data, Mapping):
        rows = None
        for name, values in data.items():
            if not isinstance(name, str):
                raise TypeError(f"data: column names must be str, actual {type(name).__name__}")
            if type(values).__module__.startswith("pandas"):
                import pandas as pd

                series = values if isinstance(values, pd.Series) else pd.Series(values, copy=False)
                col = _pandas_column(name, series)
            else:
                col = _numpy_column(name, values, None)
            n = _rows_of(col)
            if rows is None:
                rows = n
            elif n != rows:
                raise ValueError(f"column {name}: expected {rows} rows, actual {n}")
            _put(columns, name, col)
        return columns, rows or 0
    if module.startswith("pandas") and hasattr(data, "columns"):
        for name in data.columns:
            _put(columns, str(name), _pandas_column(str(name), data[name]))
        return columns, len(data)
    table = _arrow_table(data)
    for name in table.column_names:
        _put(columns, name, _arrow_column(name, table.column(name)))
    return columns, table.num_rows


def _put(columns: dict[str, Column], name: str, col: Column) -> None:
    canonical = _canonical(name)[0]
    if canonical in columns:
        raise ValueError(f"column {name}: {canonical} is given twice")
    columns[canonical] = col


def _rows_of(col: Column) -> int:
    if col[0] == "str":
        return len(col[1]) - 1
    return len(col[1])
