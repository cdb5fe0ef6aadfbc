#ifndef KPISCORE_IO_ENCODING_HPP
#define KPISCORE_IO_ENCODING_HPP

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kpiscore {

/// Source text converted to UTF-8. `text` views either the input (already UTF-8) or `owned`.
struct DecodedText {
  std::string owned;
  std::string_view text;
  std::string encoding; ///< "utf-8", "utf-8-bom", "gb18030", "gbk", "utf-16le", "utf-16be"
  DecodedText() = default;
  DecodedText(const DecodedText&) = delete;
  DecodedText& operator=(const DecodedText&) = delete;
};

/// Converts `bytes` to UTF-8 (with iconv for GB18030, GBK and UTF-16). `encoding`:
///  - "auto": a UTF-8 BOM → UTF-8; a UTF-16 BOM → UTF-16; valid UTF-8 → UTF-8; otherwise
///    valid GB18030 → GB18030; otherwise InputError naming the first bad byte of each;
///  - "utf-8", "gb18030", "gbk", "utf-16" (BOM required for the byte order): that encoding;
///    an undecodable byte is an InputError with its byte offset and line.
/// A UTF-8 BOM is kept in `text` (the reader skips it).
void decode_text(std::string_view bytes, std::string_view encoding, DecodedText& out);

/// Byte offset of the first byte that is not valid UTF-8 (overlongs, surrogates and code points
/// above U+10FFFF are invalid), or npos.
std::size_t find_invalid_utf8(std::string_view text) noexcept;

/// The delimiter of the header line (the first record; quotes respected): the most frequent of
/// `,` `;` tab `|`; `,` when none occurs. InputError when two candidates tie.
char detect_delimiter(std::string_view utf8_text);

/// The first `max_records` records of UTF-8 CSV text split into trimmed fields (the reader's
/// quoting rules; a UTF-8 BOM skipped; blank lines left out). For `kpiscore inspect`.
std::vector<std::vector<std::string>> split_records(std::string_view utf8_text, char delimiter,
                                                   std::size_t max_records);

/// "," ";" "\t" "|" as a display name: "','", "';'", "tab", "'|'".
std::string delimiter_name(char d);

} // namespace kpiscore

#endif
