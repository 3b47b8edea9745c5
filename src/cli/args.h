// Args: the command-line parser every subcommand uses, so flags behave the same
// everywhere: `--flag value`, `--flag=value`, `-c value`, boolean `--flag`, positionals,
// `--` ends flags, and any flag not declared is an error that names it and suggests --help.
#ifndef SHADOWDIFF_CLI_ARGS_H_
#define SHADOWDIFF_CLI_ARGS_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/core/result.h"

namespace shadowdiff::cli {

struct FlagSpec {
  std::string name;     // long name without dashes: "config"
  char short_name = 0;  // 'c', or 0
  bool takes_value = false;
  std::string value_name;  // "FILE", for help text
  std::string help;
};

struct ParsedArgs {
  std::map<std::string, std::string> values;  // flags with values, by long name
  std::vector<std::string> switches;          // boolean flags that were given
  std::vector<std::string> positionals;

  std::optional<std::string> Value(std::string_view name) const;
  bool Has(std::string_view name) const;
};

// Parses argv[first..] against `specs`. A repeated value flag is an error.
Result<ParsedArgs> ParseArgs(const std::vector<std::string>& argv,
                             const std::vector<FlagSpec>& specs);

// "  -c, --config FILE   the endpoints.yaml to use" lines, aligned.
std::string FlagHelp(const std::vector<FlagSpec>& specs);

}  // namespace shadowdiff::cli

#endif  // SHADOWDIFF_CLI_ARGS_H_
