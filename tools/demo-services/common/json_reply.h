// Response bodies: JSON written in a fixed key order (API.md), and the two error shapes.
//
//   success: {<members written by the route>..., "request_id": "req_..."}
//   errors:  kMessageString   {"error": "customer not found"}                       (old)
//            kCodeAndMessage  {"error": {"code": "not_found", "message": "..."}}    (new)
// Error bodies carry no request_id (the X-Request-Id header does). Thread-safe (pure).
#ifndef DEMO_SERVICES_COMMON_JSON_REPLY_H_
#define DEMO_SERVICES_COMMON_JSON_REPLY_H_

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <functional>
#include <string_view>

#include "tools/demo-services/common/http_message.h"

namespace demo {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

enum class ErrorShape { kMessageString, kCodeAndMessage };

// The error code of kCodeAndMessage for an HTTP status: 400/413/422/431 invalid,
// 401 unauthorized, 402 card_declined, 404 not_found, 405 method_not_allowed, 409 conflict,
// 503 unavailable, other 5xx internal.
std::string_view ErrorCodeForStatus(int status);

HttpResponse ErrorResponse(ErrorShape shape, int status, std::string_view message);

// A success response: `members` writes the object's members (keys and values), then
// "request_id" is appended as the last member.
HttpResponse SuccessResponse(int status, std::string_view request_id,
                             const std::function<void(JsonWriter&)>& members);

// Writing helpers.
void WriteKey(JsonWriter& writer, std::string_view key);
void WriteString(JsonWriter& writer, std::string_view value);
// A number given as its exact decimal text (e.g. "12.5"), written as a JSON number.
void WriteRawNumber(JsonWriter& writer, std::string_view decimal_text);

}  // namespace demo

#endif  // DEMO_SERVICES_COMMON_JSON_REPLY_H_
