// Small JSON helpers of demo-traffic over RapidJSON: building request bodies from string
// fields, and reading a string member by a path of names.
#ifndef SHADOWDIFF_DEMO_TRAFFIC_JSON_UTIL_H_
#define SHADOWDIFF_DEMO_TRAFFIC_JSON_UTIL_H_

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <rapidjson/document.h>

namespace demo_traffic {

// A JSON object of string members, in order, plus members whose values are raw JSON.
class JsonObject {
 public:
  JsonObject& Str(std::string_view name, std::string_view value);
  JsonObject& Raw(std::string_view name, std::string_view json);
  std::string Build() const;

 private:
  std::vector<std::pair<std::string, std::string>> members_;  // name, JSON value
};

// `text` as a JSON string literal (quotes included).
std::string Quote(std::string_view text);

// Parses `body`; nullopt when it is not JSON.
std::optional<rapidjson::Document> ParseJson(const std::string& body);

// The string at `path` (member names from the root), or nullopt when absent or not a string.
std::optional<std::string> StringAt(const rapidjson::Value& root,
                                    std::initializer_list<const char*> path);

}  // namespace demo_traffic

#endif  // SHADOWDIFF_DEMO_TRAFFIC_JSON_UTIL_H_
