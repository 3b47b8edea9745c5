// Which captured entries a replay sends: `--shard i/n` (entry k of the input, counting every
// entry good or bad across the inputs in order, belongs to shard k mod n, so n shards
// partition a capture exactly and deterministically) and `--filter '[METHOD ]PATTERN'`
// (PATTERN is a glob where `*` matches any run of characters, `/` included, matched against
// the endpoint template the request maps to — "/merchants/{merchant_id}/customers" — or the
// request path without its query; METHOD, when given, must equal the request method).
// `--limit` is a plain count and lives with the runner. Pure.
#ifndef SHADOWDIFF_REPLAY_ENTRY_SELECTION_H_
#define SHADOWDIFF_REPLAY_ENTRY_SELECTION_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "src/core/result.h"

namespace shadowdiff {

struct Shard {
  uint64_t index = 0;
  uint64_t count = 1;

  bool Owns(uint64_t entry_index) const { return entry_index % count == index; }
};

// "i/n" with 0 <= i < n.
Result<Shard> ParseShard(std::string_view text);

struct EntryFilter {
  std::string method;   // "" = any
  std::string pattern;  // glob

  // `endpoint` is the matched template ("" when unmatched), `target` the request-target.
  bool Matches(std::string_view request_method, std::string_view endpoint,
               std::string_view target) const;
};

// "POST /merchants/*", "/merchants/*", "GET *".
Result<EntryFilter> ParseEntryFilter(std::string_view text);

// `*` matches any run of characters; everything else literally.
bool GlobMatch(std::string_view pattern, std::string_view text);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_REPLAY_ENTRY_SELECTION_H_
