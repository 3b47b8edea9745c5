// The rollback protocol between the proxy and a shadow service (SPEC.md, "Rollback
// protocol"): the one place its header names and mode words live. Shared by the proxy and
// the service-side library.
#ifndef SHADOWDIFF_ROLLBACK_PROTOCOL_H_
#define SHADOWDIFF_ROLLBACK_PROTOCOL_H_

#include <string_view>

namespace shadowdiff::rollback {

// Request headers, sent on every shadow call.
inline constexpr std::string_view kShadowIdHeader = "Shadow-Id";
inline constexpr std::string_view kShadowModeHeader = "Shadow-Mode";
inline constexpr std::string_view kShadowSignatureHeader = "Shadow-Signature";
// Response header of a service that rolled its transaction back: echoes the Shadow-Id.
inline constexpr std::string_view kRolledBackHeader = "Shadow-Rolled-Back";

// Every header a client sends with this prefix is stripped (case-insensitive).
inline constexpr std::string_view kHeaderPrefix = "Shadow-";

inline constexpr std::string_view kModeCompare = "compare";
inline constexpr std::string_view kModeRollback = "rollback";

}  // namespace shadowdiff::rollback

#endif  // SHADOWDIFF_ROLLBACK_PROTOCOL_H_
