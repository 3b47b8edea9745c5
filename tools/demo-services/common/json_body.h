// Request bodies: one JSON object (UTF-8 validated), and typed access to its members with
// the validation messages the services answer with.
#ifndef DEMO_SERVICES_COMMON_JSON_BODY_H_
#define DEMO_SERVICES_COMMON_JSON_BODY_H_

#include <rapidjson/document.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace demo {

struct ParsedBody {
  std::unique_ptr<rapidjson::Document> document;  // an object when error_status == 0
  int error_status = 0;  // 400 "invalid JSON"; 422 when valid JSON but not an object
  std::string error;
};

ParsedBody ParseJsonObject(std::string_view body);

// One optional string member of a request object.
struct StringField {
  bool present = false;              // the key is there (its value may be null)
  std::optional<std::string> value;  // nullopt for JSON null or absent
  std::string error;                 // non-empty: not a string or null, too long, or has NUL
};

// Reads member `name` of `object` (an object). Values longer than `max_length` bytes or
// containing NUL characters are errors (PostgreSQL text cannot hold NUL).
StringField GetStringField(const rapidjson::Value& object, std::string_view name,
                           size_t max_length = 256);

}  // namespace demo

#endif  // DEMO_SERVICES_COMMON_JSON_BODY_H_
