// Compilation of checked rules to typed vector instructions, and their batch execution.
//
// A program is a straight-line list of instructions in SSA form: each writes one register once
// per batch. Registers are typed (double, byte-bool or string view) with a byte validity mask
// (absent when every row is valid). Constant registers hold a scalar and are never broadcast
// for arithmetic and comparison kernels; an instruction whose inputs are all constants is run
// once at compile time (constant folding through the same kernels, so folding cannot change a
// result). Execution walks the list once per batch of rows (1024 by default), so each kernel is
// a tight loop the compiler vectorizes, not a tree walk per row (the design of vectorized
// engines such as MonetDB/X100: Boncz, Zukowski, Nes, CIDR 2005).
#include "dsl_internal.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <sstream>
#include <unordered_map>

// The kernels are compiled twice on x86-64 with g++: for the baseline (SSE2) and for AVX2 (four
// doubles per instruction), chosen once at load time by the CPU (function multi-versioning).
// AVX2 alone brings no FMA, so no multiply-add is contracted and both versions give
// bit-identical results. Not with clang: clang 16 leaves some inline functions the clones call
// undefined at link time.
#if defined(__x86_64__) && defined(__ELF__) && defined(__GNUC__) && !defined(__clang__) &&         \
    !defined(KPISCORE_NO_MULTIVERSIONING)
#define KPISCORE_KERNELS __attribute__((target_clones("avx2", "default")))
// Kernel helpers are inlined into each version of `run`, so each gets its own code.
#define KPISCORE_INLINE [[gnu::always_inline]] inline
#else
#define KPISCORE_KERNELS
#define KPISCORE_INLINE inline
#endif

namespace kpiscore::dsl {

using detail::Builtin;

namespace {

/// Rows of a tile: the unit the instruction list runs over (a batch is split into tiles).
constexpr std::size_t kTileRows = 256;

enum class Rep : std::uint8_t { num, boolean, str };
Rep rep_of(Type t) {
  if (t == Type::boolean) return Rep::boolean;
  if (t == Type::string) return Rep::str;
  return Rep::num;
}

enum class Op : std::uint8_t {
  load,
  neg,
  add,
  sub,
  mul,
  div,
  lt,
  le,
  gt,
  ge,
  eq,
  ne,
  eq_b,
  ne_b,
  eq_s,
  ne_s,
  and_,
  or_,
  not_,
  is_missing,
  coalesce,
  select,
  in_num,
  in_str,
  min,
  max,
  abs,
  floor,
  ceil,
  round,
  lower,
  upper,
  starts_with,
  ends_with,
  contains,
  host,
};

struct Instr {
  Op op = Op::load;
  std::uint32_t out = 0;
  std::vector<std::uint32_t> in;
  std::int32_t aux = 0;    ///< field index, host function index, round digits
  bool codes_only = false; ///< a load whose users all read dictionary codes (no string views)
  std::vector<double> nums;
  std::vector<std::string> strs;
  double cost = 1;
};

struct RegInfo {
  Type type = Type::null;
  bool constant = false;
  bool valid = false; ///< of a constant
  double num = 0;
  std::uint8_t b = 0;
  std::string str;
};

struct Slot {
  bool constant = false, cvalid = false;
  double c = 0;
  std::uint8_t cb = 0;
  std::string_view cs;
  const double* num = nullptr;
  const std::uint8_t* b = nullptr;
  const std::string_view* s = nullptr;
  const std::uint8_t* valid = nullptr; ///< null: every row valid
  /// A string loaded from a dictionary column: its codes (null_code for null) and dictionary,
  /// so comparisons with constants test each dictionary entry once, not each row.
  const std::uint32_t* codes = nullptr;
  const DictionaryColumn* dict = nullptr;
  std::vector<std::uint32_t> cbuf;
  std::vector<double> nbuf;
  std::vector<std::uint8_t> bbuf, vbuf;
  std::vector<std::string_view> sbuf;
  std::vector<std::string> store;
};

/// A string comparison against a constant, answered per dictionary entry (computed once per
/// evaluation and dictionary): hit[code], with hit[dictionary size] = 0 for the null code.
struct DictMatch {
  const DictionaryColumn* dict = nullptr;
  std::vector<std::uint8_t> hit;
};

struct Exec {
  const ColumnRef* columns = nullptr; ///< by field index (null at compile time)
  std::size_t begin = 0, n = 0;
  /// Inside a branch run on a selection: row k of the compacted rows is tile row rows[k]
  /// (null: the identity).
  const std::uint32_t* rows = nullptr;
  bool materialize = false;     ///< explain: every register holds its values (no lazy loads)
  std::vector<DictMatch> match; ///< by output register of a string comparison
  struct BranchRun {
    std::vector<std::uint32_t> sel[2];  ///< rows taking then / else (compacted positions)
    std::vector<std::uint32_t> rows[2]; ///< the same as tile rows (through outer row maps)
  };
  std::vector<BranchRun> branch_runs; ///< by branch
  const std::vector<HostFunction>* host = nullptr;
  std::vector<std::uint8_t> zeros; ///< n zero bytes (validity of a null constant, false)
  std::vector<std::uint8_t> ones;  ///< n one bytes (all valid, true)
  std::vector<std::vector<double>> scratch;
  std::vector<double> cmp; ///< a comparison's 1.0/0.0 before narrowing to bytes
};

KPISCORE_INLINE const std::uint8_t* valid_of(const Slot& s, const Exec& x) {
  if (s.constant) return s.cvalid ? nullptr : x.zeros.data();
  return s.valid;
}

KPISCORE_INLINE void combine_valid(const std::uint8_t* va, const std::uint8_t* vb, Slot& o,
                                   std::size_t n) {
  if (!va) {
    o.valid = vb;
  } else if (!vb) {
    o.valid = va;
  } else {
    o.vbuf.resize(n);
    {
      std::uint8_t* const ov = o.vbuf.data();
      for (std::size_t i = 0; i < n; ++i)
        ov[i] = va[i] & vb[i];
    }
    o.valid = o.vbuf.data();
  }
}

template <class T, class F>
KPISCORE_INLINE void binary_kernel(const Slot& a, const Slot& b, T* out, std::size_t n, F f) {
  if (a.constant && b.constant) {
    const T v = f(a.c, b.c);
    for (std::size_t i = 0; i < n; ++i)
      out[i] = v;
  } else if (a.constant) {
    const double x = a.c;
    const double* y = b.num;
    for (std::size_t i = 0; i < n; ++i)
      out[i] = f(x, y[i]);
  } else if (b.constant) {
    const double* x = a.num;
    const double y = b.c;
    for (std::size_t i = 0; i < n; ++i)
      out[i] = f(x[i], y);
  } else {
    const double* x = a.num;
    const double* y = b.num;
    for (std::size_t i = 0; i < n; ++i)
      out[i] = f(x[i], y[i]);
  }
}

template <class F>
KPISCORE_INLINE void num_binary(const Slot& a, const Slot& b, Slot& o, Exec& x, F f) {
  o.nbuf.resize(x.n);
  binary_kernel<double>(a, b, o.nbuf.data(), x.n, f);
  o.num = o.nbuf.data();
  combine_valid(valid_of(a, x), valid_of(b, x), o, x.n);
}

// A comparison in two vectorized passes: 1.0/0.0 per row into a tile of doubles (compare and
// mask, two rows per SSE2 instruction), then narrowed to bytes. g++ does not vectorize a
// double comparison written straight to bytes for baseline x86-64.
template <class F>
KPISCORE_INLINE void cmp_binary(const Slot& a, const Slot& b, Slot& o, Exec& x, F f) {
  const std::size_t n = x.n;
  x.cmp.resize(n);
  double* tmp = x.cmp.data();
  binary_kernel<double>(a, b, tmp, n, [f](double p, double q) { return f(p, q) ? 1.0 : 0.0; });
  o.bbuf.resize(n);
  std::uint8_t* out = o.bbuf.data();
  for (std::size_t i = 0; i < n; ++i)
    out[i] = static_cast<std::uint8_t>(static_cast<int>(tmp[i]));
  o.b = out;
  combine_valid(valid_of(a, x), valid_of(b, x), o, n);
}

template <class F> KPISCORE_INLINE void num_unary(const Slot& a, Slot& o, Exec& x, F f) {
  o.nbuf.resize(x.n);
  if (a.constant) {
    std::fill(o.nbuf.begin(), o.nbuf.end(), f(a.c));
  } else {
    for (std::size_t i = 0; i < x.n; ++i)
      o.nbuf[i] = f(a.num[i]);
  }
  o.num = o.nbuf.data();
  o.valid = valid_of(a, x);
}

// Whether every byte of v[0..n) is 1 (a mask that can be dropped), eight bytes at a time.
KPISCORE_INLINE bool all_ones(const std::uint8_t* v, std::size_t n) {
  constexpr std::uint64_t ones = 0x0101010101010101ull; // masks hold 0 or 1 per byte
  std::uint64_t acc = ones;
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, v + i, 8);
    acc &= w;
  }
  std::uint8_t tail = 1;
  for (; i < n; ++i)
    tail &= v[i];
  return acc == ones && tail == 1;
}

