#include "src/proxy/http_guard.h"

#include <algorithm>
#include <array>

namespace shadowdiff {
namespace {

constexpr Refusal kOk{};

// Whether `lower` has no ASCII upper-case letter: the fixed names compared below.
constexpr bool IsLowercase(std::string_view lower) {
  return std::none_of(lower.begin(), lower.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

bool StartsWithLower(std::string_view s, std::string_view lower_prefix) {
  return s.size() >= lower_prefix.size() &&
         EqualsLower(s.substr(0, lower_prefix.size()), lower_prefix);
}

// field-value = *( VCHAR / obs-text / SP / HTAB ): no CTLs but HTAB.
bool IsFieldValue(std::string_view s) { return std::all_of(s.begin(), s.end(), IsFieldTextChar); }

// Visible ASCII only: no spaces, CTLs or obs-text in a request-target.
bool IsTargetText(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7f;
  });
}

// 1*DIGIT that fits in uint64_t.
bool ParseContentLength(std::string_view s, uint64_t& out) {
  if (s.empty()) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    auto d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  out = v;
  return true;
}

HeadVerdict Refuse(int status, std::string_view reason) {
  HeadVerdict v;
  v.refusal = Refusal{status, reason};
  return v;
}

constexpr std::array<std::string_view, 9> kHopByHop = {"connection",
                                                       "keep-alive",
                                                       "proxy-connection",
                                                       "proxy-authenticate",
                                                       "proxy-authorization",
                                                       "te",
                                                       "trailer",
                                                       "transfer-encoding",
                                                       "upgrade"};

// Fields a `Connection` header may not remove: the request would lose its routing or framing.
constexpr std::array<std::string_view, 2> kNeverConnectionNamed = {"host", "content-length"};

static_assert(std::all_of(kHopByHop.begin(), kHopByHop.end(), IsLowercase));
static_assert(std::all_of(kNeverConnectionNamed.begin(), kNeverConnectionNamed.end(), IsLowercase));

// `list` holds lowercase names (asserted above for the lists of this file).
template <size_t N>
bool InList(const std::array<std::string_view, N>& list, std::string_view name) {
  return std::any_of(list.begin(), list.end(),
                     [&](std::string_view item) { return EqualsLower(name, item); });
}

// Bit n set when some name in kHopByHop is n bytes long: most field names are not, and are
// passed over with one test.
constexpr uint32_t kHopByHopLengths = [] {
  uint32_t mask = 0;
  for (std::string_view name : kHopByHop) mask |= uint32_t{1} << name.size();
  return mask;
}();
static_assert(std::all_of(kHopByHop.begin(), kHopByHop.end(),
                          [](std::string_view name) { return name.size() < 32; }));

bool IsHopByHop(std::string_view name) {
  return name.size() < 32 && (kHopByHopLengths >> name.size() & 1) != 0 && InList(kHopByHop, name);
}

// Removes every field named `lower_name` (lowercase, any case matches), returning their
// non-empty values joined by ", ".
std::string TakeMergedList(HeaderList& headers, std::string_view lower_name) {
  std::string merged;
  std::erase_if(headers, [&](const auto& field) {
    if (!EqualsLower(field.first, lower_name)) return false;
    std::string_view value = TrimOws(field.second);
    if (!value.empty()) {
      if (!merged.empty()) merged += ", ";
      merged += value;
    }
    return true;
  });
  return merged;
}

}  // namespace

RawHeadScanner::State RawHeadScanner::Refuse(int status, std::string_view reason) {
  refusal_ = Refusal{status, reason};
  state_ = State::kRefused;
  return state_;
}

RawHeadScanner::State RawHeadScanner::Feed(std::string_view input) {
  if (state_ != State::kNeedMore) return state_;
  while (pos_ < input.size()) {
    if (pos_ >= max_head_bytes_) return Refuse(431, "request header fields too large");
    char c = input[pos_];
    if (c == '\r') {
      // A CR must be followed by LF; wait for the next byte to know.
      if (pos_ + 1 >= input.size()) return state_;
      if (input[pos_ + 1] != '\n') return Refuse(400, "bare CR in request head");
      if (pos_ + 2 > max_head_bytes_) return Refuse(431, "request header fields too large");
      bool empty_line = pos_ == line_start_;
      pos_ += 2;
      if (!in_head_) {  // a leading empty line: skip it
        head_begin_ = line_start_ = pos_;
        continue;
      }
      if (empty_line) {
        head_end_ = pos_;
        state_ = State::kComplete;
        return state_;
      }
      line_start_ = pos_;
      continue;
    }
    if (c == '\n') return Refuse(400, "bare LF in request head");
    if (c == '\0') return Refuse(400, "NUL in request head");
    if (IsOws(c) && pos_ == line_start_) {
      if (!in_head_) return Refuse(400, "malformed request line");
      return Refuse(400, "obsolete line folding in request head");
    }
    in_head_ = true;
    ++pos_;
  }
  if (pos_ >= max_head_bytes_) return Refuse(431, "request header fields too large");
  return state_;
}

HeadVerdict CheckRequestHead(std::string_view method, std::string_view target, unsigned version,
                             const HeaderList& headers, uint64_t max_body_bytes) {
  // Request line.
  if (!IsToken(method)) return Refuse(400, "malformed method");
  if (version != 10 && version != 11) return Refuse(505, "HTTP version not supported");
  if (method == "CONNECT") return Refuse(501, "CONNECT is not supported");
  if (target.empty() || !IsTargetText(target)) return Refuse(400, "malformed request-target");
  bool target_ok = target.front() == '/' || (target == "*" && method == "OPTIONS") ||
                   StartsWithLower(target, "http://") || StartsWithLower(target, "https://");
  if (!target_ok) return Refuse(400, "malformed request-target");

  // Fields: syntax, then the framing fields counted.
  const std::string* content_length = nullptr;
  const std::string* transfer_encoding = nullptr;
  const std::string* expect = nullptr;
  int content_length_count = 0, transfer_encoding_count = 0, host_count = 0, expect_count = 0;
  for (const auto& [name, value] : headers) {
    if (!IsToken(name)) return Refuse(400, "malformed header field name");
    if (!IsFieldValue(value)) return Refuse(400, "malformed header field value");
    if (EqualsLower(name, "content-length")) {
      ++content_length_count;
      content_length = &value;
    } else if (EqualsLower(name, "transfer-encoding")) {
      ++transfer_encoding_count;
      transfer_encoding = &value;
    } else if (EqualsLower(name, "host")) {
      ++host_count;
    } else if (EqualsLower(name, "expect")) {
      ++expect_count;
      expect = &value;
    }
  }

  // Smuggling openings: any framing two parties could read differently is refused.
  HeadVerdict verdict;
  if (transfer_encoding_count > 0) {
    if (content_length_count > 0) return Refuse(400, "Transfer-Encoding with Content-Length");
    if (transfer_encoding_count > 1) return Refuse(400, "repeated Transfer-Encoding");
    if (version == 10) return Refuse(400, "Transfer-Encoding on HTTP/1.0");
    if (!EqualsLower(TrimOws(*transfer_encoding), "chunked")) {
      return Refuse(400, "Transfer-Encoding other than chunked");
    }
    verdict.framing.kind = BodyFraming::Kind::kChunked;
  } else if (content_length_count > 0) {
    if (content_length_count > 1) return Refuse(400, "repeated Content-Length");
    uint64_t length = 0;
    if (!ParseContentLength(TrimOws(*content_length), length)) {
      return Refuse(400, "invalid Content-Length");
    }
    if (length > max_body_bytes) return Refuse(413, "request body too large");
    if (length > 0) {
      verdict.framing.kind = BodyFraming::Kind::kContentLength;
      verdict.framing.content_length = length;
    }
  }

  if (host_count > 1) return Refuse(400, "repeated Host");
  if (host_count == 0 && version == 11) return Refuse(400, "missing Host");

  if (expect_count > 1) return Refuse(417, "unsupported Expect");
  if (expect_count == 1) {
    if (!EqualsLower(TrimOws(*expect), "100-continue")) {
      return Refuse(417, "unsupported Expect");
    }
    // HTTP/1.0 servers must ignore 100-continue (RFC 9110 §10.1.1).
    verdict.expect_continue = version == 11 && verdict.framing.kind != BodyFraming::Kind::kNone;
  }
  verdict.refusal = kOk;
  return verdict;
}

void StripHopByHop(HeaderList& headers) {
  // Fields listed in Connection, other than those removed anyway (`Connection: keep-alive`,
  // the common case, lists none). Copies: erasing below moves the values they come from.
  std::vector<std::string> named;
  for (const auto& [name, value] : headers) {
    if (!EqualsLower(name, "connection")) continue;
    ForEachListElement(value, /*allow_empty=*/true, [&](std::string_view token) {
      if (!InList(kNeverConnectionNamed, token) && !IsHopByHop(token)) {
        named.emplace_back(token);
      }
      return true;
    });
  }
  std::erase_if(headers, [&](const auto& field) {
    const std::string& name = field.first;
    if (IsHopByHop(name)) return true;
    return std::any_of(named.begin(), named.end(),
                       [&](const std::string& n) { return EqualsIgnoreCase(n, name); });
  });
}

void StripShadowHeaders(HeaderList& headers) {
  std::erase_if(headers, [](const auto& field) { return StartsWithLower(field.first, "shadow-"); });
}

std::string ForwardedNode(std::string_view client_ip) {
  if (client_ip.find(':') == std::string_view::npos) return std::string(client_ip);
  std::string node = "\"[";
  node += client_ip;
  node += "]\"";
  return node;
}

void AppendForwardedFor(HeaderList& headers, std::string_view client_ip) {
  std::string xff = TakeMergedList(headers, "x-forwarded-for");
  if (!xff.empty()) xff += ", ";
  xff += client_ip;
  std::string forwarded = TakeMergedList(headers, "forwarded");
  if (!forwarded.empty()) forwarded += ", ";
  forwarded += "for=";
  forwarded += ForwardedNode(client_ip);
  headers.emplace_back("X-Forwarded-For", std::move(xff));
  headers.emplace_back("Forwarded", std::move(forwarded));
}

}  // namespace shadowdiff
