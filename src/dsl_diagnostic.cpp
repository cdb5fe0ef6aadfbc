#include <kpiscore/dsl/diagnostic.hpp>

#include <algorithm>
#include <string>

namespace kpiscore::dsl {

LineColumn line_column(std::string_view source, std::uint32_t offset) noexcept {
  LineColumn lc;
  const std::size_t end = std::min<std::size_t>(offset, source.size());
  for (std::size_t i = 0; i < end; ++i) {
    if (source[i] == '\n') {
      ++lc.line;
      lc.column = 1;
    } else {
      ++lc.column;
    }
  }
  return lc;
}

std::string format(const Diagnostic& d, std::string_view file, std::string_view source) {
  const LineColumn lc = line_column(source, d.range.begin);
  std::string out = std::string(file) + ":" + std::to_string(lc.line) + ":" +
                    std::to_string(lc.column) + ": error[" + d.code + "]: " + d.message + "\n";
  // The source line, then a caret under the range (clipped to the line).
  std::size_t line_begin = std::min<std::size_t>(d.range.begin, source.size());
  while (line_begin > 0 && source[line_begin - 1] != '\n')
    --line_begin;
  std::size_t line_end = line_begin;
  while (line_end < source.size() && source[line_end] != '\n')
    ++line_end;
  std::string_view line = source.substr(line_begin, line_end - line_begin);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  const std::string number = std::to_string(lc.line);
  const std::string pad(number.size(), ' ');
  out += "  " + number + " | " + std::string(line) + "\n";
  const std::size_t col = lc.column - 1;
  std::size_t width = d.range.length == 0 ? 1 : d.range.length;
  if (col + width > line.size()) width = line.size() > col ? line.size() - col : 1;
  std::string marks(col, ' ');
  for (std::size_t i = 0; i < col && i < line.size(); ++i)
    if (line[i] == '\t') marks[i] = '\t';
  out += "  " + pad + " | " + marks + std::string(width, '^') + "\n";
  if (!d.hint.empty()) out += "  " + pad + " = hint: " + d.hint + "\n";
  return out;
}

std::string format(const std::vector<Diagnostic>& ds, std::string_view file,
                   std::string_view source) {
  std::string out;
  for (const auto& d : ds)
    out += format(d, file, source);
  return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Optimal string alignment distance (Damerau 1964: a transposition of two adjacent letters
  // counts as one edit, so `mni` is one step from `min`).
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i)
    d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j)
    d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

std::string closest_name(std::string_view name, const std::vector<std::string>& candidates) {
  const std::size_t limit = std::max<std::size_t>(1, name.size() / 3);
  std::string best;
  std::size_t best_d = limit + 1;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(name, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

} // namespace kpiscore::dsl
