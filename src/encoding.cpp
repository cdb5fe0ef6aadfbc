#include <kpiscore/io/csv_reader.hpp>
#include <kpiscore/io/encoding.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iconv.h>

namespace kpiscore {

namespace {

std::uint64_t line_at(std::string_view bytes, std::size_t offset) {
  std::uint64_t line = 1;
  for (std::size_t i = 0; i < offset && i < bytes.size(); ++i) line += bytes[i] == '\n';
  return line;
}

/// iconv from `from` to UTF-8; on failure returns false with the offset of the undecodable byte.
bool convert(std::string_view bytes, const char* from, std::string& out, std::size_t& bad_offset) {
  iconv_t cd = iconv_open("UTF-8", from);
  if (cd == reinterpret_cast<iconv_t>(-1))
    throw InputError(std::string("input: the iconv of this system cannot convert from ") + from);
  out.clear();
  out.resize(bytes.size() * 2 + 16);
  char* in = const_cast<char*>(bytes.data());
  std::size_t in_left = bytes.size();
  std::size_t used = 0;
  bool ok = true;
  while (in_left > 0) {
    char* dst = out.data() + used;
    std::size_t out_left = out.size() - used;
    const std::size_t r = iconv(cd, &in, &in_left, &dst, &out_left);
    used = out.size() - out_left;
    if (r != static_cast<std::size_t>(-1)) break;
    if (errno == E2BIG) {
      out.resize(out.size() * 2);
      continue;
    }
    ok = false; // EILSEQ (invalid sequence) or EINVAL (incomplete sequence at the end)
    bad_offset = bytes.size() - in_left;
    break;
  }
  iconv_close(cd);
  out.resize(used);
  return ok;
}

} // namespace

std::size_t find_invalid_utf8(std::string_view s) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned lo = 0x80, hi = 0xBF; // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF)
      len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;      // no overlongs
      else if (c == 0xED) hi = 0x9F; // no surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      else if (c == 0xF4) hi = 0x8F; // nothing above U+10FFFF
    } else
      return i;
    if (i + len > n) return i;
    if (p[i + 1] < lo || p[i + 1] > hi) return i;
    for (std::size_t k = 2; k < len; ++k)
      if (p[i + k] < 0x80 || p[i + k] > 0xBF) return i;
    i += len;
  }
  return std::string_view::npos;
}

void decode_text(std::string_view bytes, std::string_view encoding, DecodedText& out) {
  out.owned.clear();
  auto at = [&](std::size_t offset) {
    return "byte offset " + std::to_string(offset) + " (line " + std::to_string(line_at(bytes, offset)) + ")";
  };
  const bool utf8_bom = bytes.size() >= 3 && bytes.substr(0, 3) == "\xEF\xBB\xBF";
  const bool le_bom = bytes.size() >= 2 && bytes.substr(0, 2) == "\xFF\xFE";
  const bool be_bom = bytes.size() >= 2 && bytes.substr(0, 2) == "\xFE\xFF";
  auto via_iconv = [&](const char* from, std::string name, std::string_view body) {
    std::size_t bad = 0;
    if (!convert(body, from, out.owned, bad)) {
      const std::size_t offset = bad + static_cast<std::size_t>(body.data() - bytes.data());
      throw InputError("input: not valid " + name + " at " + at(offset));
    }
    out.text = out.owned;
    out.encoding = std::move(name);
  };
  auto utf16 = [&] {
    if (le_bom)
      via_iconv("UTF-16LE", "utf-16le", bytes.substr(2));
    else if (be_bom)
      via_iconv("UTF-16BE", "utf-16be", bytes.substr(2));
    else
      throw InputError("input: UTF-16 without a byte-order mark; save the file as UTF-8 or GB18030");
  };
  if (encoding == "utf-8") {
    const std::size_t bad = find_invalid_utf8(bytes);
    if (bad != std::string_view::npos) throw InputError("input: not valid UTF-8 at " + at(bad));
    out.text = bytes;
    out.encoding = utf8_bom ? "utf-8-bom" : "utf-8";
    return;
  }
  if (encoding == "gb18030" || encoding == "gbk") {
    via_iconv(encoding == "gbk" ? "GBK" : "GB18030", std::string(encoding), bytes);
    return;
  }
  if (encoding == "utf-16") {
    utf16();
    return;
  }
  if (encoding != "auto") throw InputError("input: unknown encoding '" + std::string(encoding) + "'");
  if (le_bom || be_bom) {
    utf16();
    return;
  }
  const std::size_t bad = find_invalid_utf8(bytes);
  if (bad == std::string_view::npos) {
    out.text = bytes;
    out.encoding = utf8_bom ? "utf-8-bom" : "utf-8";
    return;
  }
  if (utf8_bom) throw InputError("input: not valid UTF-8 at " + at(bad) + " (the file starts with a UTF-8 byte-order mark)");
  std::size_t gb_bad = 0;
  if (convert(bytes, "GB18030", out.owned, gb_bad)) {
    out.text = out.owned;
    out.encoding = "gb18030";
    return;
  }
  throw InputError("input: neither UTF-8 (bad byte at " + at(bad) + ") nor GB18030 (bad byte at " + at(gb_bad) +
                   "); give \"encoding\" in the mapping");
}

char detect_delimiter(std::string_view s) {
  if (s.size() >= 3 && s.substr(0, 3) == "\xEF\xBB\xBF") s.remove_prefix(3);
  std::size_t count[4] = {};
  constexpr char candidates[4] = {',', ';', '\t', '|'};
  bool quoted = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '"') {
      quoted = !quoted; // a doubled quote toggles twice
      continue;
    }
    if (quoted) continue;
    if (c == '\n' || c == '\r') break;
    for (int k = 0; k < 4; ++k) count[k] += c == candidates[k];
  }
  int best = 0;
  for (int k = 1; k < 4; ++k)
    if (count[k] > count[best]) best = k;
  if (count[best] == 0) return ',';
  for (int k = 0; k < 4; ++k)
    if (k != best && count[k] == count[best])
      throw InputError("header: cannot tell the delimiter (" + std::to_string(count[best]) + " " +
                       delimiter_name(candidates[std::min(k, best)]) + " and " +
                       delimiter_name(candidates[std::max(k, best)]) +
                       "); give \"delimiter\" in the mapping");
  return candidates[best];
}

std::string delimiter_name(char d) {
  if (d == '\t') return "tab";
  return std::string("'") + d + "'";
}

} // namespace kpiscore
