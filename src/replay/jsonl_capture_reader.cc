#include "src/replay/jsonl_capture_reader.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <cmath>

#include "src/replay/base64.h"
#include "src/replay/entry_normalize.h"

namespace shadowdiff {
namespace {

using Value = rapidjson::Value;

std::string Str(const Value& v) { return std::string(v.GetString(), v.GetStringLength()); }

Status ReadHeaders(const Value& v, std::string_view where, HeaderList* out) {
  const std::string bad = std::string(where) +
                          " must be an array of [name, value] pairs (or an object of "
                          "name: value)";
  if (v.IsObject()) {
    for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
      if (!m->value.IsString()) return Error{bad};
      out->emplace_back(Str(m->name), Str(m->value));
    }
    return Status();
  }
  if (!v.IsArray()) return Error{bad};
  for (const Value& h : v.GetArray()) {
    if (h.IsArray() && h.Size() == 2 && h[0].IsString() && h[1].IsString()) {
      out->emplace_back(Str(h[0]), Str(h[1]));
    } else if (h.IsObject() && h.HasMember("name") && h.HasMember("value") &&
               h["name"].IsString() && h["value"].IsString()) {
      out->emplace_back(Str(h["name"]), Str(h["value"]));
    } else {
      return Error{bad};
    }
  }
  return Status();
}

// `body` (text) or `body_base64` of `v` into `out`; absent means empty.
Status ReadBody(const Value& v, std::string_view where, std::string* out) {
  auto text = v.FindMember("body");
  auto encoded = v.FindMember("body_base64");
  if (text != v.MemberEnd() && !text->value.IsNull()) {
    if (!text->value.IsString()) {
      return Error{std::string(where) + "body must be a string (binary bodies go in " +
                   std::string(where) + "body_base64)"};
    }
    *out = Str(text->value);
  } else if (encoded != v.MemberEnd() && !encoded->value.IsNull()) {
    if (!encoded->value.IsString())
      return Error{std::string(where) + "body_base64 must be a string"};
    auto bytes = Base64Decode(
        std::string_view(encoded->value.GetString(), encoded->value.GetStringLength()));
    if (!bytes) return Error{std::string(where) + "body_base64 is not valid base64"};
    *out = std::move(*bytes);
  }
  return Status();
}

}  // namespace

Result<ReplayEntry> ParseCaptureLine(std::string_view line) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(line.data(), line.size());
  if (doc.HasParseError()) {
    const bool at_end = doc.GetErrorOffset() >= line.size();
    return Error{
        std::string(at_end ? "the line ends early (a truncated file?): " : "not valid JSON: ") +
        rapidjson::GetParseError_En(doc.GetParseError()) + " at column " +
        std::to_string(doc.GetErrorOffset() + 1)};
  }
  if (!doc.IsObject()) return Error{"expected one JSON object per line"};
  ReplayEntry entry;
  auto method = doc.FindMember("method");
  if (method == doc.MemberEnd() || !method->value.IsString() ||
      method->value.GetStringLength() == 0) {
    return Error{"`method` is missing (each line needs \"method\" and \"target\")"};
  }
  entry.request.method = Str(method->value);
  auto target = doc.FindMember("target");
  if (target == doc.MemberEnd()) target = doc.FindMember("url");
  if (target == doc.MemberEnd() || !target->value.IsString()) {
    return Error{"`target` is missing (each line needs \"method\" and \"target\")"};
  }
  std::string authority;
  entry.request.target = OriginFormTarget(Str(target->value), &authority);
  if (entry.request.target.empty()) {
    return Error{"`target` must be a path (\"/a?b\") or an absolute URL, not `" +
                 Str(target->value) + "`"};
  }
  if (auto time = doc.FindMember("time"); time != doc.MemberEnd() && !time->value.IsNull()) {
    if (time->value.IsString()) {
      entry.time_ms = ParseTimestampMillis(Str(time->value));
      if (!entry.time_ms) {
        return Error{"`time` is not an RFC 3339 timestamp (e.g. 2026-11-22T20:01:02.123Z): `" +
                     Str(time->value) + "`"};
      }
    } else if (time->value.IsNumber()) {
      entry.time_ms = static_cast<int64_t>(std::llround(time->value.GetDouble() * 1000));
    } else {
      return Error{"`time` must be an RFC 3339 string or Unix seconds"};
    }
  }
  if (auto h = doc.FindMember("headers"); h != doc.MemberEnd() && !h->value.IsNull()) {
    if (Status s = ReadHeaders(h->value, "`headers`", &entry.request.headers); !s.ok()) {
      return s.error();
    }
  }
  if (Status s = ReadBody(doc, "", &entry.request.body); !s.ok()) return s.error();
  CleanRequestHeaders(&entry.request.headers, authority);

  if (auto r = doc.FindMember("response"); r != doc.MemberEnd() && !r->value.IsNull()) {
    if (!r->value.IsObject()) return Error{"`response` must be an object"};
    Response response;
    auto status = r->value.FindMember("status");
    if (status == r->value.MemberEnd() || !status->value.IsInt() || status->value.GetInt() < 100 ||
        status->value.GetInt() > 999) {
      return Error{"`response.status` must be an HTTP status code (100-999)"};
    }
    response.status = status->value.GetInt();
    if (auto h = r->value.FindMember("headers"); h != r->value.MemberEnd() && !h->value.IsNull()) {
      if (Status s = ReadHeaders(h->value, "`response.headers`", &response.headers); !s.ok()) {
        return s.error();
      }
    }
    if (Status s = ReadBody(r->value, "response.", &response.body); !s.ok()) return s.error();
    CleanResponseHeaders(&response.headers);
    entry.response = std::move(response);
  }
  return entry;
}

Status ReadJsonlCapture(InputStream& stream, std::string_view name, EntryVisitor& visitor) {
  std::string line;
  uint64_t number = 0;
  bool too_long = false;
  while (stream.ReadLine(&line, kMaxCaptureLineBytes, &too_long)) {
    ++number;
    const std::string location = std::string(name) + ":" + std::to_string(number);
    if (too_long) {
      if (!visitor.OnBadEntry({location, "line longer than " +
                                             std::to_string(kMaxCaptureLineBytes >> 20) +
                                             " MiB; skipped"})) {
        return Status();
      }
      continue;
    }
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    auto entry = ParseCaptureLine(line);
    if (!entry.ok()) {
      if (!visitor.OnBadEntry({location, entry.error().message})) return Status();
      continue;
    }
    entry->location = location;
    if (!visitor.OnEntry(std::move(*entry))) return Status();
  }
  if (!stream.error().empty()) {
    return Error{std::string(name) + ": after line " + std::to_string(number) + ": " +
                 stream.error() + " (a truncated or corrupt gzip file?)"};
  }
  return Status();
}

}  // namespace shadowdiff