// A boolean operand as bytes (a constant reads the shared all-0 or all-1 buffer).
KPISCORE_INLINE const std::uint8_t* bools_of(const Slot& s, const Exec& x) {
  if (!s.constant) return s.b;
  return s.cb ? x.ones.data() : x.zeros.data();
}
// A validity mask as bytes (all valid reads the shared all-1 buffer).
[[maybe_unused]] const std::uint8_t* valids_of(const Slot& s, const Exec& x) {
  const std::uint8_t* v = valid_of(s, x);
  return v ? v : x.ones.data();
}
std::string_view str_at(const Slot& s, std::size_t i) {
  return s.constant ? s.cs : s.s[i];
}
double num_at(const Slot& s, std::size_t i) {
  return s.constant ? s.c : s.num[i];
}

// Reads tile rows of a column; `at(i)` is the table row of row i (dense, or through a
// selection's row map). Dense f64 and u8 columns are read in place.
template <bool Dense, class At>
void load_rows(const Instr& ins, const ColumnRef& c, Slot& o, Exec& x, Rep rep, At at) {
  const std::size_t n = x.n;
  auto gather_valid = [&](const std::uint8_t* v) -> const std::uint8_t* {
    if (!v) return nullptr;
    if (Dense) return v + at(0);
    o.vbuf.resize(n);
    for (std::size_t i = 0; i < n; ++i)
      o.vbuf[i] = v[at(i)];
    return o.vbuf.data();
  };
  switch (c.storage) {
  case ColumnRef::Storage::absent:
    o.constant = true;
    o.cvalid = false;
    return;
  case ColumnRef::Storage::f64:
    if (rep == Rep::boolean) {
      o.bbuf.resize(n);
      {
        std::uint8_t* const ob = o.bbuf.data();
        for (std::size_t i = 0; i < n; ++i)
          ob[i] = c.f64[at(i)] != 0 ? 1 : 0;
      }
      o.b = o.bbuf.data();
    } else if (Dense) {
      o.num = c.f64 + at(0); // zero copy
    } else {
      o.nbuf.resize(n);
      for (std::size_t i = 0; i < n; ++i)
        o.nbuf[i] = c.f64[at(i)];
      o.num = o.nbuf.data();
    }
    o.valid = gather_valid(c.valid);
    return;
  case ColumnRef::Storage::i64:
  case ColumnRef::Storage::sum_i64: {
    o.nbuf.resize(n);
    o.vbuf.resize(n);
    const bool sum = c.storage == ColumnRef::Storage::sum_i64;
    {
      std::uint8_t* const ov = o.vbuf.data();
      double* const on = o.nbuf.data();
      for (std::size_t i = 0; i < n; ++i) {
        const std::size_t r = at(i);
        std::int64_t v = c.i64[0][r];
        bool ok = v != null_duration;
        if (sum) {
          const std::int64_t v1 = c.i64[1][r], v2 = c.i64[2][r];
          ok = ok && v1 != null_duration && v2 != null_duration;
          v = ok ? v + v1 + v2 : 0;
        }
        on[i] = static_cast<double>(ok ? v : 0) * c.scale;
        ov[i] = ok ? 1 : 0;
      }
    }
    o.num = o.nbuf.data();
    o.valid = o.vbuf.data();
    return;
  }
  case ColumnRef::Storage::i8:
    o.vbuf.resize(n);
    if (rep == Rep::boolean) {
      o.bbuf.resize(n);
      {
        std::uint8_t* const ob = o.bbuf.data();
        std::uint8_t* const ov = o.vbuf.data();
        for (std::size_t i = 0; i < n; ++i) {
          const std::int8_t v = c.i8[at(i)];
          ob[i] = v == 1 ? 1 : 0;
          ov[i] = v != null_small ? 1 : 0;
        }
      }
      o.b = o.bbuf.data();
    } else {
      o.nbuf.resize(n);
      {
        std::uint8_t* const ov = o.vbuf.data();
        double* const on = o.nbuf.data();
        for (std::size_t i = 0; i < n; ++i) {
          const std::int8_t v = c.i8[at(i)];
          on[i] = v;
          ov[i] = v != null_small ? 1 : 0;
        }
      }
      o.num = o.nbuf.data();
    }
    o.valid = o.vbuf.data();
    return;
  case ColumnRef::Storage::u8:
    if (rep == Rep::boolean && Dense) {
      o.b = c.u8 + at(0);
    } else if (rep == Rep::boolean) {
      o.bbuf.resize(n);
      {
        std::uint8_t* const ob = o.bbuf.data();
        for (std::size_t i = 0; i < n; ++i)
          ob[i] = c.u8[at(i)];
      }
      o.b = o.bbuf.data();
    } else {
      o.nbuf.resize(n);
      {
        double* const on = o.nbuf.data();
        for (std::size_t i = 0; i < n; ++i)
          on[i] = c.u8[at(i)];
      }
      o.num = o.nbuf.data();
    }
    return;
  case ColumnRef::Storage::dict: {
    const std::uint32_t* codes = c.dict->codes().data();
    o.dict = c.dict;
    if (Dense) {
      o.codes = codes + at(0);
    } else {
      o.cbuf.resize(n);
      for (std::size_t i = 0; i < n; ++i)
        o.cbuf[i] = codes[at(i)];
      o.codes = o.cbuf.data();
    }
    o.vbuf.resize(n);
    {
      std::uint8_t* const ov = o.vbuf.data();
      for (std::size_t i = 0; i < n; ++i)
        ov[i] = o.codes[i] != null_code ? 1 : 0;
    }
    o.valid = o.vbuf.data();
    // The views are built only when something reads strings (not for comparisons with
    // constants, which read the codes).
    if (ins.codes_only && !x.materialize) return;
    const auto& dict = c.dict->dictionary();
    o.sbuf.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t code = o.codes[i];
      o.sbuf[i] = code != null_code ? std::string_view(dict[code]) : std::string_view();
    }
    o.s = o.sbuf.data();
    return;
  }
  case ColumnRef::Storage::strings:
    o.sbuf.resize(n);
    for (std::size_t i = 0; i < n; ++i)
      o.sbuf[i] = c.strings[at(i)];
    o.s = o.sbuf.data();
    o.valid = gather_valid(c.valid);
    return;
  }
}

void load(const Instr& ins, Slot& o, Exec& x, Type type) {
  const ColumnRef& c = x.columns[ins.aux];
  const std::size_t b = x.begin;
  o.constant = false;
  o.valid = nullptr;
  o.codes = nullptr;
  const Rep rep = rep_of(type);
  if (const std::uint32_t* rows = x.rows)
    load_rows<false>(ins, c, o, x, rep, [b, rows](std::size_t i) { return b + rows[i]; });
  else
    load_rows<true>(ins, c, o, x, rep, [b](std::size_t i) { return b + i; });
}

// pick (0 or 1) ? a : b without a branch.
KPISCORE_INLINE double blend(std::uint8_t pick, double a, double b) {
  const std::uint64_t m = 0 - static_cast<std::uint64_t>(pick);
  return std::bit_cast<double>((std::bit_cast<std::uint64_t>(a) & m) |
                               (std::bit_cast<std::uint64_t>(b) & ~m));
}

