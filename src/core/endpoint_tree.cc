#include "src/core/endpoint_tree.h"

#include <algorithm>

namespace shadowdiff {
namespace {

bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

// The path of a request-target: origin-form as is, absolute-form by its path; query and
// fragment removed; one trailing slash removed. Empty when the target has no path to match.
std::string_view PathOf(std::string_view target) {
  const size_t query = target.find_first_of("?#");
  if (query != std::string_view::npos) target = target.substr(0, query);
  if (target.empty()) return {};
  if (target[0] != '/') {
    size_t scheme_end = 0;
    if (StartsWithIgnoreCase(target, "http://")) {
      scheme_end = 7;
    } else if (StartsWithIgnoreCase(target, "https://")) {
      scheme_end = 8;
    } else {
      return {};
    }
    const size_t slash = target.find('/', scheme_end);
    if (slash == std::string_view::npos) return "/";
    target = target.substr(slash);
  }
  if (target.size() > 1 && target.back() == '/') target.remove_suffix(1);
  return target;
}

}  // namespace

std::string SourceLocation::ToString() const {
  return file + ":" + std::to_string(mark.line) + ":" + std::to_string(mark.column);
}

EndpointTree::EndpointTree() : nodes_(1) {}

Status EndpointTree::Add(Endpoint endpoint) {
  Result<PathTemplate> parsed = ParsePathTemplate(endpoint.path_template);
  if (!parsed.ok()) return parsed.error();

  // Find the terminal node without creating anything, to check for conflicts first.
  uint32_t node = 0;
  size_t depth = 0;
  for (; depth < parsed->segments.size(); ++depth) {
    const PathSegment& segment = parsed->segments[depth];
    uint32_t next = kNone;
    if (segment.is_param) {
      next = nodes_[node].param;
    } else {
      const auto& lits = nodes_[node].literals;
      auto it = std::lower_bound(
          lits.begin(), lits.end(), segment.text,
          [](const auto& entry, const std::string& key) { return entry.first < key; });
      if (it != lits.end() && it->first == segment.text) next = it->second;
    }
    if (next == kNone) break;
    node = next;
  }
  if (depth == parsed->segments.size()) {
    for (uint32_t other_id : nodes_[node].endpoints) {
      const Endpoint& other = endpoints_[other_id];
      if (other.settings.methods.Overlaps(endpoint.settings.methods)) {
        const std::string where = other.location.file == endpoint.location.file
                                      ? "line " + std::to_string(other.location.mark.line)
                                      : other.location.ToString();
        return Error{"endpoint `" + endpoint.path_template + "` overlaps `" + other.path_template +
                     "` (" + where + "): both serve " +
                     other.settings.methods.IntersectionText(endpoint.settings.methods) +
                     "; give each a different `methods:` list or remove one"};
      }
    }
  }
  // Create the rest of the path.
  for (; depth < parsed->segments.size(); ++depth) {
    const PathSegment& segment = parsed->segments[depth];
    const auto fresh = static_cast<uint32_t>(nodes_.size());
    nodes_.emplace_back();
    if (segment.is_param) {
      nodes_[node].param = fresh;
    } else {
      auto& lits = nodes_[node].literals;
      auto it = std::lower_bound(
          lits.begin(), lits.end(), segment.text,
          [](const auto& entry, const std::string& key) { return entry.first < key; });
      lits.insert(it, {segment.text, fresh});
    }
    node = fresh;
  }
  endpoint.id = endpoints_.size();
  nodes_[node].endpoints.push_back(static_cast<uint32_t>(endpoint.id));
  endpoints_.push_back(std::move(endpoint));
  return Status();
}

const Endpoint* EndpointTree::Match(std::string_view method, std::string_view target) const {
  const std::string_view path = PathOf(target);
  if (path.empty()) return nullptr;
  return MatchFrom(0, path == "/" ? std::string_view() : path, method);
}

// `path` is empty (all segments consumed) or starts with '/'. Recursion depth is bounded by
// the trie's depth (kMaxPathSegments).
const Endpoint* EndpointTree::MatchFrom(uint32_t node_id, std::string_view path,
                                        std::string_view method) const {
  const TrieNode& node = nodes_[node_id];
  if (path.empty()) {
    for (uint32_t id : node.endpoints) {
      if (endpoints_[id].settings.methods.Contains(method)) return &endpoints_[id];
    }
    return nullptr;
  }
  const size_t end = path.find('/', 1);
  const std::string_view segment =
      path.substr(1, end == std::string_view::npos ? path.npos : end - 1);
  const std::string_view rest =
      end == std::string_view::npos ? std::string_view() : path.substr(end);
  if (segment.empty()) return nullptr;
  auto it = std::lower_bound(
      node.literals.begin(), node.literals.end(), segment,
      [](const auto& entry, std::string_view key) { return std::string_view(entry.first) < key; });
  if (it != node.literals.end() && it->first == segment) {
    if (const Endpoint* found = MatchFrom(it->second, rest, method)) return found;
  }
  if (node.param != kNone) return MatchFrom(node.param, rest, method);
  return nullptr;
}

}  // namespace shadowdiff
