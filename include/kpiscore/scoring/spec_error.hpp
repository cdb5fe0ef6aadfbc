#ifndef KPISCORE_SCORING_SPEC_ERROR_HPP
#define KPISCORE_SCORING_SPEC_ERROR_HPP

#include <stdexcept>
#include <string>

namespace kpiscore::scoring {

/// An error in a scorecard spec: the JSON path of the offending value (RFC 6901 pointer, "/" for
/// the document) and what is wrong with it. what() is "spec PATH: MESSAGE", e.g.
/// "spec /dimensions/0/weight: expected a weight such as \"30%\" or 0.3, actual \"abc\"".
/// Messages never quote KPI data, only the spec's own text.
class SpecError : public std::invalid_argument {
public:
  SpecError(std::string path, std::string message)
      : std::invalid_argument("spec " + (path.empty() ? std::string("/") : path) + ": " + message),
        path_(path.empty() ? "/" : std::move(path)), message_(std::move(message)) {}
  /// An error with a stable code of the rules language (decision tables: E06xx), which a
  /// `.kpi` scorecard shows instead of the generic E0510.
  SpecError(std::string path, std::string message, std::string code) : SpecError(std::move(path), std::move(message)) {
    code_ = std::move(code);
  }
  const std::string& path() const noexcept { return path_; }
  const std::string& message() const noexcept { return message_; }
  const std::string& code() const noexcept { return code_; }

private:
  std::string path_, message_, code_;
};

} // namespace kpiscore::scoring

#endif