std::string ascii_case(std::string_view s, bool upper) {
  std::string r(s);
  for (char& ch : r) {
    if (upper && ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
    if (!upper && ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return r;
}

// The per-entry answers of a string test on a dictionary (once per evaluation and dictionary).
template <class F>
const std::uint8_t* dict_match(Exec& x, std::uint32_t reg, const DictionaryColumn& dict, F test) {
  if (x.match.size() <= reg) x.match.resize(reg + 1);
  DictMatch& m = x.match[reg];
  if (m.dict != &dict) {
    const auto& entries = dict.dictionary();
    m.hit.assign(entries.size() + 1, 0);
    for (std::size_t k = 0; k < entries.size(); ++k)
      m.hit[k] = test(entries[k]) ? 1 : 0;
    m.dict = &dict;
  }
  return m.hit.data();
}

KPISCORE_KERNELS
void run(const Instr& ins, std::vector<Slot>& s, Exec& x, const std::vector<RegInfo>& regs) {
  Slot& o = s[ins.out];
  const std::size_t n = x.n;
  auto in = [&](std::size_t k) -> const Slot& { return s[ins.in[k]]; };
  switch (ins.op) {
  case Op::load:
    load(ins, o, x, regs[ins.out].type);
    return;
  case Op::neg:
    num_unary(in(0), o, x, [](double v) { return -v; });
    return;
  case Op::abs:
    num_unary(in(0), o, x, [](double v) { return std::fabs(v); });
    return;
  case Op::floor:
    num_unary(in(0), o, x, [](double v) { return std::floor(v); });
    return;
  case Op::ceil:
    num_unary(in(0), o, x, [](double v) { return std::ceil(v); });
    return;
  case Op::round: {
    if (ins.aux == 0) {
      num_unary(in(0), o, x, [](double v) { return std::round(v); });
    } else {
      const double f = std::pow(10.0, ins.aux); // once per tile, not per row
      num_unary(in(0), o, x, [f](double v) { return std::round(v * f) / f; });
    }
    return;
  }
  case Op::add:
    num_binary(in(0), in(1), o, x, [](double a, double b) { return a + b; });
    return;
  case Op::sub:
    num_binary(in(0), in(1), o, x, [](double a, double b) { return a - b; });
    return;
  case Op::mul:
    num_binary(in(0), in(1), o, x, [](double a, double b) { return a * b; });
    return;
  case Op::min:
    num_binary(in(0), in(1), o, x, [](double a, double b) { return b < a ? b : a; });
    return;
  case Op::max:
    num_binary(in(0), in(1), o, x, [](double a, double b) { return b > a ? b : a; });
    return;
  case Op::div: {
    // Division by zero is null, as a KPI with a zero denominator is (docs/kpis.md).
    const Slot &a = in(0), &b = in(1);
    if (b.constant && b.c != 0) {
      const double q = b.c;
      int e = 0;
      if (std::fabs(std::frexp(q, &e)) == 0.5 && 1 / q != 0) {
        // A power of two: p / 2^k and p * 2^-k are the same exact value rounded once, so the
        // multiplication (a fraction of a division's latency) gives bit-identical results.
        const double r = 1 / q;
        num_binary(a, b, o, x, [r](double p, double) { return p * r; });
      } else {
        num_binary(a, b, o, x, [q](double p, double) { return p / q; });
      }
      return;
    }
    o.nbuf.resize(n);
    binary_kernel<double>(a, b, o.nbuf.data(), n,
                          [](double p, double q) { return q != 0 ? p / q : 0.0; });
    o.num = o.nbuf.data();
    const std::uint8_t* va = valid_of(a, x);
    const std::uint8_t* vb = valid_of(b, x);
    o.vbuf.resize(n);
    if (b.constant) {
      std::fill(o.vbuf.begin(), o.vbuf.end(), 0); // a constant 0 or null divisor
      o.valid = o.vbuf.data();
    } else {
      const std::uint8_t* pa = va ? va : x.ones.data();
      const std::uint8_t* pb = vb ? vb : x.ones.data();
      {
        std::uint8_t* const ov = o.vbuf.data();
        for (std::size_t i = 0; i < n; ++i)
          ov[i] = static_cast<std::uint8_t>(pa[i] & pb[i] & (b.num[i] != 0 ? 1 : 0));
      }
      o.valid = all_ones(o.vbuf.data(), n) ? nullptr : o.vbuf.data(); // no zero, no null
    }
    return;
  }
  case Op::lt:
    cmp_binary(in(0), in(1), o, x, [](double a, double b) { return a < b; });
    return;
  case Op::le:
    cmp_binary(in(0), in(1), o, x, [](double a, double b) { return a <= b; });
    return;
  case Op::gt:
    cmp_binary(in(0), in(1), o, x, [](double a, double b) { return a > b; });
    return;
  case Op::ge:
    cmp_binary(in(0), in(1), o, x, [](double a, double b) { return a >= b; });
    return;
  case Op::eq:
    cmp_binary(in(0), in(1), o, x, [](double a, double b) { return a == b; });
    return;
  case Op::ne:
    cmp_binary(in(0), in(1), o, x, [](double a, double b) { return a != b; });
    return;
  case Op::eq_b:
  case Op::ne_b: {
    const std::uint8_t* p = bools_of(in(0), x);
    const std::uint8_t* q = bools_of(in(1), x);
    o.bbuf.resize(n);
    const std::uint8_t flip = ins.op == Op::ne_b ? 1 : 0;
    {
      std::uint8_t* const ob = o.bbuf.data();
      for (std::size_t i = 0; i < n; ++i)
        ob[i] = static_cast<std::uint8_t>((p[i] == q[i]) ^ flip);
    }
    o.b = o.bbuf.data();
    combine_valid(valid_of(in(0), x), valid_of(in(1), x), o, n);
    return;
  }
  case Op::eq_s:
  case Op::ne_s: {
    o.bbuf.resize(n);
    const std::uint8_t flip = ins.op == Op::ne_s ? 1 : 0;
    const Slot &p = in(0), &q = in(1);
    const Slot* d = p.codes && q.constant ? &p : (q.codes && p.constant ? &q : nullptr);
    if (d) { // a dictionary column against a constant: one lookup per row
      const std::string_view k = (d == &p ? q : p).cs;
      const std::uint8_t* hit =
          dict_match(x, ins.out, *d->dict, [k](std::string_view v) { return v == k; });
      const auto size = static_cast<std::uint32_t>(d->dict->dictionary().size());
      {
        std::uint8_t* const ob = o.bbuf.data();
        for (std::size_t i = 0; i < n; ++i)
          ob[i] = static_cast<std::uint8_t>(hit[std::min(d->codes[i], size)] ^ flip);
      }
      o.b = o.bbuf.data();
      combine_valid(valid_of(p, x), valid_of(q, x), o, n);
      return;
    }
    for (std::size_t i = 0; i < n; ++i)
      o.bbuf[i] = static_cast<std::uint8_t>((str_at(in(0), i) == str_at(in(1), i)) ^ flip);
    o.b = o.bbuf.data();
    combine_valid(valid_of(in(0), x), valid_of(in(1), x), o, n);
    return;
  }
  case Op::and_:
  case Op::or_: {
    // Kleene logic: false and null = false, true or null = true, otherwise null wins.
    const std::uint8_t* p = bools_of(in(0), x);
    const std::uint8_t* q = bools_of(in(1), x);
    const std::uint8_t* vp0 = valid_of(in(0), x);
    const std::uint8_t* vq0 = valid_of(in(1), x);
    o.bbuf.resize(n);
    std::uint8_t* r = o.bbuf.data();
    o.b = r;
    if (!vp0 && !vq0) { // no nulls: two-valued logic, 16 rows per SSE2 instruction
      if (ins.op == Op::and_)
        for (std::size_t i = 0; i < n; ++i)
          r[i] = p[i] & q[i];
      else
        for (std::size_t i = 0; i < n; ++i)
          r[i] = p[i] | q[i];
      o.valid = nullptr;
      return;
    }
    const std::uint8_t* vp = vp0 ? vp0 : x.ones.data();
    const std::uint8_t* vq = vq0 ? vq0 : x.ones.data();
    o.vbuf.resize(n);
    std::uint8_t* v = o.vbuf.data();
    if (ins.op == Op::and_) {
      for (std::size_t i = 0; i < n; ++i) {
        const std::uint8_t pf = vp[i] & (p[i] ^ 1), qf = vq[i] & (q[i] ^ 1);
        v[i] = static_cast<std::uint8_t>((vp[i] & vq[i]) | pf | qf);
        r[i] = static_cast<std::uint8_t>(p[i] & q[i] & ((pf | qf) ^ 1));
      }
    } else {
      for (std::size_t i = 0; i < n; ++i) {
        const std::uint8_t pt = vp[i] & p[i], qt = vq[i] & q[i];
        v[i] = static_cast<std::uint8_t>((vp[i] & vq[i]) | pt | qt);
        r[i] = static_cast<std::uint8_t>(pt | qt);
      }
    }
    o.valid = all_ones(v, n) ? nullptr : v;
    return;
  }
  case Op::not_: {
    const std::uint8_t* p = bools_of(in(0), x);
    o.bbuf.resize(n);
    {
      std::uint8_t* const ob = o.bbuf.data();
      for (std::size_t i = 0; i < n; ++i)
        ob[i] = p[i] ^ 1;
    }
    o.b = o.bbuf.data();
    o.valid = valid_of(in(0), x);
    return;
  }
  case Op::is_missing: {
    const std::uint8_t* v = valid_of(in(0), x);
    o.bbuf.resize(n);
    {
      std::uint8_t* const ob = o.bbuf.data();
      for (std::size_t i = 0; i < n; ++i)
        ob[i] = v ? v[i] ^ 1 : 0;
    }
    o.b = o.bbuf.data();
    o.valid = nullptr;
    return;
  }
  case Op::coalesce:
  case Op::select: {
    // coalesce(a, b): a where a is valid, else b. select(c, t, e): t where c is true, else e
    // (a null condition takes the else branch, as SQL's CASE does). Both operands are computed
    // for the whole tile and blended without branches.
    const bool sel = ins.op == Op::select;
    const Slot& t = in(sel ? 1 : 0);
    const Slot& e = in(sel ? 2 : 1);
    const std::uint8_t* vt0 = valid_of(t, x);
    const std::uint8_t* ve0 = valid_of(e, x);
    if (!sel && !t.constant && !vt0) { // a ?? b where a has no null: a itself
      o.num = t.num;
      o.b = t.b;
      o.s = t.s;
      o.valid = nullptr;
      return;
    }
    const std::uint8_t* vt = vt0 ? vt0 : x.ones.data();
    const std::uint8_t* ve = ve0 ? ve0 : x.ones.data();
    std::vector<std::uint8_t>& pick_buf = o.bbuf;
    const std::uint8_t* pick = nullptr;
    pick_buf.resize(n);
    if (sel) {
      const std::uint8_t* c = bools_of(in(0), x);
      if (const std::uint8_t* vc = valid_of(in(0), x)) {
        {
          std::uint8_t* const pb = pick_buf.data();
          for (std::size_t i = 0; i < n; ++i)
            pb[i] = c[i] & vc[i];
        }
        pick = pick_buf.data();
      } else {
        pick = c;
      }
    } else {
      pick = vt;
    }
    if (!vt0 && !ve0) {
      o.valid = nullptr;
    } else {
      o.vbuf.resize(n);
      {
        std::uint8_t* const ov = o.vbuf.data();
        for (std::size_t i = 0; i < n; ++i)
          ov[i] = static_cast<std::uint8_t>((pick[i] & vt[i]) | ((pick[i] ^ 1) & ve[i]));
      }
      o.valid = o.vbuf.data();
    }
    switch (rep_of(regs[ins.out].type)) {
    case Rep::num: {
      // Bit-mask blends: a data-dependent branch here mispredicts on half the rows.
      o.nbuf.resize(n);
      double* out = o.nbuf.data();
      if (t.constant && e.constant) {
        for (std::size_t i = 0; i < n; ++i)
          out[i] = blend(pick[i], t.c, e.c);
      } else if (t.constant) {
        for (std::size_t i = 0; i < n; ++i)
          out[i] = blend(pick[i], t.c, e.num[i]);
      } else if (e.constant) {
        for (std::size_t i = 0; i < n; ++i)
          out[i] = blend(pick[i], t.num[i], e.c);
      } else {
        for (std::size_t i = 0; i < n; ++i)
          out[i] = blend(pick[i], t.num[i], e.num[i]);
      }
      o.num = out;
      break;
    }
    case Rep::boolean: {
      // pick may live in o.bbuf: blend in place.
      const std::uint8_t* p = bools_of(t, x);
      const std::uint8_t* q = bools_of(e, x);
      {
        std::uint8_t* const ob = o.bbuf.data();
        for (std::size_t i = 0; i < n; ++i)
          ob[i] = static_cast<std::uint8_t>((pick[i] & p[i]) | ((pick[i] ^ 1) & q[i]));
      }
      o.b = o.bbuf.data();
      break;
    }
    case Rep::str:
      o.sbuf.resize(n);
      for (std::size_t i = 0; i < n; ++i)
        o.sbuf[i] = pick[i] ? str_at(t, i) : str_at(e, i);
      o.s = o.sbuf.data();
      break;
    }
    return;
  }
  case Op::in_num: {
    const Slot& a = in(0);
    o.bbuf.assign(n, 0);
    for (double k : ins.nums) {
      std::uint8_t* const ob = o.bbuf.data();
      for (std::size_t i = 0; i < n; ++i)
        ob[i] |= num_at(a, i) == k ? 1 : 0;
    }
    o.b = o.bbuf.data();
    o.valid = valid_of(a, x);
    return;
  }
  case Op::in_str: {
    const Slot& a = in(0);
    o.bbuf.resize(n);
    if (a.codes) {
      const std::uint8_t* hit = dict_match(x, ins.out, *a.dict, [&ins](std::string_view v) {
        return std::find(ins.strs.begin(), ins.strs.end(), v) != ins.strs.end();
      });
      const auto size = static_cast<std::uint32_t>(a.dict->dictionary().size());
      {
        std::uint8_t* const ob = o.bbuf.data();
        for (std::size_t i = 0; i < n; ++i)
          ob[i] = hit[std::min(a.codes[i], size)];
      }
      o.b = o.bbuf.data();
      o.valid = valid_of(a, x);
      return;
    }
    for (std::size_t i = 0; i < n; ++i) {
      const std::string_view v = str_at(a, i);
      std::uint8_t hit = 0;
      for (const auto& k : ins.strs)
        hit |= v == k ? 1 : 0;
      o.bbuf[i] = hit;
    }
    o.b = o.bbuf.data();
    o.valid = valid_of(a, x);
    return;
  }
  case Op::lower:
  case Op::upper: {
    const Slot& a = in(0);
    o.store.clear();
    o.store.reserve(n);
    o.sbuf.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      o.store.push_back(ascii_case(str_at(a, i), ins.op == Op::upper));
      o.sbuf[i] = o.store.back();
    }
    o.s = o.sbuf.data();
    o.valid = valid_of(a, x);
    return;
  }
  case Op::starts_with:
  case Op::ends_with:
  case Op::contains: {
    o.bbuf.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      const std::string_view v = str_at(in(0), i), p = str_at(in(1), i);
      bool r = false;
      if (ins.op == Op::starts_with)
        r = v.substr(0, p.size()) == p;
      else if (ins.op == Op::ends_with)
        r = v.size() >= p.size() && v.substr(v.size() - p.size()) == p;
      else
        r = v.find(p) != std::string_view::npos;
      o.bbuf[i] = r ? 1 : 0;
    }
    o.b = o.bbuf.data();
    combine_valid(valid_of(in(0), x), valid_of(in(1), x), o, n);
    return;
  }
  case Op::host: {
    const HostFunction& h = (*x.host)[static_cast<std::size_t>(ins.aux)];
    x.scratch.resize(ins.in.size());
    std::vector<const double*> args(ins.in.size());
    const std::uint8_t* valid = nullptr;
    o.vbuf.assign(n, 1);
    bool any_mask = false;
    for (std::size_t k = 0; k < ins.in.size(); ++k) {
      const Slot& a = in(k);
      auto& buf = x.scratch[k];
      if (a.constant || regs[ins.in[k]].type == Type::boolean) {
        buf.resize(n);
        for (std::size_t i = 0; i < n; ++i)
          buf[i] = a.constant ? (regs[ins.in[k]].type == Type::boolean ? a.cb : a.c)
                              : static_cast<double>(a.b[i]);
        args[k] = buf.data();
      } else {
        args[k] = a.num;
      }
      if (const std::uint8_t* v = valid_of(a, x)) {
        any_mask = true;
        {
          std::uint8_t* const ov = o.vbuf.data();
          for (std::size_t i = 0; i < n; ++i)
            ov[i] &= v[i];
        }
      }
    }
    o.nbuf.resize(n);
    h.kernel(std::span<const double* const>(args.data(), args.size()), n, o.nbuf.data());
    if (regs[ins.out].type == Type::boolean) {
      o.bbuf.resize(n);
      {
        std::uint8_t* const ob = o.bbuf.data();
        double* const on = o.nbuf.data();
        for (std::size_t i = 0; i < n; ++i)
          ob[i] = on[i] != 0 ? 1 : 0;
      }
      o.b = o.bbuf.data();
    } else {
      o.num = o.nbuf.data();
    }
    o.valid = any_mask ? o.vbuf.data() : valid;
    return;
  }
  }
}

void init_slot(Slot& s, const RegInfo& r) {
  s.constant = r.constant;
  s.cvalid = r.valid;
  s.c = r.num;
  s.cb = r.b;
  s.cs = r.str;
}

std::string json_escape(std::string_view s) {
  std::string o;
  for (unsigned char c : s) {
    switch (c) {
    case '"':
      o += "\\\"";
      break;
    case '\\':
      o += "\\\\";
      break;
    case '\n':
      o += "\\n";
      break;
    case '\r':
      o += "\\r";
      break;
    case '\t':
      o += "\\t";
      break;
    default:
      if (c < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        o += buf;
      } else {
        o += static_cast<char>(c);
      }
    }
  }
  return o;
}

std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";
  std::ostringstream s;
  s.precision(17);
  s << v;
  return s.str();
}

} // namespace

