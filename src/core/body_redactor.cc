#include "src/core/body_redactor.h"

#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>

#include "comparators/body_codec/content_type.h"
#include "comparators/body_codec/form_parser.h"
#include "comparators/headers/header_comparator.h"
#include "src/core/card_masker.h"
#include "src/core/diff_json.h"
#include "src/core/header_redactor.h"

namespace shadowdiff {
namespace {

using State = JsonPathSet::State;
// Validating what it writes: RapidJSON 1.1's reader decodes a lone low-surrogate escape
// ("\udddd") into bytes that are not UTF-8, which the rewritten text must never carry. Such
// a string fails the write, the text counts as not rewritable (JsonRedaction::kInvalid), and
// the caller falls back to masking or dropping the original, whose escapes are plain ASCII.
using JsonWriter =
    rapidjson::Writer<rapidjson::StringBuffer, rapidjson::UTF8<>, rapidjson::UTF8<>,
                      rapidjson::CrtAllocator, rapidjson::kWriteValidateEncodingFlag>;

bool AnyAccepted(const JsonPathSet& paths, const std::vector<State>& states, size_t begin,
                 size_t end) {
  for (size_t i = begin; i < end; ++i) {
    if (paths.AcceptedPattern(states[i]) != JsonPathSet::kNoPattern) return true;
  }
  return false;
}

// Advances `states` (all of it: one node's set) by `step`, in place. True when the new node
// is matched by a rule.
bool Step(const JsonPathSet& paths, std::vector<State>& states, const JsonPath::Step& step) {
  const size_t end = states.size();
  if (end == 0) return false;
  paths.Advance(&states, 0, end, step);
  states.erase(states.begin(), states.begin() + static_cast<std::ptrdiff_t>(end));
  return AnyAccepted(paths, states, 0, states.size());
}

// SAX handler that copies a JSON document into a Writer, dropping the members and elements
// a rule matches and card-masking every string, key and number. Iterative: its stack is a
// vector, so deep input cannot overflow the call stack.
class RedactingHandler : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, RedactingHandler> {
 public:
  // `states` holds the state set of the document's root (not itself accepted).
  RedactingHandler(const JsonPathSet& paths, std::vector<State> states, JsonWriter& writer)
      : paths_(paths), states_(std::move(states)), writer_(writer) {}

  bool Null() { return !Enter(kScalar) || Leave(writer_.Null()); }
  bool Bool(bool b) { return !Enter(kScalar) || Leave(writer_.Bool(b)); }
  bool RawNumber(const char* str, rapidjson::SizeType length, bool) {
    if (!Enter(kScalar)) return true;
    // Only the mantissa can hold a card number; masking exponent digits could turn a valid
    // number into one no parser accepts (1e000000000000000 -> 1e000000000010000).
    std::string_view number(str, length);
    const size_t exponent = std::min(number.find_first_of("eE"), number.size());
    std::string_view mantissa = Masked(str, exponent);
    if (exponent == number.size()) {
      return Leave(writer_.RawValue(mantissa.data(), mantissa.size(), rapidjson::kNumberType));
    }
    std::string text(mantissa);
    text.append(number.substr(exponent));
    return Leave(writer_.RawValue(text.data(), text.size(), rapidjson::kNumberType));
  }
  bool String(const char* str, rapidjson::SizeType length, bool) {
    if (!Enter(kScalar)) return true;
    std::string_view text = Masked(str, length);
    return Leave(writer_.String(text.data(), length));
  }
  bool StartObject() { return !Enter(kObject) || writer_.StartObject(); }
  bool StartArray() { return !Enter(kArray) || writer_.StartArray(); }
  bool EndObject(rapidjson::SizeType) { return Exit() || writer_.EndObject(); }
  bool EndArray(rapidjson::SizeType) { return Exit() || writer_.EndArray(); }

  bool Key(const char* str, rapidjson::SizeType length, bool) {
    if (skip_depth_ > 0) return true;
    const Frame& frame = frames_.back();
    value_begin_ = states_.size();
    if (frame.begin != frame.end) {
      JsonPath::Step step;
      step.key = std::string_view(str, length);
      paths_.Advance(&states_, frame.begin, frame.end, step);
    }
    if (AnyAccepted(paths_, states_, value_begin_, states_.size())) {
      states_.resize(value_begin_);
      skip_value_ = true;
      return true;
    }
    std::string_view text = Masked(str, length);
    return writer_.Key(text.data(), length);
  }

 private:
  enum ValueKind { kScalar, kObject, kArray };

  struct Frame {
    size_t begin = 0;  // the container's state set: states_[begin, end)
    size_t end = 0;
    bool array = false;
    size_t next_index = 0;
  };

