#include "src/core/diff.h"

namespace shadowdiff {

std::string_view DiffKindName(DiffKind kind) {
  switch (kind) {
    case DiffKind::kMissing:
      return "missing";
    case DiffKind::kExtra:
      return "extra";
    case DiffKind::kValue:
      return "value";
    case DiffKind::kType:
      return "type";
  }
  return "value";
}

std::string_view BodyProblemName(BodyProblem problem) {
  switch (problem) {
    case BodyProblem::kNone:
      return "none";
    case BodyProblem::kInvalidJson:
      return "invalid_json";
    case BodyProblem::kTooDeep:
      return "too_deep";
    case BodyProblem::kTooLarge:
      return "too_large";
    case BodyProblem::kDecodeError:
      return "decode_error";
  }
  return "none";
}

namespace {

bool IsIdentifierStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool IsIdentifierChar(char c) { return IsIdentifierStart(c) || (c >= '0' && c <= '9'); }

bool IsIdentifier(std::string_view key) {
  if (key.empty() || !IsIdentifierStart(key[0])) return false;
  for (char c : key) {
    if (!IsIdentifierChar(c)) return false;
  }
  return true;
}

}  // namespace

void AppendKey(std::string* path, std::string_view key) {
  if (IsIdentifier(key)) {
    path->push_back('.');
    path->append(key);
    return;
  }
  path->append("['");
  for (char c : key) {
    if (c == '\'' || c == '\\') path->push_back('\\');
    path->push_back(c);
  }
  path->append("']");
}

void AppendIndex(std::string* path, size_t index) {
  path->push_back('[');
  path->append(std::to_string(index));
  path->push_back(']');
}

std::string FieldKey(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  size_t i = 0;
  while (i < path.size()) {
    char c = path[i];
    if (c == '[' && i + 1 < path.size() && path[i + 1] == '\'') {
      // Bracketed key: copy through the closing "']", honouring backslash escapes.
      size_t j = i + 2;
      while (j < path.size()) {
        if (path[j] == '\\' && j + 1 < path.size()) {
          j += 2;
          continue;
        }
        if (path[j] == '\'' && j + 1 < path.size() && path[j + 1] == ']') {
          j += 2;
          break;
        }
        ++j;
      }
      out.append(path.substr(i, j - i));
      i = j;
      continue;
    }
    if (c == '[') {
      size_t j = i + 1;
      while (j < path.size() && path[j] >= '0' && path[j] <= '9') ++j;
      if (j > i + 1 && j < path.size() && path[j] == ']') {
        out.append("[*]");
        i = j + 1;
        continue;
      }
    }
    out.push_back(c);
    ++i;
  }
  return out;
}

}  // namespace shadowdiff