namespace {

/// An `if` whose branches run on selection vectors: code [then_begin, else_begin) computes the
/// then-branch, [else_begin, select) the else-branch, `select` merges them. Registers a branch
/// reads from outside its range are read through shadow registers, which hold the outer values
/// compacted to the selected rows (or alias them when every row, or no selection, applies).
struct Branch {
  std::size_t then_begin = 0, else_begin = 0, select = 0;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> shadows[2]; ///< (outer, shadow)
  bool local[2] = {false, false};    ///< the branch's value is computed inside its range
  bool compact[2] = {true, true};    ///< worth compacting (else: all rows, as a blend would)
  std::vector<std::size_t> inner[2]; ///< branches inside each range, by then_begin
};

/// Branches whose code (loads not counted) weighs at least this many operations per row run
/// on selection vectors; cheaper ones compute both sides for every row and blend.
constexpr double kSelectiveCost = 4;

} // namespace

struct Program::Impl {
  std::string source, file;
  Scope scope{Scope::Kind::record, {}};
  std::vector<Statement> statements;
  std::vector<Output> outputs;
  std::vector<std::uint32_t> output_regs;
  std::vector<std::size_t> output_statement;
  std::vector<RegInfo> regs;
  std::vector<Instr> code;
  std::unordered_map<const Node*, std::uint32_t> node_reg;
  std::vector<HostFunction> host;
  double cost = 0;
  std::vector<Branch> branches;
  std::vector<std::size_t> top_branches; ///< every branch, by then_begin (outer first)

