#include "src/replay/har_reader.h"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cctype>
#include <string>
#include <vector>

#include "src/replay/base64.h"
#include "src/replay/entry_normalize.h"

namespace shadowdiff {
namespace {

using Value = rapidjson::Value;

std::string Str(const Value& v) { return std::string(v.GetString(), v.GetStringLength()); }

const Value* Member(const Value& v, const char* name) {
  if (!v.IsObject()) return nullptr;
  auto it = v.FindMember(name);
  return it == v.MemberEnd() || it->value.IsNull() ? nullptr : &it->value;
}

Status ReadHeaders(const Value* v, std::string_view where, HeaderList* out) {
  if (v == nullptr) return Status();
  if (!v->IsArray()) return Error{std::string(where) + " must be an array of {name, value}"};
  for (const Value& h : v->GetArray()) {
    const Value* name = Member(h, "name");
    const Value* value = Member(h, "value");
    if (name == nullptr || value == nullptr || !name->IsString() || !value->IsString()) {
      return Error{std::string(where) + " must be an array of {name, value} strings"};
    }
    out->emplace_back(Str(*name), Str(*value));
  }
  return Status();
}

// Text that may be base64 ("encoding": "base64").
Status ReadText(const Value& holder, std::string_view where, std::string* out) {
  const Value* text = Member(holder, "text");
  if (text == nullptr) return Status();
  if (!text->IsString()) return Error{std::string(where) + ".text must be a string"};
  const Value* encoding = Member(holder, "encoding");
  if (encoding != nullptr && encoding->IsString() && Str(*encoding) == "base64") {
    auto bytes = Base64Decode(std::string_view(text->GetString(), text->GetStringLength()));
    if (!bytes) return Error{std::string(where) + ".text says base64 but is not valid base64"};
    *out = std::move(*bytes);
  } else {
    *out = Str(*text);
  }
  return Status();
}

// A HAR writer may leave a binary request body out (Playwright writes `"text": ""` for
// application/octet-stream) or turn its bytes into U+FFFD: replaying that would send another
// body. Refused when request.bodySize says the body had other bytes and the text is empty or
// holds a U+FFFD; a size that differs for other reasons (a writer counting characters, not
// bytes) is trusted, as the text is all there is.
Status CheckRequestBodyComplete(const Value& request, const std::string& body) {
  const Value* size = Member(request, "bodySize");
  if (size == nullptr || !size->IsInt64() || size->GetInt64() < 0) return Status();
  const auto recorded = static_cast<uint64_t>(size->GetInt64());
  if (recorded == body.size()) return Status();
  if (!body.empty() && body.find("\xEF\xBF\xBD") == std::string::npos) return Status();
  return Error{"the request body was not recorded in full (request.bodySize is " +
               std::to_string(recorded) + " bytes, postData holds " + std::to_string(body.size()) +
               (body.empty() ? "" : " with U+FFFD replacement characters") +
               "); binary request bodies are best captured by the proxy (capture:)"};
}

void AppendFormEncoded(std::string* out, std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out->push_back(static_cast<char>(c));
    } else if (c == ' ') {
      out->push_back('+');
    } else {
      out->push_back('%');
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 15]);
    }
  }
}

// The SAX side: tracks where in the document the parser is and, inside log.entries[i],
// re-serialises that one entry's events so it can be parsed as a small DOM of its own.
class HarHandler : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, HarHandler> {
 public:
  HarHandler(std::string_view name, EntryVisitor& visitor) : name_(name), visitor_(visitor) {}

