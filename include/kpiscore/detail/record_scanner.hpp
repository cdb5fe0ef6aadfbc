#ifndef KPISCORE_DETAIL_RECORD_SCANNER_HPP
#define KPISCORE_DETAIL_RECORD_SCANNER_HPP

// The one CSV record splitter of the readers (contacts, mapped exports, indicator tables).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kpiscore::detail {

/// RFC 4180 record splitter over a whole buffer. Fields view the buffer, or `scratch` when a
/// quoted field held doubled quotes.
class RecordScanner {
public:
  explicit RecordScanner(std::string_view text, char delimiter = ',') : s_(text), d_(delimiter) {
    if (s_.size() >= 3 && static_cast<unsigned char>(s_[0]) == 0xEF &&
        static_cast<unsigned char>(s_[1]) == 0xBB && static_cast<unsigned char>(s_[2]) == 0xBF)
      pos_ = 3;
  }
  bool done() const { return pos_ >= s_.size(); }
  std::uint64_t line() const { return line_; }

  /// Splits the next record into `fields`; returns the line it started on. `malformed` is set
  /// for an unterminated quote or text after a closing quote.
  std::uint64_t next(std::vector<std::string_view>& fields, bool& malformed) {
    fields.clear();
    malformed = false;
    scratch_.clear();
    const std::uint64_t start_line = line_;
    std::vector<std::pair<std::size_t, std::size_t>> scratch_fields; // (index, offset:len) fixups
    while (true) {
      if (pos_ < s_.size() && s_[pos_] == '"') {
        ++pos_;
        const std::size_t begin_scratch = scratch_.size();
        bool escaped = false;
        std::size_t seg = pos_;
        while (true) {
          const std::size_t q = s_.find('"', pos_);
          if (q == std::string_view::npos) {
            malformed = true;
            line_ += count_newlines(pos_, s_.size());
            pos_ = s_.size();
            fields.emplace_back();
            return start_line;
          }
          line_ += count_newlines(pos_, q);
          if (q + 1 < s_.size() && s_[q + 1] == '"') {
            scratch_.append(s_.substr(seg, q + 1 - seg));
            escaped = true;
            pos_ = q + 2;
            seg = pos_;
            continue;
          }
          if (escaped) {
            scratch_.append(s_.substr(seg, q - seg));
            scratch_fields.emplace_back(fields.size(), begin_scratch);
            fields.emplace_back(s_.data(),
                                scratch_.size() - begin_scratch); // placeholder, fixed below
          } else {
            fields.push_back(s_.substr(seg, q - seg));
          }
          pos_ = q + 1;
          break;
        }
        if (pos_ < s_.size() && s_[pos_] != d_ && s_[pos_] != '\n' && s_[pos_] != '\r') {
          malformed = true;
          // Skip to the end of the line.
          const std::size_t nl = s_.find('\n', pos_);
          pos_ = nl == std::string_view::npos ? s_.size() : nl + 1;
          ++line_;
          fix(fields, scratch_fields);
          return start_line;
        }
      } else {
        std::size_t e = pos_;
        while (e < s_.size() && s_[e] != d_ && s_[e] != '\n' && s_[e] != '\r')
          ++e;
        fields.push_back(s_.substr(pos_, e - pos_));
        pos_ = e;
      }
      if (pos_ >= s_.size()) break;
      const char c = s_[pos_];
      if (c == d_) {
        ++pos_;
        if (pos_ >= s_.size()) {
          fields.emplace_back();
          break;
        }
        continue;
      }
      // End of record: \n, \r\n or a lone \r.
      if (c == '\r') ++pos_;
      if (pos_ < s_.size() && s_[pos_] == '\n') ++pos_;
      ++line_;
      break;
    }
    fix(fields, scratch_fields);
    return start_line;
  }

private:
  std::uint64_t count_newlines(std::size_t a, std::size_t b) const {
    std::uint64_t n = 0;
    for (std::size_t i = a; i < b; ++i)
      n += s_[i] == '\n';
    return n;
  }
  void fix(std::vector<std::string_view>& fields,
           const std::vector<std::pair<std::size_t, std::size_t>>& fixups) const {
    for (const auto& [index, offset] : fixups)
      fields[index] = std::string_view(scratch_).substr(offset, fields[index].size());
  }
  std::string_view s_;
  char d_ = ',';
  std::size_t pos_ = 0;
  std::uint64_t line_ = 1;
  std::string scratch_;
};

} // namespace kpiscore::detail

#endif