  /// Runs code[r0, r1) over the current rows; `inner` lists the branches inside the range.
  void run_range(std::size_t r0, std::size_t r1, const std::vector<std::size_t>& inner,
                 std::vector<Slot>& s, Exec& x, bool selective) const {
    std::size_t k = 0;
    for (std::size_t i = r0; i < r1;) {
      while (k < inner.size() && branches[inner[k]].then_begin < i)
        ++k; // nested in a branch already run
      if (k < inner.size() && branches[inner[k]].then_begin == i) {
        const std::size_t id = inner[k++];
        run_branch(id, s, x, selective);
        i = branches[id].select + 1;
        continue;
      }
      run(code[i], s, x, regs);
      ++i;
    }
  }

  void alias(const Slot& from, Slot& to) const {
    to.constant = from.constant;
    to.cvalid = from.cvalid;
    to.c = from.c;
    to.cb = from.cb;
    to.cs = from.cs;
    to.num = from.num;
    to.b = from.b;
    to.s = from.s;
    to.valid = from.valid;
    to.codes = from.codes;
    to.dict = from.dict;
  }

  void gather(const Slot& from, Slot& to, Type type, const std::uint32_t* sel,
              std::size_t k) const {
    if (from.constant) {
      alias(from, to);
      return;
    }
    to.constant = false;
    to.codes = nullptr;
    switch (rep_of(type)) {
    case Rep::num:
      to.nbuf.resize(k);
      for (std::size_t j = 0; j < k; ++j)
        to.nbuf[j] = from.num[sel[j]];
      to.num = to.nbuf.data();
      break;
    case Rep::boolean:
      to.bbuf.resize(k);
      for (std::size_t j = 0; j < k; ++j)
        to.bbuf[j] = from.b[sel[j]];
      to.b = to.bbuf.data();
      break;
    case Rep::str:
      if (from.s) {
        to.sbuf.resize(k);
        for (std::size_t j = 0; j < k; ++j)
          to.sbuf[j] = from.s[sel[j]];
        to.s = to.sbuf.data();
      }
      if (from.codes) {
        to.cbuf.resize(k);
        for (std::size_t j = 0; j < k; ++j)
          to.cbuf[j] = from.codes[sel[j]];
        to.codes = to.cbuf.data();
        to.dict = from.dict;
      }
      break;
    }
    if (from.valid) {
      to.vbuf.resize(k);
      for (std::size_t j = 0; j < k; ++j)
        to.vbuf[j] = from.valid[sel[j]];
      to.valid = to.vbuf.data();
    } else {
      to.valid = nullptr;
    }
  }

  // An `if` on selection vectors: the rows whose condition is true run the then-range
  // compacted, the others the else-range; a side no row takes is skipped, a side every row
  // takes runs in place. Without `selective` (explain: every node's value), both run densely.
  void run_branch(std::size_t id, std::vector<Slot>& s, Exec& x, bool selective) const {
    const Branch& br = branches[id];
    const Instr& sel_ins = code[br.select];
    const std::size_t range[2][2] = {{br.then_begin, br.else_begin}, {br.else_begin, br.select}};
    if (!selective) {
      for (int side = 0; side < 2; ++side) {
        for (const auto& [from, to] : br.shadows[side])
          alias(s[from], s[to]);
        run_range(range[side][0], range[side][1], br.inner[side], s, x, false);
      }
      run(sel_ins, s, x, regs);
      return;
    }
    const std::size_t n = x.n;
    Exec::BranchRun& r = x.branch_runs[id];
    const Slot& cond = s[sel_ins.in[0]];
    const std::uint8_t* c = bools_of(cond, x);
    const std::uint8_t* cv = valid_of(cond, x);
    r.sel[0].resize(n);
    r.sel[1].resize(n);
    std::uint32_t* st = r.sel[0].data();
    std::uint32_t* se = r.sel[1].data();
    std::size_t kt = 0, ke = 0;
    for (std::size_t i = 0; i < n; ++i) {               // branch-free compaction
      const std::size_t pick = c[i] & (cv ? cv[i] : 1); // a null condition takes else
      st[kt] = static_cast<std::uint32_t>(i);
      se[ke] = static_cast<std::uint32_t>(i);
      kt += pick;
      ke += pick ^ 1;
    }
    const std::size_t k[2] = {kt, ke};
    const std::uint32_t* outer_rows = x.rows;
    bool compacted[2] = {false, false};
    for (int side = 0; side < 2; ++side) {
      if (k[side] == 0) continue;
      if (k[side] == n || !br.compact[side]) {
        for (const auto& [from, to] : br.shadows[side])
          alias(s[from], s[to]);
        run_range(range[side][0], range[side][1], br.inner[side], s, x, true);
        continue;
      }
      const std::uint32_t* sel = r.sel[side].data();
      for (const auto& [from, to] : br.shadows[side])
        gather(s[from], s[to], regs[to].type, sel, k[side]);
      r.rows[side].resize(k[side]);
      for (std::size_t j = 0; j < k[side]; ++j)
        r.rows[side][j] = outer_rows ? outer_rows[sel[j]] : sel[j];
      x.rows = r.rows[side].data();
      x.n = k[side];
      run_range(range[side][0], range[side][1], br.inner[side], s, x, true);
      x.rows = outer_rows;
      x.n = n;
      compacted[side] = true;
    }
    // Merge: scatter each side's values to its rows.
    Slot& o = s[sel_ins.out];
    const Rep rep = rep_of(regs[sel_ins.out].type);
    bool masked = false;
    for (int side = 0; side < 2; ++side) {
      const Slot& v = s[sel_ins.in[1 + side]];
      if (k[side] > 0 && (v.constant ? !v.cvalid : v.valid != nullptr)) masked = true;
    }
    if (masked) o.vbuf.resize(n);
    if (rep == Rep::num) o.nbuf.resize(n);
    if (rep == Rep::boolean) o.bbuf.resize(n);
    if (rep == Rep::str) o.sbuf.resize(n);
    for (int side = 0; side < 2; ++side) {
      const Slot& v = s[sel_ins.in[1 + side]];
      const std::uint32_t* sel = r.sel[side].data();
      const bool local = br.local[side] && compacted[side];
      for (std::size_t j = 0; j < k[side]; ++j) {
        const std::size_t at = local ? j : sel[j]; // values computed for every row
        const std::uint32_t to = sel[j];
        if (masked) o.vbuf[to] = v.constant ? v.cvalid : (v.valid ? v.valid[at] : std::uint8_t{1});
        switch (rep) {
        case Rep::num:
          o.nbuf[to] = v.constant ? v.c : v.num[at];
          break;
        case Rep::boolean:
          o.bbuf[to] = v.constant ? v.cb : v.b[at];
          break;
        case Rep::str:
          o.sbuf[to] = str_at(v, at);
          break;
        }
      }
    }
    o.num = o.nbuf.data();
    o.b = o.bbuf.data();
    o.s = o.sbuf.data();
    o.valid = masked && !all_ones(o.vbuf.data(), n) ? o.vbuf.data() : nullptr;
  }

  template <class F>
  void execute(const Table& t, std::size_t begin, std::size_t end, const EvalOptions& o,
               F&& on_batch, bool selective = true) const {
    const std::size_t rows = end - begin;
    const double estimate = cost * static_cast<double>(rows);
    if (estimate > o.budget)
      throw BudgetExceeded("rules: estimated cost " + json_number(estimate) +
                           " operations exceeds the budget of " + json_number(o.budget));
    std::vector<Slot> slots(regs.size());
    for (std::size_t r = 0; r < regs.size(); ++r)
      init_slot(slots[r], regs[r]);
    Exec x;
    std::vector<ColumnRef> cols(scope.fields().size());
    for (std::size_t f = 0; f < cols.size(); ++f)
      cols[f] = t.column(f);
    x.columns = cols.data();
    x.host = &host;
    x.materialize = !selective;
    x.branch_runs.resize(branches.size());
    // Cancellation is polled per batch; within a batch the program runs tile by tile, so every
    // intermediate of a tile stays in the L1 cache (kTileRows doubles are 2 KiB).
    const std::size_t batch = std::max<std::size_t>(1, o.batch_rows);
    const std::size_t tile = std::min(batch, kTileRows);
    x.zeros.assign(tile, 0);
    x.ones.assign(tile, 1);
    for (std::size_t b = begin; b < end; b += batch) {
      if (o.cancel && o.cancel->load(std::memory_order_relaxed))
        throw Cancelled("rules: evaluation cancelled");
      const std::size_t batch_end = std::min(end, b + batch);
      for (std::size_t t0 = b; t0 < batch_end; t0 += tile) {
        x.begin = t0;
        x.n = std::min(tile, batch_end - t0);
        x.rows = nullptr;
        run_range(0, code.size(), top_branches, slots, x, selective);
        on_batch(t0 - begin, x.n, slots);
      }
    }
  }