  // Called at the start of every value. False when the value is dropped (inside a dropped
  // subtree, or matched by a rule itself); else its state set is states_[value_begin_, end).
  bool Enter(ValueKind kind) {
    const bool container = kind != kScalar;
    if (skip_depth_ > 0) {
      if (container) ++skip_depth_;
      return false;
    }
    if (frames_.empty()) {
      value_begin_ = 0;  // the root: the caller's set
    } else if (frames_.back().array) {
      Frame& frame = frames_.back();
      value_begin_ = states_.size();
      JsonPath::Step step;
      step.is_index = true;
      step.index = frame.next_index++;
      if (frame.begin != frame.end) paths_.Advance(&states_, frame.begin, frame.end, step);
      if (AnyAccepted(paths_, states_, value_begin_, states_.size())) {
        states_.resize(value_begin_);
        if (container) skip_depth_ = 1;
        return false;
      }
    } else if (skip_value_) {  // the member's key was matched (value_begin_ set by Key)
      skip_value_ = false;
      if (container) skip_depth_ = 1;
      return false;
    }
    if (container) frames_.push_back(Frame{value_begin_, states_.size(), kind == kArray, 0});
    return true;
  }

  // After a scalar was written: forget its state set.
  bool Leave(bool written) {
    states_.resize(value_begin_);
    return written;
  }

  // At the end of a container. True when it was being skipped (nothing to write).
  bool Exit() {
    if (skip_depth_ > 0) {
      --skip_depth_;
      return true;
    }
    states_.resize(frames_.back().begin);
    frames_.pop_back();
    return false;
  }

  std::string_view Masked(const char* str, size_t length) {
    std::string_view text(str, length);
    if (!MayHoldCardNumber(text)) return text;
    scratch_.assign(text);
    MaskCardNumbersInPlace(scratch_);
    return scratch_;
  }

  const JsonPathSet& paths_;
  std::vector<State> states_;
  JsonWriter& writer_;
  std::vector<Frame> frames_;
  size_t value_begin_ = 0;
  bool skip_value_ = false;
  size_t skip_depth_ = 0;  // > 0: inside a dropped container, this many levels deep
  std::string scratch_;
};

enum class JsonRedaction { kRewritten, kRemoved, kInvalid };

// Redacts the JSON document `text` whose root has the state set `states` into *out.
JsonRedaction RedactJson(const JsonPathSet& paths, std::string_view text, std::vector<State> states,
                         std::string* out) {
  if (AnyAccepted(paths, states, 0, states.size())) return JsonRedaction::kRemoved;
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  RedactingHandler handler(paths, std::move(states), writer);
  rapidjson::MemoryStream stream(text.data(), text.size());
  rapidjson::Reader reader;
  constexpr unsigned kFlags = rapidjson::kParseIterativeFlag |
                              rapidjson::kParseValidateEncodingFlag |
                              rapidjson::kParseNumbersAsStringsFlag;
  if (reader.Parse<kFlags>(stream, handler).IsError() || !writer.IsComplete()) {
    return JsonRedaction::kInvalid;
  }
  out->assign(buffer.GetString(), buffer.GetSize());
  return JsonRedaction::kRewritten;
}

bool StartsLikeContainer(std::string_view text) {
  size_t i = text.find_first_not_of(" \t\r\n");
  return i != std::string_view::npos && (text[i] == '{' || text[i] == '[');
}

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// ASCII case-insensitive search; `needle` is lower-case and non-empty.
bool ContainsLower(std::string_view haystack, std::string_view needle) {
  if (needle.size() > haystack.size()) return false;
  for (size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    size_t k = 0;
    while (k < needle.size() && Lower(haystack[i + k]) == needle[k]) ++k;
    if (k == needle.size()) return true;
  }
  return false;
}

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// True when `text` holds an escape that could spell a key: a JSON "\u" or a URL "%XX".
bool HoldsEscapes(std::string_view text) {
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] == '\\' && text[i + 1] == 'u') return true;
    if (text[i] == '%' && i + 2 < text.size() && IsHex(text[i + 1]) && IsHex(text[i + 2])) {
      return true;
    }
  }
  return false;
}

// A key that the raw-text check can look for as is: [A-Za-z0-9_-]+ (anything else may be
// written differently in JSON or a URL, so a rule naming only such keys might match anywhere).
bool IsPlainKey(std::string_view key) {
  if (key.empty()) return false;
  for (char c : key) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '_' || c == '-';
    if (!plain) return false;
  }
  return true;
}

