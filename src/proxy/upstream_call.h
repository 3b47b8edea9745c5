// The bridge from the upstream pool's results (I/O layer) to the pure outcome rules (core):
// what the classifier needs to know about one upstream call.
#ifndef SHADOWDIFF_PROXY_UPSTREAM_CALL_H_
#define SHADOWDIFF_PROXY_UPSTREAM_CALL_H_

#include "src/core/outcome_classifier.h"
#include "src/proxy/upstream_types.h"

namespace shadowdiff {

inline TransportResult ToTransportResult(UpstreamStatus status) {
  switch (status) {
    case UpstreamStatus::kOk:
      return TransportResult::kOk;
    case UpstreamStatus::kConnectError:
    case UpstreamStatus::kInvalidRequest:  // nothing was sent
      return TransportResult::kConnectError;
    case UpstreamStatus::kTimeout:
      return TransportResult::kTimeout;
    case UpstreamStatus::kIoError:
      return TransportResult::kReset;
    case UpstreamStatus::kProtocolError:
      return TransportResult::kProtocolError;
  }
  return TransportResult::kProtocolError;
}

inline UpstreamCall ToUpstreamCall(const UpstreamResult& result) {
  return UpstreamCall{ToTransportResult(result.status), result.response.status};
}

}  // namespace shadowdiff

#endif  // SHADOWDIFF_PROXY_UPSTREAM_CALL_H_
