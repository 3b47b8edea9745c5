#include "json_util.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace demo_traffic {

std::string Quote(std::string_view text) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  return std::string(buffer.GetString(), buffer.GetSize());
}

JsonObject& JsonObject::Str(std::string_view name, std::string_view value) {
  members_.emplace_back(std::string(name), Quote(value));
  return *this;
}

JsonObject& JsonObject::Raw(std::string_view name, std::string_view json) {
  members_.emplace_back(std::string(name), std::string(json));
  return *this;
}

std::string JsonObject::Build() const {
  std::string out = "{";
  for (size_t i = 0; i < members_.size(); ++i) {
    if (i > 0) out += ',';
    out += Quote(members_[i].first);
    out += ':';
    out += members_[i].second;
  }
  out += '}';
  return out;
}

std::optional<rapidjson::Document> ParseJson(const std::string& body) {
  rapidjson::Document document;
  document.Parse(body.c_str(), body.size());
  if (document.HasParseError()) return std::nullopt;
  return document;
}

std::optional<std::string> StringAt(const rapidjson::Value& root,
                                    std::initializer_list<const char*> path) {
  const rapidjson::Value* at = &root;
  for (const char* name : path) {
    if (!at->IsObject()) return std::nullopt;
    auto member = at->FindMember(name);
    if (member == at->MemberEnd()) return std::nullopt;
    at = &member->value;
  }
  if (!at->IsString()) return std::nullopt;
  return std::string(at->GetString(), at->GetStringLength());
}

}  // namespace demo_traffic