// True when the concrete path `segments` (of a diff) lies in a subtree a rule matches; else
// leaves in *states the state set of the path's node. A pattern-like segment (not produced by
// the comparators) counts as matched when there are rules.
bool WalkPath(const JsonPathSet& paths, const std::vector<JsonPathSegment>& segments,
              std::vector<State>* states) {
  paths.AppendRootStates(states);
  if (AnyAccepted(paths, *states, 0, states->size())) return true;
  for (const JsonPathSegment& segment : segments) {
    JsonPath::Step step;
    if (segment.kind == JsonPathSegment::Kind::kKey) {
      step.key = segment.key;
    } else if (segment.kind == JsonPathSegment::Kind::kIndex) {
      step.is_index = true;
      step.index = segment.index;
    } else {
      return !paths.empty();
    }
    if (Step(paths, *states, step)) return true;
  }
  return false;
}

// The bracket reading of a form key: "card[cvc]" -> card, cvc; "items[0][pan]" -> items, 0
// (an index), pan; "a[]" -> a, 0. nullopt when the key has no well-formed bracket form.
std::optional<std::vector<JsonPath::Step>> BracketSteps(std::string_view key) {
  const size_t open = key.find('[');
  if (open == std::string_view::npos || open == 0 || key.back() != ']') return std::nullopt;
  std::vector<JsonPath::Step> steps(1);
  steps[0].key = key.substr(0, open);
  size_t pos = open;
  while (pos < key.size()) {
    if (key[pos] != '[') return std::nullopt;
    const size_t close = key.find(']', pos);
    if (close == std::string_view::npos) return std::nullopt;
    std::string_view inner = key.substr(pos + 1, close - pos - 1);
    JsonPath::Step step;
    bool digits = inner.size() <= 9;
    for (char c : inner) digits = digits && c >= '0' && c <= '9';
    if (digits) {
      step.is_index = true;
      for (char c : inner) step.index = step.index * 10 + static_cast<size_t>(c - '0');
    } else {
      step.key = inner;
    }
    steps.push_back(step);
    pos = close + 1;
  }
  return steps;
}

bool WalkSteps(const JsonPathSet& paths, const std::vector<JsonPath::Step>& steps) {
  std::vector<State> states;
  paths.AppendRootStates(&states);
  if (AnyAccepted(paths, states, 0, states.size())) return true;
  for (const JsonPath::Step& step : steps) {
    if (Step(paths, states, step)) return true;
  }
  return false;
}

// True when the body is still content-encoded as `headers` say (identity aside).
bool StillEncoded(const ExampleBody& body, const HeaderList& headers) {
  if (body.decoded) return false;
  std::optional<std::string> encoding = JoinedHeaderValue(headers, "content-encoding");
  if (!encoding.has_value()) return false;
  std::string_view rest = *encoding;
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    std::string_view token = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    const size_t first = token.find_first_not_of(" \t");
    if (first == std::string_view::npos) continue;
    token = token.substr(first, token.find_last_not_of(" \t") - first + 1);
    if (!EqualsIgnoreCase(token, "identity")) return true;
  }
  return false;
}

std::vector<JsonPath> PathsOf(const std::vector<RedactRule>& rules) {
  std::vector<JsonPath> out;
  for (const RedactRule& rule : rules) {
    if (rule.kind == RedactRule::Kind::kJsonPath && rule.path.has_value()) {
      out.push_back(*rule.path);
    }
  }
  return out;
}

}  // namespace

BodyRedactor::BodyRedactor(const std::vector<RedactRule>& rules) : paths_(PathsOf(rules)) {
  for (const JsonPath& path : PathsOf(rules)) {
    std::vector<std::string> keys;
    for (const JsonPathSegment& segment : path.segments()) {
      const bool keyed = segment.kind == JsonPathSegment::Kind::kKey ||
                         segment.kind == JsonPathSegment::Kind::kDescendantKey;
      if (!keyed || !IsPlainKey(segment.key)) continue;
      std::string lower;
      for (char c : segment.key) lower.push_back(Lower(c));
      keys.push_back(std::move(lower));
    }
    rule_keys_.push_back(std::move(keys));
  }
}

bool BodyRedactor::MightHoldRedactedField(std::string_view text) const {
  if (rule_keys_.empty()) return false;
  const bool escapes = HoldsEscapes(text);
  for (const std::vector<std::string>& keys : rule_keys_) {
    if (keys.empty() || escapes) return true;
    bool all = true;
    for (const std::string& key : keys) all = all && ContainsLower(text, key);
    if (all) return true;
  }
  return false;
}

