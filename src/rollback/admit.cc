// Admit: reads and verifies the Shadow-* headers of one request (rollback.h).
#include <chrono>
#include <string>
#include <string_view>

#include "src/rollback/protocol.h"
#include "src/rollback/rollback.h"
#include "src/rollback/signature.h"

namespace shadowdiff::rollback {
namespace {

// A Shadow-Id is echoed back in the Shadow-Rolled-Back response header, so it must be a
// harmless header value: visible ASCII only (no spaces, no control characters) and short.
constexpr size_t kMaxShadowIdLength = 200;

bool IsValidShadowId(std::string_view id) {
  if (id.empty() || id.size() > kMaxShadowIdLength) return false;
  for (char c : id) {
    if (c <= 0x20 || c >= 0x7F) return false;
  }
  return true;
}

int64_t SystemNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::optional<std::string_view> Header(const RequestView& request, std::string_view name) {
  if (!request.header) return std::nullopt;
  return request.header(name);
}

}  // namespace

Result<ShadowContext> Admit(const RequestView& request, const ServiceOptions& options) {
  const std::optional<std::string_view> mode_text = Header(request, kShadowModeHeader);
  const std::optional<std::string_view> id = Header(request, kShadowIdHeader);
  const std::optional<std::string_view> signature = Header(request, kShadowSignatureHeader);

  if (!mode_text) {
    // The proxy always sends Shadow-Mode with Shadow-Id, and it strips every Shadow-* header
    // from client traffic: a lone Shadow-Id or Shadow-Signature was not sent by the proxy.
    if (id || signature) {
      return Error{std::string(id ? kShadowIdHeader : kShadowSignatureHeader) + " without " +
                   std::string(kShadowModeHeader) +
                   ": refusing the request; a shadow call carries Shadow-Mode: compare or "
                   "rollback, and a live request carries no Shadow-* header"};
    }
    return ShadowContext();
  }

  ShadowMode mode;
  if (*mode_text == kModeRollback) {
    mode = ShadowMode::kRollback;
  } else if (*mode_text == kModeCompare) {
    mode = ShadowMode::kCompare;
  } else {
    return Error{
        "unknown Shadow-Mode (expected \"compare\" or \"rollback\"): refusing the "
        "request; is the proxy newer than this service's shadowdiff_rollback?"};
  }

  if (!id || id->empty()) {
    return Error{
        "Shadow-Mode without Shadow-Id: refusing the request; a shadow call carries "
        "both"};
  }
  if (!IsValidShadowId(*id)) {
    return Error{"invalid Shadow-Id: it must be 1 to " + std::to_string(kMaxShadowIdLength) +
                 " visible ASCII characters (no spaces or control characters)"};
  }

  if (!options.secret.empty()) {
    if (!signature) {
      return Error{
          "missing Shadow-Signature: this service has a rollback secret configured, "
          "so shadow calls must be signed; set the same secret in the proxy "
          "(rollback.secret_env)"};
    }
    const int64_t now = options.now_unix_seconds ? options.now_unix_seconds() : SystemNow();
    Status verified = Verify(*signature, options.secret,
                             SignedFields{.shadow_id = *id,
                                          .mode = *mode_text,
                                          .method = request.method,
                                          .request_target = request.target},
                             now, options.tolerance_seconds);
    if (!verified.ok()) {
      return Error{verified.error().message +
                   "; refusing the shadow call (check that the proxy and this service share "
                   "the rollback secret and that their clocks agree)"};
    }
  }
  return ShadowContext(mode, std::string(*id));
}

}  // namespace shadowdiff::rollback
