// EndpointTree: the endpoints of a config, compiled into a segment trie, and the matcher
// that maps a request (method + request-target) to the endpoint that handles it.
//
// Matching rules (the contract tests pin):
//   - the query string (`?...`) and fragment are ignored; absolute-form targets
//     (`http://host/path`) are matched by their path; `*` and other forms match nothing;
//   - one trailing slash is ignored: `/merchants/42/` matches `/merchants/{merchant_id}`;
//     an empty segment elsewhere (`/merchants//x`) matches nothing;
//   - a template matches only paths with exactly its number of segments (a parent does not
//     catch its children's paths); `/` matches only the root;
//   - segments are compared as raw bytes, case-sensitively, without percent-decoding; a
//     parameter matches any non-empty segment;
//   - among templates that match, the most specific wins: at the first segment where two
//     differ, a literal beats a parameter; only endpoints whose `methods` include the
//     request's method are considered (a more specific template that does not serve the
//     method falls back to a less specific one that does);
//   - nothing matches: nullptr (the `unmatched` policy applies).
// Cost: O(number of segments) trie steps for typical trees (backtracking only where a literal
// and a parameter both match a prefix), no allocation.
//
// Built by the config loader (Add), then immutable: a const EndpointTree is safe for any
// number of concurrent readers. Endpoint pointers stay valid while the tree lives.
#ifndef SHADOWDIFF_CORE_ENDPOINT_TREE_H_
#define SHADOWDIFF_CORE_ENDPOINT_TREE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "comparators/response_comparator.h"
#include "src/core/config_error.h"
#include "src/core/endpoint_settings.h"
#include "src/core/path_template.h"
#include "src/core/result.h"

namespace shadowdiff {

struct SourceLocation {
  std::string file;
  SourceMark mark;

  std::string ToString() const;  // "FILE:LINE:COL"
};

struct Endpoint {
  size_t id = 0;              // position in EndpointTree::endpoints() (file order)
  std::string path_template;  // full template, e.g. "/merchants/{merchant_id}/customers"; the
                              // `endpoint` label of every metric
  EndpointSettings settings;
  SourceLocation location;  // where the endpoint's entry starts in the file
  // Built once at load from settings.compare; never null in a loaded Config.
  std::shared_ptr<const ResponseComparator> comparator;
};

class EndpointTree {
 public:
  EndpointTree();

  // Adds `endpoint` (its id is set to its position). Fails, leaving the tree unchanged, when
  // its template does not parse or when an endpoint already added has a template of the same
  // shape (`/a/{x}` and `/a/{y}` are the same shape) serving one of the same methods.
  Status Add(Endpoint endpoint);

  // The endpoint for a request, or nullptr (see the rules above).
  const Endpoint* Match(std::string_view method, std::string_view target) const;

  const std::vector<Endpoint>& endpoints() const { return endpoints_; }
  size_t size() const { return endpoints_.size(); }
  bool empty() const { return endpoints_.empty(); }

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  struct TrieNode {
    std::vector<std::pair<std::string, uint32_t>> literals;  // sorted by segment text
    uint32_t param = kNone;                                  // the `{...}` child
    std::vector<uint32_t> endpoints;  // ids of endpoints ending here (disjoint methods)
  };

  const Endpoint* MatchFrom(uint32_t node, std::string_view path, std::string_view method) const;

  std::vector<TrieNode> nodes_;  // nodes_[0] is the root
  std::vector<Endpoint> endpoints_;
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_CORE_ENDPOINT_TREE_H_
