#ifndef KPISCORE_SAMPLING_PLAN_ERROR_HPP
#define KPISCORE_SAMPLING_PLAN_ERROR_HPP

#include <stdexcept>
#include <string>

namespace kpiscore::sampling {

/// An error in a sampling plan: the JSON path of the offending value (RFC 6901 pointer, "/" for
/// the document) and what is wrong with it. what() is "plan PATH: MESSAGE", e.g.
/// "plan /rate: expected a share in 0..1, actual 1.5". Raised when the plan is parsed and, for
/// names that only the data can check (an unknown dimension), when it is applied to a table.
/// Messages quote the plan's own text, never contact data.
class PlanError : public std::invalid_argument {
public:
  PlanError(std::string path, std::string message)
      : std::invalid_argument("plan " + (path.empty() ? std::string("/") : path) + ": " + message),
        path_(path.empty() ? "/" : std::move(path)), message_(std::move(message)) {}
  const std::string& path() const noexcept { return path_; }
  const std::string& message() const noexcept { return message_; }

private:
  std::string path_, message_;
};

} // namespace kpiscore::sampling

#endif