void BodyRedactor::RedactText(std::string& text) const {
  if (MightHoldRedactedField(text)) {
    text.assign(kUnscannableBody);
    return;
  }
  MaskCardNumbersInPlace(text);
}

bool BodyRedactor::FormKeyRedacted(std::string_view decoded_key) const {
  JsonPath::Step whole;
  whole.key = decoded_key;
  if (WalkSteps(paths_, {whole})) return true;
  std::optional<std::vector<JsonPath::Step>> steps = BracketSteps(decoded_key);
  return steps.has_value() && WalkSteps(paths_, *steps);
}

std::string BodyRedactor::RedactForm(std::string_view form) const {
  std::string out;
  out.reserve(form.size());
  bool first = true;
  size_t pos = 0;
  while (pos <= form.size()) {
    size_t amp = form.find('&', pos);
    if (amp == std::string_view::npos) amp = form.size();
    std::string_view pair = form.substr(pos, amp - pos);
    pos = amp + 1;
    if (has_paths() && FormKeyRedacted(DecodeFormComponent(pair.substr(0, pair.find('='))))) {
      continue;
    }
    if (!first) out.push_back('&');
    out.append(pair);
    first = false;
  }
  MaskCardNumbersInPlace(out);
  return out;
}

void BodyRedactor::RedactBody(ExampleBody& body, const HeaderList& headers) const {
  if (body.bytes.empty()) return;
  if (StillEncoded(body, headers)) {
    body.bytes.assign(kEncodedBody);
    return;
  }
  if (!has_paths() && !MayHoldCardNumber(body.bytes)) return;  // nothing to find
  const MediaClass media = ClassifyContentType(FindHeader(headers, "content-type").value_or(""));
  if (!body.truncated) {
    if (media == MediaClass::kJson || StartsLikeContainer(body.bytes)) {
      std::vector<State> root;
      paths_.AppendRootStates(&root);
      std::string out;
      switch (RedactJson(paths_, body.bytes, std::move(root), &out)) {
        case JsonRedaction::kRewritten:
          body.bytes = std::move(out);
          return;
        case JsonRedaction::kRemoved:
          body.bytes.assign(kRedactedValue);
          return;
        case JsonRedaction::kInvalid:
          break;  // read it as text below
      }
    } else if (media == MediaClass::kForm) {
      body.bytes = RedactForm(body.bytes);
      return;
    }
  }
  RedactText(body.bytes);
}

void BodyRedactor::RedactTarget(std::string& target) const {
  const size_t query = target.find('?');
  if (!has_paths() || query == std::string::npos) {
    MaskCardNumbersInPlace(target);
    return;
  }
  // Mask each part once (masking is not idempotent: a masked number masks differently).
  std::string redacted = RedactForm(std::string_view(target).substr(query + 1));
  target.resize(query + 1);
  MaskCardNumbersInPlace(target);
  target.append(redacted);
}

void BodyRedactor::RedactDiffValue(std::string& value, const std::vector<State>& states) const {
  if (value.empty() || (states.empty() && !MayHoldCardNumber(value))) return;
  std::string out;
  switch (RedactJson(paths_, value, states, &out)) {
    case JsonRedaction::kRewritten:
      value = std::move(out);
      return;
    case JsonRedaction::kRemoved:
      value = JsonString(kRedactedValue);
      return;
    case JsonRedaction::kInvalid:
      // Not JSON, against the Diff contract: mask digits in place (keeps any JSON valid).
      MaskCardNumbersInPlace(value);
      return;
  }
}

void BodyRedactor::RedactDiff(Diff& diff) const {
  std::string_view path = diff.path;
  std::vector<State> states;  // the state set of the diff's node, when it has a JSON path
  bool redacted = false;
  if (has_paths()) {
    constexpr std::string_view kFormPrefix = "form:";
    if (path.starts_with("$")) {
      Result<JsonPath> parsed = JsonPath::Parse(path);
      redacted = !parsed.ok() || WalkPath(paths_, parsed->segments(), &states);
    } else if (path.starts_with(kFormPrefix)) {
      redacted = FormKeyRedacted(path.substr(kFormPrefix.size()));
    } else if (path == "body") {
      redacted = MightHoldRedactedField(diff.old_value) || MightHoldRedactedField(diff.new_value);
    }
  }
  if (redacted) {
    const std::string shown = JsonString(kRedactedValue);
    if (!diff.old_value.empty()) diff.old_value = shown;
    if (!diff.new_value.empty()) diff.new_value = shown;
  } else {
    RedactDiffValue(diff.old_value, states);
    RedactDiffValue(diff.new_value, states);
  }
  MaskCardNumbersInPlace(diff.path);
}

}  // namespace shadowdiff
