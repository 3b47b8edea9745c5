#include "tools/demo-services/common/json_reply.h"

#include <string>

namespace demo {

std::string_view ErrorCodeForStatus(int status) {
  switch (status) {
    case 400:
    case 413:
    case 422:
    case 431:
      return "invalid";
    case 401:
      return "unauthorized";
    case 402:
      return "card_declined";
    case 404:
      return "not_found";
    case 405:
      return "method_not_allowed";
    case 409:
      return "conflict";
    case 503:
      return "unavailable";
    default:
      return status >= 500 ? "internal" : "invalid";
  }
}

void WriteKey(JsonWriter& writer, std::string_view key) {
  writer.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
}

void WriteString(JsonWriter& writer, std::string_view value) {
  writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void WriteRawNumber(JsonWriter& writer, std::string_view decimal_text) {
  writer.RawValue(decimal_text.data(), decimal_text.size(), rapidjson::kNumberType);
}

HttpResponse ErrorResponse(ErrorShape shape, int status, std::string_view message) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  WriteKey(writer, "error");
  if (shape == ErrorShape::kMessageString) {
    WriteString(writer, message);
  } else {
    writer.StartObject();
    WriteKey(writer, "code");
    WriteString(writer, ErrorCodeForStatus(status));
    WriteKey(writer, "message");
    WriteString(writer, message);
    writer.EndObject();
  }
  writer.EndObject();
  HttpResponse response;
  response.status = status;
  response.body.assign(buffer.GetString(), buffer.GetSize());
  return response;
}

HttpResponse SuccessResponse(int status, std::string_view request_id,
                             const std::function<void(JsonWriter&)>& members) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  members(writer);
  WriteKey(writer, "request_id");
  WriteString(writer, request_id);
  writer.EndObject();
  HttpResponse response;
  response.status = status;
  response.body.assign(buffer.GetString(), buffer.GetSize());
  return response;
}

}  // namespace demo
