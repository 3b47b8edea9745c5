#include "src/core/example_record.h"

#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <cstdio>
#include <unordered_set>
#include <utility>

#include "comparators/body_codec/content_decoder.h"
#include "comparators/body_codec/content_type.h"
#include "comparators/headers/header_comparator.h"
#include "src/core/card_masker.h"
#include "src/core/diff_json.h"

namespace shadowdiff {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

std::string FormatUtcMillis(std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  auto millis = floor<milliseconds>(time);
  auto day = floor<days>(millis);
  year_month_day ymd{day};
  hh_mm_ss<milliseconds> hms{millis - day};
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()),
                static_cast<int>(hms.subseconds().count()));
  return buf;
}

std::string Base64Encode(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  auto byte = [&](size_t k) { return static_cast<unsigned char>(bytes[k]); };
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t n = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(kAlphabet[(n >> 6) & 63]);
    out.push_back(kAlphabet[n & 63]);
  }
  size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t n = byte(i) << 16;
    if (rest == 2) n |= byte(i + 1) << 8;
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(rest == 2 ? kAlphabet[(n >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

ExampleBody MakeExampleBody(std::string_view body, bool already_truncated,
                            const HeaderList& headers, size_t max_bytes) {
  ExampleBody out;
  out.truncated = already_truncated;
  std::string_view bytes = body;
  DecodeBuffers buffers;
  std::optional<std::string> encoding = JoinedHeaderValue(headers, "content-encoding");
  // A prefix of an encoded stream cannot be decoded; keep such bodies as sent.
  if (encoding.has_value() && !already_truncated && !body.empty()) {
    DecodedBody decoded = DecodeContent(body, *encoding, max_bytes, buffers);
    if (decoded.problem != BodyProblem::kDecodeError && decoded.bytes.data() != body.data()) {
      bytes = decoded.bytes;
      out.decoded = true;
      if (decoded.problem == BodyProblem::kTooLarge) out.truncated = true;
    }
  }
  if (bytes.size() > max_bytes) {
    size_t cut = max_bytes;
    // Cut at a character boundary, so a text body stays valid UTF-8.
    for (int back = 0;
         back < 3 && cut > 0 && (static_cast<unsigned char>(bytes[cut]) & 0xC0) == 0x80; ++back) {
      --cut;
    }
    bytes = bytes.substr(0, cut);
    out.truncated = true;
  }
  out.bytes.assign(bytes);
  return out;
}

namespace {

// SAX handler that forwards to a Writer, writing numbers as their source text. (RapidJSON
// 1.1.0's Writer::RawNumber quotes the number, so it cannot be the handler itself.)
class CompactingHandler
    : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, CompactingHandler> {
 public:
  explicit CompactingHandler(JsonWriter& writer) : writer_(writer) {}
  bool Null() { return writer_.Null(); }
  bool Bool(bool b) { return writer_.Bool(b); }
  bool RawNumber(const char* str, rapidjson::SizeType length, bool) {
    return writer_.RawValue(str, length, rapidjson::kNumberType);
  }
  bool String(const char* str, rapidjson::SizeType length, bool) {
    return writer_.String(str, length);
  }
  bool StartObject() { return writer_.StartObject(); }
  bool Key(const char* str, rapidjson::SizeType length, bool) { return writer_.Key(str, length); }
  bool EndObject(rapidjson::SizeType) { return writer_.EndObject(); }
  bool StartArray() { return writer_.StartArray(); }
  bool EndArray(rapidjson::SizeType) { return writer_.EndArray(); }

 private:
  JsonWriter& writer_;
};

// Re-serialises `text` compactly into `out` when it is one valid JSON value (UTF-8
// validated; numbers kept exactly as written). Iterative: no recursion on deep input.
bool CompactJson(std::string_view text, std::string* out) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  CompactingHandler handler(writer);
  rapidjson::MemoryStream stream(text.data(), text.size());
  rapidjson::Reader reader;
  constexpr unsigned kFlags = rapidjson::kParseIterativeFlag |
                              rapidjson::kParseValidateEncodingFlag |
                              rapidjson::kParseNumbersAsStringsFlag;
  if (reader.Parse<kFlags>(stream, handler).IsError() || !writer.IsComplete()) return false;
  out->assign(buffer.GetString(), buffer.GetSize());
  return true;
}

bool StartsLikeContainer(std::string_view text) {
  size_t i = text.find_first_not_of(" \t\r\n");
  return i != std::string_view::npos && (text[i] == '{' || text[i] == '[');
}

void Key(JsonWriter& writer, std::string_view key) {
  writer.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
}

void WriteHeaders(JsonWriter& writer, const HeaderList& headers) {
  writer.StartArray();
  for (const auto& [name, value] : headers) {
    writer.StartArray();
    WriteJsonString(writer, name);
    WriteJsonString(writer, value);
    writer.EndArray();
  }
  writer.EndArray();
}

void WriteBody(JsonWriter& writer, const ExampleBody& body, const HeaderList& headers) {
  std::string compact;
  bool json_type =
      ClassifyContentType(FindHeader(headers, "content-type").value_or("")) == MediaClass::kJson;
  if (!body.truncated && !body.bytes.empty() && (json_type || StartsLikeContainer(body.bytes)) &&
      CompactJson(body.bytes, &compact)) {
    Key(writer, "body");
    writer.RawValue(compact.data(), compact.size(), RawJsonType(compact));
  } else if (LooksLikeText(body.bytes)) {
    Key(writer, "body");
    WriteJsonString(writer, body.bytes);
  } else {
    Key(writer, "body_base64");
    std::string encoded = Base64Encode(body.bytes);
    writer.String(encoded.data(), static_cast<rapidjson::SizeType>(encoded.size()));
  }
  if (body.truncated) {
    Key(writer, "body_truncated");
    writer.Bool(true);
  }
  if (body.decoded) {
    Key(writer, "body_decoded");
    writer.Bool(true);
  }
}

void WriteResponse(JsonWriter& writer, const std::optional<ExampleResponse>& response) {
  if (!response.has_value()) {
    writer.Null();
    return;
  }
  writer.StartObject();
  Key(writer, "status");
  writer.Int(response->status);
  Key(writer, "headers");
  WriteHeaders(writer, response->headers);
  WriteBody(writer, response->body, response->headers);
  Key(writer, "duration_ms");
  writer.Double(std::isfinite(response->duration_ms) ? response->duration_ms : 0.0);
  writer.EndObject();
}

std::optional<ExampleResponse> CopyResponse(const Response* response, size_t max_body_bytes) {
  if (response == nullptr) return std::nullopt;
  ExampleResponse out;
  out.status = response->status;
  out.headers = response->headers;
  out.body =
      MakeExampleBody(response->body, response->body_truncated, response->headers, max_body_bytes);
  out.duration_ms = response->duration_ms;
  return out;
}

}  // namespace

ExampleRecord ExampleHead(const ExampleInput& input, const ExampleLimits& limits,
                          const ExampleRedactor* redactor) {
  auto redacted = [redactor](std::string label) {
    if (redactor != nullptr) redactor->RedactLabel(label);
    return label;
  };
  ExampleRecord record;
  record.time = input.time;
  record.endpoint.assign(input.endpoint);
  record.method = redacted(input.request != nullptr ? input.request->method : std::string());
  record.outcome = input.outcome;
  if (input.comparison == nullptr) return record;
  const std::vector<Diff>& diffs = input.comparison->diffs;
  const size_t written = std::min(diffs.size(), limits.max_diffs);
  std::unordered_set<std::string> seen;
  for (size_t i = 0; i < written && record.fields.size() < limits.max_fields; ++i) {
    std::string key = FieldKey(redacted(diffs[i].path));
    if (seen.insert(key).second) record.fields.push_back(std::move(key));
  }
  return record;
}

ExampleRecord BuildExampleRecord(const ExampleInput& input, const ExampleLimits& limits,
                                 const ExampleRedactor* redactor) {
  static const Request kNoRequest;
  const Request& request = input.request != nullptr ? *input.request : kNoRequest;

  ExampleParts parts;
  parts.method = request.method;
  parts.target = request.target;
  parts.request_headers = request.headers;
  parts.request_body = MakeExampleBody(request.body, false, request.headers, limits.max_body_bytes);
  parts.old_response = CopyResponse(input.old_response, limits.max_body_bytes);
  parts.new_response = CopyResponse(input.new_response, limits.max_body_bytes);
  size_t diffs_total = 0;
  bool diffs_cut = false;
  if (input.comparison != nullptr) {
    const std::vector<Diff>& diffs = input.comparison->diffs;
    diffs_total = diffs.size();
    size_t keep = std::min(diffs.size(), limits.max_diffs);
    parts.diffs.assign(diffs.begin(), diffs.begin() + static_cast<std::ptrdiff_t>(keep));
    diffs_cut = keep < diffs.size() || input.comparison->truncated;
  }
  if (redactor != nullptr) redactor->Redact(parts);

  ExampleRecord record = ExampleHead(input, limits, redactor);

  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.SetMaxDecimalPlaces(3);
  writer.StartObject();
  Key(writer, "time");
  std::string time = FormatUtcMillis(input.time);
  writer.String(time.data(), static_cast<rapidjson::SizeType>(time.size()));
  Key(writer, "endpoint");
  WriteJsonString(writer, input.endpoint);
  Key(writer, "method");
  WriteJsonString(writer, parts.method);
  Key(writer, "target");
  WriteJsonString(writer, parts.target);
  Key(writer, "outcome");
  std::string_view outcome = OutcomeName(input.outcome);
  writer.String(outcome.data(), static_cast<rapidjson::SizeType>(outcome.size()));
  Key(writer, "primary");
  std::string_view primary = SideName(input.primary);
  writer.String(primary.data(), static_cast<rapidjson::SizeType>(primary.size()));
  Key(writer, "diffs");
  WriteDiffs(writer, parts.diffs);
  if (diffs_cut) {
    Key(writer, "diffs_total");
    writer.Uint64(diffs_total);
  }
  if (input.comparison != nullptr && input.comparison->problem != BodyProblem::kNone) {
    Key(writer, "problem");
    writer.StartObject();
    std::string_view name = BodyProblemName(input.comparison->problem);
    Key(writer, "name");
    writer.String(name.data(), static_cast<rapidjson::SizeType>(name.size()));
    Key(writer, "side");
    WriteJsonString(writer, input.comparison->problem_side);
    Key(writer, "detail");
    // Free text that may quote a body: card numbers are masked whatever the redactor does.
    WriteJsonString(writer, MaskCardNumbers(input.comparison->problem_detail));
    writer.EndObject();
  }
  if (!input.error.empty()) {
    Key(writer, "error");
    WriteJsonString(writer, MaskCardNumbers(input.error));
  }
  Key(writer, "request");
  writer.StartObject();
  Key(writer, "method");
  WriteJsonString(writer, parts.method);
  Key(writer, "target");
  WriteJsonString(writer, parts.target);
  Key(writer, "headers");
  WriteHeaders(writer, parts.request_headers);
  WriteBody(writer, parts.request_body, parts.request_headers);
  writer.EndObject();
  Key(writer, "old");
  WriteResponse(writer, parts.old_response);
  Key(writer, "new");
  WriteResponse(writer, parts.new_response);
  writer.EndObject();
  record.json.assign(buffer.GetString(), buffer.GetSize());
  return record;
}

}  // namespace shadowdiff
