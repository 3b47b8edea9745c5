#include "comparators/json/json_path.h"

#include <string>
#include <utility>

namespace shadowdiff {
namespace {

// Characters allowed in a dotted key (`.name`): ASCII letters, digits, `_`, `-`, `$`, and any
// non-ASCII byte (UTF-8 keys). Anything else needs the bracket form `['...']`.
bool IsDottedKeyChar(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '$' || u >= 0x80;
}

// A recursive-descent-free scanner over the pattern text; `pos` is a byte offset, columns in
// messages are 1-based (the end of the text is column size() + 1).
class PathParser {
 public:
  explicit PathParser(std::string_view text) : text_(text) {}

  Result<std::vector<JsonPathSegment>> Run() {
    std::vector<JsonPathSegment> segments;
    if (text_.empty() || text_[0] != '$') return Fail(0, "expected `$` at the start");
    pos_ = 1;
    while (pos_ < text_.size()) {
      JsonPathSegment segment;
      const char c = text_[pos_];
      if (c == '.') {
        ++pos_;
        bool descendant = false;
        if (pos_ < text_.size() && text_[pos_] == '.') {
          descendant = true;
          ++pos_;
        }
        if (pos_ < text_.size() && text_[pos_] == '*') {
          ++pos_;
          segment.kind =
              descendant ? JsonPathSegment::Kind::kDescendantAny : JsonPathSegment::Kind::kAny;
        } else if (pos_ < text_.size() && text_[pos_] == '[' && descendant) {
          // `..['key']` and `..[*]`.
          Status status = ParseBracket(&segment);
          if (!status.ok()) return status.error();
          if (segment.kind == JsonPathSegment::Kind::kIndex) {
            return Fail(bracket_start_,
                        "`..` cannot be followed by an index; use `..*` or `..name`");
          }
          segment.kind = segment.kind == JsonPathSegment::Kind::kAny
                             ? JsonPathSegment::Kind::kDescendantAny
                             : JsonPathSegment::Kind::kDescendantKey;
        } else {
          const size_t start = pos_;
          while (pos_ < text_.size() && IsDottedKeyChar(text_[pos_])) ++pos_;
          if (pos_ == start) {
            return Fail(pos_, descendant ? "expected a key name or `*` after `..`"
                                         : "expected a key name or `*` after `.` (use "
                                           "['...'] for keys with other characters)");
          }
          segment.kind =
              descendant ? JsonPathSegment::Kind::kDescendantKey : JsonPathSegment::Kind::kKey;
          segment.key.assign(text_.substr(start, pos_ - start));
        }
      } else if (c == '[') {
        Status status = ParseBracket(&segment);
        if (!status.ok()) return status.error();
      } else {
        return Fail(pos_, "expected `.` or `[`");
      }
      segments.push_back(std::move(segment));
    }
    return segments;
  }

 private:
  // Parses `[3]`, `[*]`, `['key']` or `["key"]` starting at the `[`.
  Status ParseBracket(JsonPathSegment* segment) {
    bracket_start_ = pos_;
    ++pos_;  // '['
    if (pos_ >= text_.size()) {
      return Fail(pos_, "expected an index, `*` or a quoted key after `[`").error();
    }
    const char c = text_[pos_];
    if (c == '*') {
      ++pos_;
      segment->kind = JsonPathSegment::Kind::kAny;
    } else if (c >= '0' && c <= '9') {
      size_t index = 0;
      const size_t start = pos_;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
        if (index > (SIZE_MAX - 9) / 10) return Fail(start, "index is too large").error();
        index = index * 10 + static_cast<size_t>(text_[pos_] - '0');
        ++pos_;
      }
      segment->kind = JsonPathSegment::Kind::kIndex;
      segment->index = index;
    } else if (c == '\'' || c == '"') {
      const char quote = c;
      ++pos_;
      std::string key;
      bool closed = false;
      while (pos_ < text_.size()) {
        const char k = text_[pos_];
        if (k == '\\') {
          if (pos_ + 1 >= text_.size()) break;
          key.push_back(text_[pos_ + 1]);
          pos_ += 2;
          continue;
        }
        ++pos_;
        if (k == quote) {
          closed = true;
          break;
        }
        key.push_back(k);
      }
      if (!closed) {
        return Fail(pos_, std::string("expected a closing `") + quote + "` for the quoted key")
            .error();
      }
      segment->kind = JsonPathSegment::Kind::kKey;
      segment->key = std::move(key);
    } else {
      return Fail(pos_, "expected an index, `*` or a quoted key after `[`").error();
    }
    if (pos_ >= text_.size() || text_[pos_] != ']') return Fail(pos_, "expected `]`").error();
    ++pos_;
    return Status();
  }

  Result<std::vector<JsonPathSegment>> Fail(size_t pos, std::string_view what) const {
    std::string message = "JSONPath `";
    message.append(text_);
    message.append("` at column ");
    message.append(std::to_string(pos + 1));
    message.append(": ");
    message.append(what);
    return Error{std::move(message)};
  }

  std::string_view text_;
  size_t pos_ = 0;
  size_t bracket_start_ = 0;
};

bool SegmentMatchesStep(const JsonPathSegment& segment, const JsonPath::Step& step) {
  switch (segment.kind) {
    case JsonPathSegment::Kind::kKey:
    case JsonPathSegment::Kind::kDescendantKey:
      return !step.is_index && step.key == segment.key;
    case JsonPathSegment::Kind::kIndex:
      return step.is_index && step.index == segment.index;
    case JsonPathSegment::Kind::kAny:
    case JsonPathSegment::Kind::kDescendantAny:
      return true;
  }
  return false;
}

}  // namespace

Result<JsonPath> JsonPath::Parse(std::string_view text) {
  Result<std::vector<JsonPathSegment>> segments = PathParser(text).Run();
  if (!segments.ok()) return std::move(segments).error();
  JsonPath path;
  path.text_.assign(text);
  path.segments_ = std::move(segments).value();
  return path;
}

bool JsonPath::Matches(const std::vector<Step>& steps) const {
  // State-set simulation: states[i] is true when segments [0, i) have matched the steps so far.
  // A descendant segment may absorb any number of steps before matching its own.
  const size_t n = segments_.size();
  std::vector<bool> states(n + 1, false);
  std::vector<bool> next(n + 1, false);
  states[0] = true;
  for (const Step& step : steps) {
    next.assign(n + 1, false);
    bool any = false;
    for (size_t i = 0; i < n; ++i) {
      if (!states[i]) continue;
      const JsonPathSegment& segment = segments_[i];
      const bool descendant = segment.kind == JsonPathSegment::Kind::kDescendantKey ||
                              segment.kind == JsonPathSegment::Kind::kDescendantAny;
      if (descendant) next[i] = any = true;
      if (SegmentMatchesStep(segment, step)) next[i + 1] = any = true;
    }
    if (!any) return false;
    states.swap(next);
  }
  return states[n];
}

}  // namespace shadowdiff