  /// After compiling: shadow registers for the selective branches, their nesting, and loads
  /// whose users only read dictionary codes.
  void plan() {
    constexpr std::size_t none = static_cast<std::size_t>(-1);
    std::vector<std::size_t> def(regs.size(), none);
    for (std::size_t k = 0; k < code.size(); ++k)
      def[code[k].out] = k;
    std::vector<std::size_t> order(branches.size());
    for (std::size_t b = 0; b < order.size(); ++b)
      order[b] = b;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      const Branch &x = branches[a], &y = branches[b];
      return x.then_begin != y.then_begin ? x.then_begin < y.then_begin : x.select > y.select;
    });
    top_branches = order;
    for (std::size_t id : order) { // outer before inner: inner shadows read outer shadows
      Branch& br = branches[id];
      const std::size_t range[2][2] = {{br.then_begin, br.else_begin}, {br.else_begin, br.select}};
      for (int side = 0; side < 2; ++side) {
        const std::size_t r0 = range[side][0], r1 = range[side][1];
        for (std::size_t k = r0; k < r1; ++k)
          for (std::uint32_t& in : code[k].in) {
            if (regs[in].constant || (def[in] != none && def[in] >= r0 && def[in] < r1)) continue;
            std::uint32_t shadow = 0;
            bool found = false;
            for (const auto& [from, to] : br.shadows[side])
              if (from == in) {
                shadow = to;
                found = true;
              }
            if (!found) {
              regs.push_back({});
              regs.back().type = regs[in].type;
              shadow = static_cast<std::uint32_t>(regs.size() - 1);
              def.push_back(none);
              br.shadows[side].push_back({in, shadow});
            }
            in = shadow;
          }
        for (std::size_t other : order) {
          const Branch& c = branches[other];
          if (other != id && c.then_begin >= r0 && c.select < r1) br.inner[side].push_back(other);
        }
      }
    }
    for (Branch& br : branches) {
      const std::size_t range[2][2] = {{br.then_begin, br.else_begin}, {br.else_begin, br.select}};
      for (int side = 0; side < 2; ++side) {
        const std::size_t d = def[code[br.select].in[1 + side]];
        br.local[side] = d != none && d >= range[side][0] && d < range[side][1];
        // A side of loads and one cheap operation costs less than gathering its inputs.
        double weight = 0;
        for (std::size_t k = range[side][0]; k < range[side][1]; ++k)
          weight += code[k].op == Op::load ? 0 : code[k].cost;
        br.compact[side] = weight >= 2;
      }
    }
    // A string load feeding only comparisons with constants and `in` lists reads codes.
    std::vector<std::uint8_t> codes_ok(regs.size(), 1);
    for (std::uint32_t r : output_regs)
      codes_ok[r] = 0;
    for (const Branch& br : branches)
      for (int side = 0; side < 2; ++side)
        for (const auto& sh : br.shadows[side])
          codes_ok[sh.first] = 0;
    for (const Instr& ins : code) {
      const bool eq = ins.op == Op::eq_s || ins.op == Op::ne_s;
      for (std::size_t k = 0; k < ins.in.size(); ++k) {
        const bool ok = ins.op == Op::in_str || (eq && regs[ins.in[1 - k]].constant);
        if (!ok) codes_ok[ins.in[k]] = 0;
      }
    }
    for (Instr& ins : code)
      ins.codes_only =
          ins.op == Op::load && rep_of(regs[ins.out].type) == Rep::str && codes_ok[ins.out] != 0;
  }
};

namespace {

using detail::Checker;
using detail::LetInfo;

struct Compiler {
  Program::Impl& p;
  std::vector<std::uint32_t> let_reg; // by statement index
  std::vector<Diagnostic>& errors;

  std::uint32_t new_reg(Type t) {
    p.regs.push_back({});
    p.regs.back().type = t;
    return static_cast<std::uint32_t>(p.regs.size() - 1);
  }
  std::uint32_t constant(Type t, bool valid, double num, std::uint8_t b, std::string s) {
    const std::uint32_t r = new_reg(t);
    RegInfo& ri = p.regs[r];
    ri.constant = true;
    ri.valid = valid;
    ri.num = num;
    ri.b = b;
    ri.str = std::move(s);
    return r;
  }

  // Emits an instruction, or runs it now when every input is a constant (constant folding).
  std::uint32_t emit(Instr ins, Type t) {
    bool all_const = ins.op != Op::load;
    for (auto r : ins.in)
      all_const = all_const && p.regs[r].constant;
    const std::uint32_t out = new_reg(t);
    ins.out = out;
    if (!all_const) {
      p.cost += ins.cost;
      p.code.push_back(std::move(ins));
      return out;
    }
    std::vector<Slot> slots(ins.in.size() + 1);
    Instr local = ins;
    std::vector<RegInfo> local_regs(ins.in.size() + 1);
    for (std::size_t k = 0; k < ins.in.size(); ++k) {
      local_regs[k] = p.regs[ins.in[k]];
      init_slot(slots[k], local_regs[k]);
      local.in[k] = static_cast<std::uint32_t>(k);
    }
    local.out = static_cast<std::uint32_t>(ins.in.size());
    local_regs.back().type = t;
    Exec x;
    x.n = 1;
    x.zeros.assign(1, 0);
    x.ones.assign(1, 1);
    x.host = &p.host;
    run(local, slots, x, local_regs);
    const Slot& s = slots.back();
    const std::uint8_t* v = s.constant ? nullptr : s.valid;
    RegInfo& ri = p.regs[out];
    ri.constant = true;
    ri.valid = s.constant ? s.cvalid : (v ? v[0] != 0 : true);
    switch (rep_of(t)) {
    case Rep::num:
      ri.num = s.constant ? s.c : s.num[0];
      break;
    case Rep::boolean:
      ri.b = s.constant ? s.cb : s.b[0];
      break;
    case Rep::str:
      ri.str = std::string(s.constant ? s.cs : s.s[0]);
      break;
    }
    if (!ri.valid) {
      ri.num = 0;
      ri.b = 0;
      ri.str.clear();
    }
    return out;
  }

  Instr make(Op op, std::vector<std::uint32_t> in, double cost = 1) {
    Instr i;
    i.op = op;
    i.in = std::move(in);
    i.cost = cost;
    return i;
  }

  std::uint32_t compare(const std::string& op, std::uint32_t a, std::uint32_t b) {
    const Type ta = p.regs[a].type, tb = p.regs[b].type;
    const Rep r = rep_of(ta == Type::null ? tb : ta);
    Op o = Op::eq;
    if (r == Rep::str) {
      o = op == "==" ? Op::eq_s : Op::ne_s;
      return emit(make(o, {a, b}, 2), Type::boolean);
    }
    if (r == Rep::boolean) {
      o = op == "==" ? Op::eq_b : Op::ne_b;
      return emit(make(o, {a, b}), Type::boolean);
    }
    if (op == "<")
      o = Op::lt;
    else if (op == "<=")
      o = Op::le;
    else if (op == ">")
      o = Op::gt;
    else if (op == ">=")
      o = Op::ge;
    else if (op == "==")
      o = Op::eq;
    else
      o = Op::ne;
    return emit(make(o, {a, b}), Type::boolean);
  }

  std::uint32_t compile(const Node& n) {
    const std::uint32_t r = compile_node(n);
    p.node_reg[&n] = r;
    return r;
  }

