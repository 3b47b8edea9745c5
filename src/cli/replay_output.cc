#include "src/cli/replay_output.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <ostream>

#include "src/cli/commands.h"
#include "src/replay/summary_table.h"

namespace shadowdiff::cli {

Status WriteTextFile(const std::string& path, std::string_view text) {
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) {
      return Error{"cannot write `" + path + "`: " + std::strerror(errno) +
                   "; check that its directory exists and is writable"};
    }
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (!out.flush()) return Error{"cannot write `" + path + "`: " + std::strerror(errno)};
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    return Error{"cannot write `" + path + "`: " + std::strerror(errno)};
  }
  return Status();
}

std::optional<double> ParseFailAbove(std::string_view text) {
  std::string s(text);
  bool percent = false;
  if (!s.empty() && s.back() == '%') {
    percent = true;
    s.pop_back();
  }
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !(v >= 0)) return std::nullopt;
  if (percent) v /= 100;
  if (v > 1) return std::nullopt;
  return v;
}

int GateExitCode(const ReplayReport& report, double fail_above, std::string_view command,
                 std::ostream& err) {
  const OutcomeCounts total = report.Totals();
  if (total.shadowed() == 0) {
    err << "shadowdiff " << command << ": no request was compared (" << total.sent()
        << " sent, all not_shadowed or primary_error); check `shadow:` and `sample:` in the "
           "config and that the old side answers\n";
    return kExitFindings;
  }
  const double rate = total.mismatch_rate();
  if (rate > fail_above) {
    err << "shadowdiff " << command << ": mismatch rate " << FormatPercent(rate) << " ("
        << total.failing() << " of " << total.shadowed() << ") is above --fail-above "
        << FormatPercent(fail_above) << "\n";
    return kExitFindings;
  }
  return kExitOk;
}

}  // namespace shadowdiff::cli
