// shadowdiff diff OLD NEW [-c FILE --endpoint 'METHOD /path'] [--json] [--as KIND]:
// compares two bodies offline with the comparators and rules the proxy uses.
// Exit 0 equal, 1 different, 2 error (usage, unreadable file, invalid config, no endpoint).
#include <algorithm>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <ostream>

#include "comparators/compare_scratch.h"
#include "comparators/response_comparator.h"
#include "src/cli/args.h"
#include "src/cli/commands.h"
#include "src/cli/diff_output.h"
#include "src/core/config_loader.h"
#include "src/core/diff_json.h"

namespace shadowdiff::cli {
namespace {

// Bodies larger than this are refused: `diff` holds both in memory.
constexpr size_t kMaxInputBytes = size_t{256} << 20;

const std::vector<FlagSpec>& DiffFlags() {
  static const std::vector<FlagSpec> flags = {
      {"config", 'c', true, "FILE", "endpoints.yaml whose rules apply (default: built-in rules)"},
      {"endpoint", 'e', true, "'METHOD /path'",
       "use the rules of the endpoint matching this request (needs -c)"},
      {"as", 0, true, "KIND", "read bodies as auto (default), json, form, text or binary"},
      {"json", 0, false, "", "print the result as JSON"},
      {"help", 'h', false, "", "show this help"},
  };
  return flags;
}

void PrintHelp(std::ostream& out) {
  out << "usage: shadowdiff diff OLD NEW [-c FILE --endpoint 'METHOD /path'] [--json]\n\n"
         "Compares two bodies (files, or - for standard input) with the same comparators and\n"
         "rules the proxy uses, and prints one line per difference, path first.\n"
         "Without -c the built-in defaults apply; with -c alone, the file's `defaults:`.\n"
         "Exit status: 0 equal, 1 different, 2 error.\n\noptions:\n"
      << FlagHelp(DiffFlags());
}

Result<std::string> ReadInput(const std::string& path) {
  std::string data;
  if (path == "-") {
    // Read in pieces and stop one byte past the cap: standard input has no size to check.
    char piece[64 * 1024];
    while (data.size() <= kMaxInputBytes && std::cin.read(piece, sizeof piece).gcount() > 0) {
      data.append(piece, static_cast<size_t>(std::cin.gcount()));
    }
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error{"cannot open `" + path + "`: check the path and its permissions"};
    in.seekg(0, std::ios::end);
    std::streamoff size = in.tellg();
    if (size > static_cast<std::streamoff>(kMaxInputBytes)) {
      return Error{"`" + path + "` is " + std::to_string(size) + " bytes; diff reads at most " +
                   std::to_string(kMaxInputBytes >> 20) + " MiB per body"};
    }
    in.seekg(0, std::ios::beg);
    data.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (in.bad()) return Error{"cannot read `" + path + "`"};
  }
  if (data.size() > kMaxInputBytes) {
    return Error{"`" + path + "` is larger than " + std::to_string(kMaxInputBytes >> 20) +
                 " MiB; diff reads at most that per body"};
  }
  return data;
}

Result<BodyKind> ParseBodyKind(const std::string& text) {
  if (text == "auto") return BodyKind::kAuto;
  if (text == "json") return BodyKind::kJson;
  if (text == "form") return BodyKind::kForm;
  if (text == "text") return BodyKind::kText;
  if (text == "binary") return BodyKind::kBinary;
  return Error{"--as takes auto, json, form, text or binary, not `" + text + "`"};
}

// The rules that apply: built-in defaults, the config's defaults, or an endpoint's.
Result<CompareRules> ChooseRules(const ParsedArgs& args) {
  auto config_path = args.Value("config");
  auto endpoint = args.Value("endpoint");
  if (!config_path) {
    if (endpoint) return Error{"--endpoint needs the config that defines it: add -c FILE"};
    return CompareRules{};
  }
  auto config = LoadConfigFile(*config_path);
  if (!config.ok())
    return Error{config.error().message + "\n(run `shadowdiff check -c " + *config_path +
                 "` for the full list)"};
  if (!endpoint) return (*config)->default_comparator->rules();

  size_t space = endpoint->find(' ');
  if (space == std::string::npos || space == 0 || space + 1 >= endpoint->size()) {
    return Error{"--endpoint takes a method and a path, e.g. --endpoint 'GET /merchants/1', not `" +
                 *endpoint + "`"};
  }
  std::string method = endpoint->substr(0, space);
  std::string target = endpoint->substr(space + 1);
  const Endpoint* match = (*config)->endpoints.Match(method, target);
  if (match == nullptr) {
    std::string message = "no endpoint in " + *config_path + " matches " + method + " " + target;
    const auto& all = (*config)->endpoints.endpoints();
    if (!all.empty()) {
      message += "; its endpoints are:";
      for (const Endpoint& e : all) {
        message += "\n  " + e.settings.methods.ToString() + " " + e.path_template;
      }
    }
    return Error{message};
  }
  return match->comparator->rules();
}

}  // namespace

int RunDiff(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  auto parsed = ParseArgs(args, DiffFlags());
  if (!parsed.ok()) {
    err << "shadowdiff diff: " << parsed.error().message << "\n";
    return kExitError;
  }
  if (parsed->Has("help")) {
    PrintHelp(out);
    return kExitOk;
  }
  if (parsed->positionals.size() != 2) {
    err << "shadowdiff diff: expected two bodies, OLD and NEW (got " << parsed->positionals.size()
        << "); see --help\n";
    return kExitError;
  }
  const std::string& old_path = parsed->positionals[0];
  const std::string& new_path = parsed->positionals[1];
  if (old_path == "-" && new_path == "-") {
    err << "shadowdiff diff: only one of OLD and NEW can be - (standard input)\n";
    return kExitError;
  }
  BodyKind kind = BodyKind::kAuto;
  if (auto as = parsed->Value("as")) {
    auto k = ParseBodyKind(*as);
    if (!k.ok()) {
      err << "shadowdiff diff: " << k.error().message << "\n";
      return kExitError;
    }
    kind = *k;
  }
  auto rules = ChooseRules(*parsed);
  if (!rules.ok()) {
    err << "shadowdiff diff: " << rules.error().message << "\n";
    return kExitError;
  }
  auto old_body = ReadInput(old_path);
  auto new_body = old_body.ok() ? ReadInput(new_path) : Result<std::string>(Error{});
  if (!old_body.ok() || !new_body.ok()) {
    err << "shadowdiff diff: "
        << (old_body.ok() ? new_body.error().message : old_body.error().message) << "\n";
    return kExitError;
  }
  // Offline, whole files are compared: the proxy's buffering cap does not apply.
  rules->max_body_bytes =
      std::max(rules->max_body_bytes, std::max(old_body->size(), new_body->size()) + 1);
  ResponseComparator comparator(std::move(*rules));
  CompareScratch scratch;
  Comparison result = comparator.CompareBodies(*old_body, *new_body, kind, scratch);

  if (parsed->Has("json")) {
    out << ComparisonToJson(result) << "\n";
  } else {
    out << RenderComparison(result);
  }
  return result.equal() ? kExitOk : kExitFindings;
}

}  // namespace shadowdiff::cli
