#include "tools/demo-services/common/http_message.h"

#include <strings.h>

namespace demo {

std::optional<std::string_view> HttpRequest::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() && strncasecmp(key.data(), name.data(), name.size()) == 0) {
      return std::string_view(value);
    }
  }
  return std::nullopt;
}

std::string_view HttpRequest::Path() const {
  std::string_view target_view(target);
  return target_view.substr(0, target_view.find('?'));
}

std::string_view HttpRequest::Query() const {
  std::string_view target_view(target);
  size_t question = target_view.find('?');
  return question == std::string_view::npos ? std::string_view() : target_view.substr(question + 1);
}

}  // namespace demo