  std::uint32_t compile_node(const Node& n) {
    switch (n.kind) {
    case NodeKind::literal:
      return constant(n.type, n.type != Type::null, n.number,
                      static_cast<std::uint8_t>(n.number != 0 ? 1 : 0), n.text);
    case NodeKind::name: {
      if (n.binds_let) return let_reg[static_cast<std::size_t>(n.slot)];
      Instr i = make(Op::load, {});
      i.aux = n.slot;
      return emit(std::move(i), n.type);
    }
    case NodeKind::unary: {
      const std::uint32_t a = compile(*n.children[0]);
      if (n.op == "not") return emit(make(Op::not_, {a}), Type::boolean);
      return emit(make(Op::neg, {a}), n.type);
    }
    case NodeKind::binary: {
      const std::uint32_t a = compile(*n.children[0]);
      const std::uint32_t b = compile(*n.children[1]);
      const std::string& op = n.op;
      if (op == "and") return emit(make(Op::and_, {a, b}), Type::boolean);
      if (op == "or") return emit(make(Op::or_, {a, b}), Type::boolean);
      if (op == "??") return emit(make(Op::coalesce, {a, b}), n.type);
      if (op == "+") return emit(make(Op::add, {a, b}), n.type);
      if (op == "-") return emit(make(Op::sub, {a, b}), n.type);
      if (op == "*") return emit(make(Op::mul, {a, b}), n.type);
      if (op == "/") return emit(make(Op::div, {a, b}), n.type);
      return compare(op, a, b);
    }
    case NodeKind::is_missing: {
      const std::uint32_t a = compile(*n.children[0]);
      const std::uint32_t m = emit(make(Op::is_missing, {a}), Type::boolean);
      return n.negated ? emit(make(Op::not_, {m}), Type::boolean) : m;
    }
    case NodeKind::in_list: {
      const std::uint32_t a = compile(*n.children[0]);
      Type t = n.children[0]->type;
      for (std::size_t k = 1; k < n.children.size(); ++k)
        if (t == Type::null) t = n.children[k]->type;
      Instr i = make(rep_of(t) == Rep::str ? Op::in_str : Op::in_num, {a});
      bool has_null = false;
      for (std::size_t k = 1; k < n.children.size(); ++k) {
        const std::uint32_t e = compile(*n.children[k]);
        const RegInfo& ri = p.regs[e];
        if (!ri.valid) {
          has_null = true;
          continue;
        }
        if (rep_of(t) == Rep::str)
          i.strs.push_back(ri.str);
        else if (rep_of(t) == Rep::boolean)
          i.nums.push_back(ri.b);
        else
          i.nums.push_back(ri.num);
      }
      if (rep_of(t) == Rep::boolean) {
        // A boolean in a list: compare as 0/1 numbers.
        std::uint32_t as_num = emit(make(Op::select, {a, constant(Type::number, true, 1, 0, {}),
                                                      constant(Type::number, true, 0, 0, {})}),
                                    Type::number);
        // select takes the else branch on null: restore null where the operand is null.
        const std::uint32_t miss = emit(make(Op::is_missing, {a}), Type::boolean);
        as_num = emit(make(Op::select, {miss, constant(Type::number, false, 0, 0, {}), as_num}),
                      Type::number);
        i.op = Op::in_num;
        i.in = {as_num};
      }
      i.cost = 1 + static_cast<double>(i.nums.size() + i.strs.size()) / 4;
      (void)has_null; // a null element never matches (x == null is null, not true)
      const std::uint32_t r = emit(std::move(i), Type::boolean);
      return n.negated ? emit(make(Op::not_, {r}), Type::boolean) : r;
    }
    case NodeKind::between: {
      const std::uint32_t a = compile(*n.children[0]);
      const std::uint32_t lo = compile(*n.children[1]);
      const std::uint32_t hi = compile(*n.children[2]);
      const std::uint32_t r =
          emit(make(Op::and_, {compare(">=", a, lo), compare("<=", a, hi)}), Type::boolean);
      return n.negated ? emit(make(Op::not_, {r}), Type::boolean) : r;
    }
    case NodeKind::if_else: {
      const std::uint32_t c = compile(*n.children[0]);
      const std::size_t then_begin = p.code.size();
      const std::uint32_t t = compile(*n.children[1]);
      const std::size_t else_begin = p.code.size();
      const std::uint32_t e = compile(*n.children[2]);
      const std::size_t end = p.code.size();
      const std::uint32_t r = emit(make(Op::select, {c, t, e}), n.type);
      double weight = 0; // of the branches' code, loads not counted
      for (std::size_t k = then_begin; k < end; ++k)
        weight += p.code[k].op == Op::load ? 0 : p.code[k].cost;
      if (p.code.size() == end + 1 && !p.regs[c].constant && weight >= kSelectiveCost) {
        Branch b;
        b.then_begin = then_begin;
        b.else_begin = else_begin;
        b.select = end;
        p.branches.push_back(std::move(b));
      }
      return r;
    }
    case NodeKind::call:
      return compile_call(n);
    }
    return 0;
  }

  std::uint32_t compile_call(const Node& n) {
    std::vector<std::uint32_t> args;
    for (const auto& c : n.children)
      args.push_back(compile(*c));
    if (n.host) {
      const HostFunction& h = p.host[static_cast<std::size_t>(n.slot)];
      Instr i = make(Op::host, args, h.cost);
      i.aux = n.slot;
      return emit(std::move(i), n.type);
    }
    const auto b = static_cast<Builtin>(n.slot);
    switch (b) {
    case Builtin::min:
    case Builtin::max: {
      std::uint32_t r = args[0];
      for (std::size_t k = 1; k < args.size(); ++k)
        r = emit(make(b == Builtin::min ? Op::min : Op::max, {r, args[k]}), n.type);
      return r;
    }
    case Builtin::clamp: {
      const std::uint32_t lo = emit(make(Op::max, {args[0], args[1]}), n.type);
      return emit(make(Op::min, {lo, args[2]}), n.type);
    }
    case Builtin::abs:
      return emit(make(Op::abs, {args[0]}), n.type);
    case Builtin::floor:
      return emit(make(Op::floor, {args[0]}), n.type);
    case Builtin::ceil:
      return emit(make(Op::ceil, {args[0]}), n.type);
    case Builtin::round: {
      Instr i = make(Op::round, {args[0]}, 2);
      i.aux = args.size() == 2 ? static_cast<std::int32_t>(p.regs[args[1]].num) : 0;
      return emit(std::move(i), n.type);
    }
    case Builtin::coalesce: {
      std::uint32_t r = args.back();
      for (std::size_t k = args.size() - 1; k-- > 0;)
        r = emit(make(Op::coalesce, {args[k], r}), n.type);
      return r;
    }
    case Builtin::lower:
      return emit(make(Op::lower, {args[0]}, 8), Type::string);
    case Builtin::upper:
      return emit(make(Op::upper, {args[0]}, 8), Type::string);
    case Builtin::starts_with:
      return emit(make(Op::starts_with, args, 4), Type::boolean);
    case Builtin::ends_with:
      return emit(make(Op::ends_with, args, 4), Type::boolean);
    case Builtin::contains:
      return emit(make(Op::contains, args, 4), Type::boolean);
    default:
      break;
    }
    return 0;
  }
};

std::shared_ptr<Program::Impl> build(std::string_view source, const Scope& scope,
                                     const CompileOptions& options, bool expression_only,
                                     std::vector<Diagnostic>& errors) {
  auto impl = std::make_shared<Program::Impl>();
  impl->source = std::string(source);
  impl->file = options.file;
  impl->scope = scope;
  if (options.functions) impl->host = options.functions->functions();
  if (expression_only) {
    Statement s;
    s.kind = Statement::Kind::rule;
    s.name = "expr";
    s.expr = parse_expression(impl->source, errors, options.limits);
    if (s.expr) impl->statements.push_back(std::move(s));
  } else {
    impl->statements = parse_file(impl->source, errors, options.limits);
  }
  Checker checker{impl->scope, options.functions, errors, {}, false, nullptr};
  for (std::size_t i = 0; i < impl->statements.size(); ++i) {
    Statement& s = impl->statements[i];
    if (errors.size() >= options.limits.max_errors) break;
    bool duplicate = false;
    for (std::size_t j = 0; j < i; ++j)
      duplicate = duplicate || impl->statements[j].name == s.name;
    if (duplicate) {
      errors.push_back({"E0105", "`" + s.name + "` is defined twice", s.name_range,
                        "give each let, rule and kpi its own name"});
    } else if (impl->scope.find(s.name)) {
      errors.push_back({"E0105", "`" + s.name + "` shadows a field of the scope", s.name_range,
                        "choose another name"});
    }
    if (s.kind == Statement::Kind::kpi) {
      errors.push_back({"E0111", "`kpi` statements are compiled by CustomKpis, not by Program",
                        s.name_range, "compile this file with dsl::CustomKpis::compile"});
      continue;
    }
    const bool ok = checker.check(*s.expr);
    checker.lets.push_back({s.name, i, ok ? s.expr->type : Type::null, false});
    if (!ok) checker.lets.back().type = Type::null;
  }
  std::stable_sort(errors.begin(), errors.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return a.range.begin < b.range.begin;
  });
  if (errors.size() > options.limits.max_errors) errors.resize(options.limits.max_errors);
  if (!errors.empty()) return nullptr;
  Compiler c{*impl, std::vector<std::uint32_t>(impl->statements.size(), 0), errors};
  for (std::size_t i = 0; i < impl->statements.size(); ++i) {
    const Statement& s = impl->statements[i];
    const std::uint32_t r = c.compile(*s.expr);
    c.let_reg[i] = r;
    if (s.kind == Statement::Kind::rule) {
      impl->outputs.push_back({s.name, s.kind, s.expr->type, s.expr->range});
      impl->output_regs.push_back(r);
      impl->output_statement.push_back(i);
    }
  }
  impl->plan();
  return impl;
}

} // namespace

Program Program::compile(std::string_view source, const Scope& scope,
                         const CompileOptions& options) {
  std::vector<Diagnostic> errors;
  auto impl = build(source, scope, options, false, errors);
  if (!impl) throw CompileError(errors, format(errors, options.file, source));
  return Program(std::move(impl));
}

Program Program::compile_expression(std::string_view source, const Scope& scope,
                                    const CompileOptions& options) {
  std::vector<Diagnostic> errors;
  auto impl = build(source, scope, options, true, errors);
  if (!impl) throw CompileError(errors, format(errors, options.file, source));
  return Program(std::move(impl));
}

