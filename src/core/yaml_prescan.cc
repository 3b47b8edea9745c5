#include "src/core/yaml_prescan.h"

#include <cstdio>
#include <string>
#include <vector>

#include "src/core/utf8.h"

namespace shadowdiff {
namespace {

bool CheckEncoding(std::string_view text, ConfigErrors& errors) {
  int line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const SourceMark mark{line, static_cast<int>(i - line_start) + 1};
    if (c == '\n') {
      ++line;
      line_start = i + 1;
      ++i;
      continue;
    }
    if (c == 0) {
      errors.Add(mark, "NUL byte: this is not a text file (endpoints.yaml must be UTF-8 YAML)");
      return false;
    }
    if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7F) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", c);
      errors.Add(mark, std::string("control character ") + hex +
                           " is not allowed in YAML (is this a binary file?)");
      return false;
    }
    const size_t len = Utf8SequenceLength(text, i);
    if (len == 0) {
      errors.Add(mark, "invalid UTF-8: endpoints.yaml must be encoded as UTF-8");
      return false;
    }
    i += len;
  }
  return true;
}

// Walks the text line by line, keeping a stack of the block indentation columns that are
// open and the current flow-bracket depth. Depth = open block levels + flow depth.
class DepthScanner {
 public:
  DepthScanner(std::string_view text, size_t max_depth, ConfigErrors& errors)
      : text_(text), max_depth_(max_depth), errors_(errors) {}

  bool Run() {
    size_t start = 0;
    while (start <= text_.size()) {
      size_t end = text_.find('\n', start);
      if (end == std::string_view::npos) end = text_.size();
      std::string_view line = text_.substr(start, end - start);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (!ScanLine(line)) return false;
      ++line_number_;
      start = end + 1;
    }
    return true;
  }

 private:
  static bool IsBlank(char c) { return c == ' ' || c == '\t'; }

  bool Fail(size_t column) {
    errors_.Add(SourceMark{line_number_, static_cast<int>(column) + 1},
                "nesting deeper than " + std::to_string(max_depth_) +
                    " levels; endpoints.yaml never needs that many (refused before parsing, "
                    "to protect the parser's stack)");
    return false;
  }

  bool CheckDepth(size_t column) {
    return stack_.size() + static_cast<size_t>(flow_depth_) <= max_depth_ || Fail(column);
  }

  // Continues a quoted scalar from line[p]; returns the position after its closing quote, or
  // line.size() if it continues on the next line (quote_ stays set).
  size_t SkipQuoted(std::string_view line, size_t p) {
    while (p < line.size()) {
      const char c = line[p];
      if (quote_ == '"' && c == '\\') {
        p += 2;
        continue;
      }
      if (c == quote_) {
        if (quote_ == '\'' && p + 1 < line.size() && line[p + 1] == '\'') {
          p += 2;
          continue;
        }
        quote_ = 0;
        return p + 1;
      }
      ++p;
    }
    return line.size();
  }

  // Flow context: brackets count anywhere outside quoted scalars and comments.
  bool ScanFlow(std::string_view line, size_t p) {
    while (p < line.size()) {
      const char c = line[p];
      if (quote_ != 0) {
        p = SkipQuoted(line, p);
        continue;
      }
      if (c == '"' || c == '\'') {
        quote_ = c;
        p = SkipQuoted(line, p + 1);
        continue;
      }
      if (c == '#' && (p == 0 || IsBlank(line[p - 1]))) return true;
      if (c == '[' || c == '{') {
        ++flow_depth_;
        if (!CheckDepth(p)) return false;
      } else if ((c == ']' || c == '}') && flow_depth_ > 0) {
        --flow_depth_;
      }
      ++p;
    }
    return true;
  }

  bool ScanLine(std::string_view line) {
    if (quote_ != 0 || flow_depth_ > 0) return ScanFlow(line, 0);
    size_t indent = 0;
    while (indent < line.size() && IsBlank(line[indent])) ++indent;
    if (indent == line.size() || line[indent] == '#') return true;  // blank or comment
    if (block_scalar_parent_ >= 0) {
      if (static_cast<int>(indent) > block_scalar_parent_) return true;  // literal text
      block_scalar_parent_ = -1;
    }
    if (line.substr(indent).starts_with("---") || line.substr(indent).starts_with("...")) {
      stack_.clear();
      return true;
    }
    if (!Open(indent)) return false;
    size_t p = indent;
    while (p < line.size()) {
      const char c = line[p];
      const bool indicator =
          (c == '-' || c == '?' || c == ':') && (p + 1 == line.size() || IsBlank(line[p + 1]));
      if (indicator) {
        ++p;
        while (p < line.size() && IsBlank(line[p])) ++p;
        if (p < line.size() && line[p] != '#' && !Open(p)) return false;
        continue;
      }
      if (c == '#' && (p == 0 || IsBlank(line[p - 1]))) return true;
      if (c == '[' || c == '{') return ScanFlow(line, p);
      if (c == '"' || c == '\'') {
        quote_ = c;
        p = SkipQuoted(line, p + 1);
        if (quote_ != 0) return true;  // continues on the next line
        continue;
      }
      if (c == '|' || c == '>') {
        block_scalar_parent_ = static_cast<int>(indent);
        return true;
      }
      if (c == '&' || c == '!' || c == '*') {  // anchor, tag, alias: skip the token
        while (p < line.size() && !IsBlank(line[p])) ++p;
        while (p < line.size() && IsBlank(line[p])) ++p;
        continue;
      }
      // A plain scalar (maybe a key): skip to `: ` (then a value follows) or a comment.
      while (p < line.size()) {
        if (line[p] == ':' && (p + 1 == line.size() || IsBlank(line[p + 1]))) break;
        if (line[p] == '#' && IsBlank(line[p - 1])) return true;
        ++p;
      }
    }
    return true;
  }

  // A node starts at `column`: close deeper levels, open this one if it is deeper.
  bool Open(size_t column) {
    while (!stack_.empty() && stack_.back() > column) stack_.pop_back();
    if (stack_.empty() || stack_.back() < column) {
      stack_.push_back(column);
      return CheckDepth(column);
    }
    return true;
  }

  std::string_view text_;
  size_t max_depth_;
  ConfigErrors& errors_;
  int line_number_ = 1;
  std::vector<size_t> stack_;  // never longer than max_depth_ + 1
  int flow_depth_ = 0;
  char quote_ = 0;                // inside a quoted scalar that spans lines
  int block_scalar_parent_ = -1;  // indentation of the line that started `|` / `>`
};

}  // namespace

bool PrescanYaml(std::string_view text, const YamlPrescanLimits& limits, ConfigErrors& errors) {
  if (!CheckEncoding(text, errors)) return false;
  return DepthScanner(text, limits.max_depth, errors).Run();
}

}  // namespace shadowdiff