  bool Null() { return capturing_ ? writer_.Null() : true; }
  bool Bool(bool b) { return capturing_ ? writer_.Bool(b) : true; }
  bool Int(int i) { return capturing_ ? writer_.Int(i) : true; }
  bool Uint(unsigned u) { return capturing_ ? writer_.Uint(u) : true; }
  bool Int64(int64_t i) { return capturing_ ? writer_.Int64(i) : true; }
  bool Uint64(uint64_t u) { return capturing_ ? writer_.Uint64(u) : true; }
  bool Double(double d) { return capturing_ ? writer_.Double(d) : true; }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    return capturing_ ? writer_.String(s, n) : true;
  }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    if (capturing_) return writer_.Key(s, n);
    if (!levels_.empty() && levels_.size() <= 2) levels_.back().key.assign(s, n);
    return true;
  }
  bool StartObject() {
    if (capturing_) {
      ++capture_depth_;
      return writer_.StartObject();
    }
    if (AtEntriesArray()) {
      capturing_ = true;
      capture_depth_ = 1;
      ++entry_number_;
      buffer_.Clear();
      writer_.Reset(buffer_);
      return writer_.StartObject();
    }
    levels_.push_back({true, {}});
    return true;
  }
  bool EndObject(rapidjson::SizeType n) {
    if (capturing_) {
      writer_.EndObject(n);
      if (--capture_depth_ == 0) {
        capturing_ = false;
        return Deliver();
      }
      return true;
    }
    if (!levels_.empty()) levels_.pop_back();
    return true;
  }
  bool StartArray() {
    if (capturing_) {
      ++capture_depth_;
      return writer_.StartArray();
    }
    levels_.push_back({false, {}});
    if (AtEntriesArray()) saw_entries_ = true;
    return true;
  }
  bool EndArray(rapidjson::SizeType n) {
    if (capturing_) {
      --capture_depth_;
      return writer_.EndArray(n);
    }
    if (!levels_.empty()) levels_.pop_back();
    return true;
  }

  bool capturing() const { return capturing_; }
  bool saw_entries() const { return saw_entries_; }
  uint64_t entry_number() const { return entry_number_; }
  bool stopped() const { return stopped_; }
  std::string EntryLocation() const {
    return std::string(name_) + ": entry " + std::to_string(entry_number_);
  }

 private:
  struct Level {
    bool is_object;
    std::string key;  // the last key read at this level (levels 1 and 2 only)
  };

  // Directly inside log.entries: root object (key "log") > log object (key "entries") > array.
  bool AtEntriesArray() const {
    return levels_.size() == 3 && levels_[0].is_object && levels_[0].key == "log" &&
           levels_[1].is_object && levels_[1].key == "entries" && !levels_[2].is_object;
  }

  bool Deliver() {
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseIterativeFlag>(buffer_.GetString(), buffer_.GetSize());
    Result<ReplayEntry> entry = doc.HasParseError()
                                    ? Result<ReplayEntry>(Error{"could not be re-read"})
                                    : ParseHarEntry(doc);
    bool go_on;
    if (entry.ok()) {
      entry->location = EntryLocation();
      go_on = visitor_.OnEntry(std::move(*entry));
    } else {
      go_on = visitor_.OnBadEntry({EntryLocation(), entry.error().message});
    }
    if (buffer_.GetSize() > (4 << 20)) buffer_.ShrinkToFit();
    stopped_ = !go_on;
    return go_on;
  }

  std::string_view name_;
  EntryVisitor& visitor_;
  std::vector<Level> levels_;
  bool capturing_ = false;
  size_t capture_depth_ = 0;
  bool saw_entries_ = false;
  bool stopped_ = false;
  uint64_t entry_number_ = 0;
  rapidjson::StringBuffer buffer_;
  rapidjson::Writer<rapidjson::StringBuffer> writer_;
};

}  // namespace

