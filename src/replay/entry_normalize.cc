#include "src/replay/entry_normalize.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <vector>

namespace shadowdiff {
namespace {

bool Digits(std::string_view s, size_t pos, size_t n, int* value) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *value = v;
  return true;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Names listed by Connection headers (and the fixed hop-by-hop set), lower-case.
std::vector<std::string> HopByHop(const HeaderList& headers) {
  std::vector<std::string> names = {
      "connection", "keep-alive", "transfer-encoding", "te",
      "trailer",    "upgrade",    "proxy-connection",  "content-length"};
  for (const auto& [name, value] : headers) {
    if (!EqualsIgnoreCase(name, "connection")) continue;
    size_t start = 0;
    while (start <= value.size()) {
      size_t comma = value.find(',', start);
      if (comma == std::string::npos) comma = value.size();
      std::string_view token = std::string_view(value).substr(start, comma - start);
      while (!token.empty() && (token.front() == ' ' || token.front() == '\t')) {
        token.remove_prefix(1);
      }
      while (!token.empty() && (token.back() == ' ' || token.back() == '\t'))
        token.remove_suffix(1);
      if (!token.empty()) names.push_back(Lower(token));
      start = comma + 1;
    }
  }
  return names;
}

void RemoveListed(HeaderList* headers, const std::vector<std::string>& names) {
  std::erase_if(*headers, [&](const auto& h) {
    if (!h.first.empty() && h.first[0] == ':') return true;
    const std::string lower = Lower(h.first);
    return std::find(names.begin(), names.end(), lower) != names.end();
  });
}

}  // namespace

std::optional<int64_t> ParseTimestampMillis(std::string_view s) {
  int year, month, day, hour, minute, second;
  if (!Digits(s, 0, 4, &year) || s.size() < 19 || s[4] != '-' || !Digits(s, 5, 2, &month) ||
      s[7] != '-' || !Digits(s, 8, 2, &day) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      !Digits(s, 11, 2, &hour) || s[13] != ':' || !Digits(s, 14, 2, &minute) || s[16] != ':' ||
      !Digits(s, 17, 2, &second)) {
    return std::nullopt;
  }
  size_t pos = 19;
  int64_t millis = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int64_t scale = 100;
    size_t digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      millis += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
      ++digits;
    }
    if (digits == 0) return std::nullopt;
  }
  int64_t offset_minutes = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!Digits(s, pos + 1, 2, &oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !Digits(s, pos + 4, 2, &om)) {
      return std::nullopt;
    }
    offset_minutes = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  }
  if (pos != s.size()) return std::nullopt;
  using namespace std::chrono;
  const year_month_day ymd{std::chrono::year(year),
                           std::chrono::month(static_cast<unsigned>(month)),
                           std::chrono::day(static_cast<unsigned>(day))};
  if (!ymd.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  const int64_t days_since_epoch = sys_days(ymd).time_since_epoch().count();
  const int64_t seconds =
      days_since_epoch * 86400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
  return seconds * 1000 + millis;
}

std::string OriginFormTarget(std::string_view url, std::string* authority) {
  if (authority != nullptr) authority->clear();
  if (url.empty()) return "";
  if (url[0] == '/') return std::string(url);
  if (url == "*") return "*";
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) return "";
  std::string_view rest = url.substr(scheme_end + 3);
  const size_t path_start = rest.find_first_of("/?#");
  std::string_view host = rest.substr(0, path_start);
  if (const size_t at = host.rfind('@'); at != std::string_view::npos) host.remove_prefix(at + 1);
  if (authority != nullptr) *authority = std::string(host);
  std::string_view tail =
      path_start == std::string_view::npos ? std::string_view() : rest.substr(path_start);
  if (const size_t hash = tail.find('#'); hash != std::string_view::npos) {
    tail = tail.substr(0, hash);
  }
  std::string target;
  if (tail.empty() || tail[0] != '/') target = "/";
  target += tail;
  return target;
}

void CleanRequestHeaders(HeaderList* headers, std::string_view authority) {
  std::string host(authority);
  for (const auto& [name, value] : *headers) {
    if (name == ":authority") host = value;
  }
  RemoveListed(headers, HopByHop(*headers));
  if (!host.empty() && !FindHeader(*headers, "host")) {
    headers->insert(headers->begin(), {"Host", host});
  }
}

void CleanResponseHeaders(HeaderList* headers) { RemoveListed(headers, HopByHop(*headers)); }

namespace {

bool IsTokenChar(unsigned char c) {
  return std::isalnum(c) ||
         std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

bool IsToken(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return IsTokenChar(static_cast<unsigned char>(c));
  });
}

}  // namespace

std::string RequestProblem(const Request& request) {
  if (!IsToken(request.method)) return "the method is not an HTTP method name";
  const std::string& t = request.target;
  if (t.empty() || (t[0] != '/' && t != "*")) return "the target does not start with '/'";
  for (unsigned char c : t) {
    if (c <= 0x20 || c == 0x7f) return "the target holds a space or a control character";
  }
  for (const auto& [name, value] : request.headers) {
    if (!IsToken(name)) return "a header name is not an HTTP token";
    if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      return "the value of header `" + name + "` holds CR, LF or NUL";
    }
  }
  return "";
}

}  // namespace shadowdiff
