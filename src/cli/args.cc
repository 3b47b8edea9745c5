#include "src/cli/args.h"

#include <algorithm>

namespace shadowdiff::cli {

std::optional<std::string> ParsedArgs::Value(std::string_view name) const {
  auto it = values.find(std::string(name));
  if (it == values.end()) return std::nullopt;
  return it->second;
}

bool ParsedArgs::Has(std::string_view name) const {
  return values.count(std::string(name)) > 0 ||
         std::find(switches.begin(), switches.end(), name) != switches.end();
}

namespace {

const FlagSpec* FindLong(const std::vector<FlagSpec>& specs, std::string_view name) {
  for (const auto& s : specs) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

const FlagSpec* FindShort(const std::vector<FlagSpec>& specs, char c) {
  for (const auto& s : specs) {
    if (s.short_name != 0 && s.short_name == c) return &s;
  }
  return nullptr;
}

}  // namespace

Result<ParsedArgs> ParseArgs(const std::vector<std::string>& argv,
                             const std::vector<FlagSpec>& specs) {
  ParsedArgs out;
  bool flags_done = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (flags_done || arg.size() < 2 || arg[0] != '-') {
      out.positionals.push_back(arg);
      continue;
    }
    if (arg == "--") {
      flags_done = true;
      continue;
    }
    const FlagSpec* spec = nullptr;
    std::optional<std::string> inline_value;
    if (arg[1] == '-') {
      std::string_view body = std::string_view(arg).substr(2);
      size_t eq = body.find('=');
      if (eq != std::string_view::npos) {
        inline_value = std::string(body.substr(eq + 1));
        body = body.substr(0, eq);
      }
      spec = FindLong(specs, body);
    } else if (arg.size() == 2) {
      spec = FindShort(specs, arg[1]);
    }
    if (spec == nullptr) {
      return Error{"unknown option `" + arg + "`; see --help for the options this command takes"};
    }
    if (!spec->takes_value) {
      if (inline_value) return Error{"option `--" + spec->name + "` takes no value"};
      out.switches.push_back(spec->name);
      continue;
    }
    std::string value;
    if (inline_value) {
      value = *inline_value;
    } else if (i + 1 < argv.size()) {
      value = argv[++i];
    } else {
      return Error{"option `" + arg + "` needs a value (" + spec->value_name + ")"};
    }
    if (!out.values.emplace(spec->name, value).second) {
      return Error{"option `--" + spec->name + "` is given more than once"};
    }
  }
  return out;
}

std::string FlagHelp(const std::vector<FlagSpec>& specs) {
  std::vector<std::string> left;
  size_t width = 0;
  for (const auto& s : specs) {
    std::string l = "  ";
    l += s.short_name ? std::string("-") + s.short_name + ", " : "    ";
    l += "--" + s.name;
    if (s.takes_value) l += " " + s.value_name;
    width = std::max(width, l.size());
    left.push_back(std::move(l));
  }
  std::string out;
  for (size_t i = 0; i < specs.size(); ++i) {
    out += left[i] + std::string(width - left[i].size() + 3, ' ') + specs[i].help + "\n";
  }
  return out;
}

}  // namespace shadowdiff::cli
