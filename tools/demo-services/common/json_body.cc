#include "tools/demo-services/common/json_body.h"

#include <utility>

namespace demo {

ParsedBody ParseJsonObject(std::string_view body) {
  ParsedBody parsed;
  auto document = std::make_unique<rapidjson::Document>();
  document->Parse<rapidjson::kParseValidateEncodingFlag>(body.data(), body.size());
  if (document->HasParseError()) {
    parsed.error_status = 400;
    parsed.error = "invalid JSON";
    return parsed;
  }
  if (!document->IsObject()) {
    parsed.error_status = 422;
    parsed.error = "request body must be a JSON object";
    return parsed;
  }
  parsed.document = std::move(document);
  return parsed;
}

StringField GetStringField(const rapidjson::Value& object, std::string_view name,
                           size_t max_length) {
  StringField field;
  auto member = object.FindMember(rapidjson::Value(rapidjson::StringRef(name.data(), name.size())));
  if (member == object.MemberEnd()) return field;
  field.present = true;
  const rapidjson::Value& value = member->value;
  if (value.IsNull()) return field;
  if (!value.IsString()) {
    field.error = std::string(name) + " must be a string";
    return field;
  }
  std::string_view text(value.GetString(), value.GetStringLength());
  if (text.size() > max_length) {
    field.error = std::string(name) + " is longer than " + std::to_string(max_length) + " bytes";
    return field;
  }
  if (text.find('\0') != std::string_view::npos) {
    field.error = std::string(name) + " must not contain NUL characters";
    return field;
  }
  field.value = std::string(text);
  return field;
}

}  // namespace demo
