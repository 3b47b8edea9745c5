#include "src/replay/capture_format.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace shadowdiff {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void Str(JsonWriter& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

void WriteHeaders(JsonWriter& w, const HeaderList& headers) {
  w.Key("headers");
  w.StartArray();
  for (const auto& [name, value] : headers) {
    if (EqualsIgnoreCase(name, "content-length")) continue;
    w.StartArray();
    Str(w, name);
    Str(w, value);
    w.EndArray();
  }
  w.EndArray();
}

// The body with its Content-Encoding undone when it decodes (so redaction sees the content),
// and then without the Content-Encoding header that no longer applies.
ExampleBody DecodedBody(std::string_view body, bool truncated, HeaderList* headers) {
  constexpr size_t kMaxCapturedBody = size_t{64} << 20;
  ExampleBody b = MakeExampleBody(body, truncated, *headers, kMaxCapturedBody);
  if (b.decoded) {
    std::erase_if(*headers,
                  [](const auto& h) { return EqualsIgnoreCase(h.first, "content-encoding"); });
  }
  return b;
}

void WriteBody(JsonWriter& w, std::string_view body) {
  if (IsUtf8Text(body)) {
    w.Key("body");
    Str(w, body);
  } else {
    w.Key("body_base64");
    Str(w, Base64Encode(body));
  }
}

}  // namespace

bool IsUtf8Text(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == 0) return false;
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t n;
    uint32_t cp;
    if ((c & 0xe0) == 0xc0) {
      n = 1;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      n = 2;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;  // cut short
    for (size_t k = 1; k <= n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

std::string FormatCaptureLine(std::chrono::system_clock::time_point time, const Request& request,
                              const Response* response, const ExampleRedactor* redactor) {
  ExampleParts parts;
  parts.method = request.method;
  parts.target = request.target;
  parts.request_headers = request.headers;
  parts.request_body = DecodedBody(request.body, false, &parts.request_headers);
  if (response != nullptr) {
    ExampleResponse r;
    r.status = response->status;
    r.headers = response->headers;
    r.body = DecodedBody(response->body, response->body_truncated, &r.headers);
    parts.old_response = std::move(r);
  }
  if (redactor != nullptr) redactor->Redact(parts);

  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("time");
  Str(w, FormatUtcMillis(time));
  w.Key("method");
  Str(w, parts.method);
  w.Key("target");
  Str(w, parts.target);
  WriteHeaders(w, parts.request_headers);
  WriteBody(w, parts.request_body.bytes);
  if (parts.old_response) {
    w.Key("response");
    w.StartObject();
    w.Key("status");
    w.Int(parts.old_response->status);
    WriteHeaders(w, parts.old_response->headers);
    WriteBody(w, parts.old_response->body.bytes);
    if (parts.old_response->body.truncated) {
      w.Key("body_truncated");
      w.Bool(true);
    }
    w.EndObject();
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace shadowdiff
