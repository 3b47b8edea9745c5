#include "comparators/body_codec/form_parser.h"

namespace shadowdiff {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string DecodeFormComponent(std::string_view component) {
  std::string out;
  out.reserve(component.size());
  for (size_t i = 0; i < component.size(); ++i) {
    char c = component[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%' && i + 2 < component.size() && HexValue(component[i + 1]) >= 0 &&
               HexValue(component[i + 2]) >= 0) {
      out.push_back(
          static_cast<char>(HexValue(component[i + 1]) * 16 + HexValue(component[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

FormFields ParseForm(std::string_view body) {
  FormFields fields;
  size_t start = 0;
  while (start <= body.size()) {
    size_t amp = body.find('&', start);
    if (amp == std::string_view::npos) amp = body.size();
    std::string_view pair = body.substr(start, amp - start);
    start = amp + 1;
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    std::string_view value =
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    fields.emplace_back(DecodeFormComponent(key), DecodeFormComponent(value));
  }
  return fields;
}

}  // namespace shadowdiff
