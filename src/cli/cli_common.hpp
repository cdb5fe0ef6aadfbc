#ifndef KPISCORE_CLI_CLI_COMMON_HPP
#define KPISCORE_CLI_CLI_COMMON_HPP

// What every `kpiscore` subcommand shares: exit codes, the usage error, file helpers.
#include <kpiscore/io/csv_reader.hpp>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace kpiscore::cli {

constexpr int exit_ok = 0, exit_usage = 1, exit_input = 2, exit_internal = 3;

/// Bad arguments or a bad options/spec document: exit 1.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot open '" + path + "'");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_file(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary);
  if (!out || !out.write(data.data(), static_cast<std::streamsize>(data.size())))
    throw InputError("cannot write '" + path + "'");
}

/// A subcommand takes the arguments after its name and returns the exit code. Each command's
/// source file registers itself (src/cli/*_command.cpp are globbed into the executable).
using CommandFn = int (*)(const std::vector<std::string>&);
struct CommandInfo {
  std::string name, usage;
  CommandFn run;
};
inline std::vector<CommandInfo>& commands() {
  static std::vector<CommandInfo> all;
  return all;
}
struct RegisterCommand {
  RegisterCommand(std::string name, std::string usage, CommandFn run) {
    commands().push_back({std::move(name), std::move(usage), run});
  }
};

} // namespace kpiscore::cli

#endif