Result<ReplayEntry> ParseHarEntry(const Value& entry) {
  if (!entry.IsObject()) return Error{"is not an object"};
  const Value* request = Member(entry, "request");
  if (request == nullptr || !request->IsObject()) return Error{"has no `request` object"};
  ReplayEntry out;
  const Value* method = Member(*request, "method");
  if (method == nullptr || !method->IsString() || method->GetStringLength() == 0) {
    return Error{"request.method is missing"};
  }
  out.request.method = Str(*method);
  const Value* url = Member(*request, "url");
  if (url == nullptr || !url->IsString()) return Error{"request.url is missing"};
  std::string authority;
  out.request.target = OriginFormTarget(Str(*url), &authority);
  if (out.request.target.empty()) {
    return Error{"request.url is not an absolute URL or a path: `" + Str(*url) + "`"};
  }
  if (Status s = ReadHeaders(Member(*request, "headers"), "request.headers", &out.request.headers);
      !s.ok()) {
    return s.error();
  }
  if (const Value* post = Member(*request, "postData")) {
    if (!post->IsObject()) return Error{"request.postData must be an object"};
    if (Member(*post, "text") != nullptr) {
      if (Status s = ReadText(*post, "request.postData", &out.request.body); !s.ok()) {
        return s.error();
      }
    } else if (const Value* params = Member(*post, "params"); params && params->IsArray()) {
      for (const Value& p : params->GetArray()) {
        const Value* name = Member(p, "name");
        const Value* value = Member(p, "value");
        if (name == nullptr || !name->IsString()) return Error{"request.postData.params[].name"};
        if (!out.request.body.empty()) out.request.body.push_back('&');
        AppendFormEncoded(&out.request.body, Str(*name));
        out.request.body.push_back('=');
        if (value != nullptr && value->IsString())
          AppendFormEncoded(&out.request.body, Str(*value));
      }
    }
  }
  if (Status s = CheckRequestBodyComplete(*request, out.request.body); !s.ok()) return s.error();
  CleanRequestHeaders(&out.request.headers, authority);
  if (const Value* started = Member(entry, "startedDateTime"); started && started->IsString()) {
    out.time_ms = ParseTimestampMillis(Str(*started));
    if (!out.time_ms) {
      return Error{"startedDateTime is not an ISO 8601 date-time: `" + Str(*started) + "`"};
    }
  }

  const Value* response = Member(entry, "response");
  if (response != nullptr && response->IsObject()) {
    const Value* status = Member(*response, "status");
    if (status == nullptr || !status->IsInt()) return Error{"response.status is missing"};
    if (status->GetInt() != 0) {
      if (status->GetInt() < 100 || status->GetInt() > 999) {
        return Error{"response.status " + std::to_string(status->GetInt()) +
                     " is not an HTTP status code"};
      }
      Response r;
      r.status = status->GetInt();
      if (Status s = ReadHeaders(Member(*response, "headers"), "response.headers", &r.headers);
          !s.ok()) {
        return s.error();
      }
      if (const Value* content = Member(*response, "content")) {
        if (Status s = ReadText(*content, "response.content", &r.body); !s.ok()) return s.error();
      }
      CleanResponseHeaders(&r.headers);
      const bool gzip_bytes = r.body.size() >= 2 && static_cast<unsigned char>(r.body[0]) == 0x1f &&
                              static_cast<unsigned char>(r.body[1]) == 0x8b;
      std::erase_if(r.headers, [&](const auto& h) {
        return EqualsIgnoreCase(h.first, "content-encoding") &&
               !(gzip_bytes && h.second.find("gzip") != std::string::npos);
      });
      out.response = std::move(r);
    }
  }
  return out;
}

Status ReadHar(InputStream& stream, std::string_view name, EntryVisitor& visitor) {
  HarHandler handler(name, visitor);
  rapidjson::Reader reader;
  rapidjson::ParseResult result = reader.Parse<rapidjson::kParseIterativeFlag>(stream, handler);
  if (handler.stopped()) return Status();
  if (!stream.error().empty()) {
    return Error{std::string(name) + ": " + stream.error() +
                 " (a truncated or corrupt gzip file?)"};
  }
  if (result.IsError()) {
    const bool at_end = stream.AtEnd();
    const std::string what = at_end ? "the file ends inside this entry (truncated?)"
                                    : std::string("not valid JSON at byte ") +
                                          std::to_string(result.Offset()) + ": " +
                                          rapidjson::GetParseError_En(result.Code());
    if (handler.capturing()) {
      (void)visitor.OnBadEntry(
          {handler.EntryLocation(), what + "; the rest of the file is skipped"});
    } else {
      (void)visitor.OnBadEntry(
          {std::string(name),
           (at_end ? std::string("the file ends early (truncated?) after entry ") +
                         std::to_string(handler.entry_number())
                   : what) +
               "; the rest of the file is skipped"});
    }
    return Status();
  }
  if (!handler.saw_entries()) {
    (void)visitor.OnBadEntry(
        {std::string(name), "not a HAR file: it has no log.entries array (HAR 1.2 expected)"});
  }
  return Status();
}

}  // namespace shadowdiff