std::vector<Diagnostic> Program::check(std::string_view source, const Scope& scope,
                                       const CompileOptions& options) {
  std::vector<Diagnostic> errors;
  build(source, scope, options, false, errors);
  return errors;
}

const std::vector<Output>& Program::outputs() const noexcept {
  return impl_->outputs;
}
const std::string& Program::source() const noexcept {
  return impl_->source;
}
double Program::cost_per_row() const noexcept {
  return impl_->cost;
}
std::size_t Program::instruction_count() const noexcept {
  return impl_->code.size();
}

std::vector<Column> Program::evaluate(const Table& table, const EvalOptions& options) const {
  std::vector<Column> out;
  evaluate_into(table, out, options);
  return out;
}

void Program::evaluate_into(const Table& table, std::vector<Column>& out,
                            const EvalOptions& options) const {
  const Impl& p = *impl_;
  if (table.scope().fields().size() != p.scope.fields().size())
    throw std::invalid_argument("rules: the table is bound to another scope");
  out.resize(p.outputs.size());
  for (std::size_t k = 0; k < out.size(); ++k) {
    Column& c = out[k];
    c.type = p.outputs[k].type;
    c.valid.resize(table.rows());
    c.numbers.resize(rep_of(c.type) == Rep::num ? table.rows() : 0);
    c.bools.resize(rep_of(c.type) == Rep::boolean ? table.rows() : 0);
    c.strings.assign(rep_of(c.type) == Rep::str ? table.rows() : 0, std::string());
  }
  p.execute(table, 0, table.rows(), options,
            [&](std::size_t at, std::size_t n, const std::vector<Slot>& s) {
              for (std::size_t k = 0; k < out.size(); ++k) {
                const Slot& r = s[p.output_regs[k]];
                Column& c = out[k];
                std::uint8_t* valid = c.valid.data() + at;
                if (r.constant)
                  std::fill(valid, valid + n, r.cvalid ? 1 : 0);
                else if (r.valid)
                  std::memcpy(valid, r.valid, n);
                else
                  std::fill(valid, valid + n, 1);
                // Values under a null are unspecified in the kernels; the column shows 0, written
                // in the same pass as the values.
                const bool masked = !r.constant && r.valid;
                switch (rep_of(c.type)) {
                case Rep::num: {
                  double* dst = c.numbers.data() + at;
                  if (r.constant)
                    std::fill_n(dst, n, r.cvalid ? r.c : 0.0);
                  else if (masked)
                    for (std::size_t i = 0; i < n; ++i)
                      dst[i] = blend(valid[i], r.num[i], 0.0);
                  else
                    std::memcpy(dst, r.num, n * sizeof(double));
                  break;
                }
                case Rep::boolean: {
                  std::uint8_t* dst = c.bools.data() + at;
                  if (r.constant)
                    std::fill_n(dst, n, r.cvalid ? r.cb : 0);
                  else if (masked)
                    for (std::size_t i = 0; i < n; ++i)
                      dst[i] = static_cast<std::uint8_t>(r.b[i] & valid[i]);
                  else
                    std::memcpy(dst, r.b, n);
                  break;
                }
                case Rep::str:
                  for (std::size_t i = 0; i < n; ++i)
                    if (valid[i]) c.strings[at + i] = std::string(str_at(r, i));
                  break;
                }
              }
            });
}

std::vector<RuleStats> Program::stats(const Table& table, const EvalOptions& options) const {
  const Impl& p = *impl_;
  if (table.scope().fields().size() != p.scope.fields().size())
    throw std::invalid_argument("rules: the table is bound to another scope");
  std::vector<RuleStats> out;
  for (const auto& o : p.outputs)
    out.push_back({o.name, table.rows(), 0, 0, 0});
  p.execute(table, 0, table.rows(), options,
            [&](std::size_t, std::size_t n, const std::vector<Slot>& s) {
              for (std::size_t k = 0; k < out.size(); ++k) {
                const Slot& r = s[p.output_regs[k]];
                const bool is_bool = p.outputs[k].type == Type::boolean;
                if (r.constant) {
                  if (!r.cvalid)
                    out[k].nulls += n;
                  else if (is_bool)
                    (r.cb ? out[k].fired : out[k].not_fired) += n;
                  continue;
                }
                std::size_t valid = n, fired = 0;
                if (r.valid) {
                  valid = 0;
                  for (std::size_t i = 0; i < n; ++i)
                    valid += r.valid[i];
                }
                out[k].nulls += n - valid;
                if (!is_bool) continue;
                if (r.valid) {
                  for (std::size_t i = 0; i < n; ++i)
                    fired += r.valid[i] & r.b[i];
                } else {
                  for (std::size_t i = 0; i < n; ++i)
                    fired += r.b[i];
                }
                out[k].fired += fired;
                out[k].not_fired += valid - fired;
              }
            });
  return out;
}

namespace {

struct ExplainWriter {
  const Program::Impl& p;
  const std::vector<Slot>& s;
  std::string out;

  std::string value(std::uint32_t reg) const {
    const Slot& r = s[reg];
    const bool ok = r.constant ? r.cvalid : (!r.valid || r.valid[0]);
    if (!ok) return "null";
    switch (rep_of(p.regs[reg].type)) {
    case Rep::num:
      return json_number(num_at(r, 0));
    case Rep::boolean:
      return (r.constant ? r.cb : r.b[0]) ? "true" : "false";
    case Rep::str:
      return "\"" + json_escape(str_at(r, 0)) + "\"";
    }
    return "null";
  }

  void node(const Node& n) {
    const auto it = p.node_reg.find(&n);
    const LineColumn lc = line_column(p.source, n.range.begin);
    out += "{\"expr\":\"" +
           json_escape(std::string_view(p.source).substr(n.range.begin, n.range.length)) +
           "\",\"at\":\"" + std::to_string(lc.line) + ":" + std::to_string(lc.column) +
           "\",\"type\":\"" + std::string(name_of(n.type)) + "\"";
    switch (n.kind) {
    case NodeKind::literal:
      out += ",\"kind\":\"literal\"";
      break;
    case NodeKind::name:
      out += std::string(",\"kind\":\"") + (n.binds_let ? "let" : "field") + "\",\"name\":\"" +
             json_escape(n.text) + "\"";
      break;
    case NodeKind::unary:
    case NodeKind::binary:
      out += ",\"kind\":\"operator\",\"op\":\"" + json_escape(n.op) + "\"";
      break;
    case NodeKind::is_missing:
      out += std::string(",\"kind\":\"operator\",\"op\":\"") +
             (n.negated ? "is not missing" : "is missing") + "\"";
      break;
    case NodeKind::in_list:
      out += std::string(",\"kind\":\"operator\",\"op\":\"") + (n.negated ? "not in" : "in") + "\"";
      break;
    case NodeKind::between:
      out += std::string(",\"kind\":\"operator\",\"op\":\"") +
             (n.negated ? "not between" : "between") + "\"";
      break;
    case NodeKind::if_else:
      out += ",\"kind\":\"if\"";
      break;
    case NodeKind::call:
      out += ",\"kind\":\"call\",\"function\":\"" + json_escape(n.text) + "\"";
      break;
    }
    if (it != p.node_reg.end()) {
      out += ",\"value\":" + value(it->second);
      if (p.regs[it->second].constant && n.kind != NodeKind::literal) out += ",\"folded\":true";
    }
    if (!n.children.empty()) {
      out += ",\"children\":[";
      for (std::size_t k = 0; k < n.children.size(); ++k) {
        if (k) out += ",";
        node(*n.children[k]);
      }
      out += "]";
    }
    out += "}";
  }
};

} // namespace

std::string Program::explain_json(const Table& table, std::size_t row) const {
  const Impl& p = *impl_;
  if (row >= table.rows())
    throw std::out_of_range("rules: row " + std::to_string(row) + " of a table of " +
                            std::to_string(table.rows()) + " rows");
  std::string result;
  EvalOptions o;
  p.execute(
      table, row, row + 1, o,
      [&](std::size_t, std::size_t, const std::vector<Slot>& s) {
        ExplainWriter w{p, s, {}};
        w.out = "{\"row\":" + std::to_string(row) + ",\"statements\":[";
        for (std::size_t i = 0; i < p.statements.size(); ++i) {
          const Statement& st = p.statements[i];
          if (i) w.out += ",";
          const char* kind = st.kind == Statement::Kind::let ? "let" : "rule";
          w.out += "{\"name\":\"" + json_escape(st.name) + "\",\"kind\":\"" + kind + "\"";
          const auto it = p.node_reg.find(st.expr.get());
          if (st.expr->type == Type::boolean && it != p.node_reg.end()) {
            const std::string v = w.value(it->second);
            w.out += std::string(",\"fired\":") + (v == "true" ? "true" : "false");
          }
          w.out += ",\"tree\":";
          w.node(*st.expr);
          w.out += "}";
        }
        w.out += "]}";
        result = std::move(w.out);
      },
      /*selective=*/false); // every node's value, the branch not taken included
  return result;
}

} // namespace kpiscore::dsl
