// RawClient: a blocking loopback HTTP/1.x client speaking raw bytes, for the integration
// tests of the proxy's client side (the edge server and the whole proxy): it sends exactly the
// bytes a test gives it and reads responses back as they came over the wire (HttpResponse:
// the raw bytes and the parsed status, fields and de-chunked body). Every read and write is
// bounded by the client's timeout, so a test that waits for a response cannot hang.
// Header-only and without Boost; one client per test thread.
#ifndef SHADOWDIFF_TESTS_INTEGRATION_RAW_CLIENT_H_
#define SHADOWDIFF_TESTS_INTEGRATION_RAW_CLIENT_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shadowdiff::test {

using Clock = std::chrono::steady_clock;

inline std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// One response as a client received it.
struct HttpResponse {
  bool ok = false;  // a complete response was read
  std::string raw;  // every byte of the response (head and framed body)
  int status = 0;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> headers;  // wire order, names as received
  std::string body;                                          // de-chunked
  bool chunked = false;
  double elapsed_ms = 0;  // from the request's first byte to the response's last

  std::optional<std::string> Header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
      if (ToLower(n) == ToLower(name)) return v;
    }
    return std::nullopt;
  }
  std::vector<std::string> HeaderNames() const {
    std::vector<std::string> names;
    for (const auto& [n, v] : headers) names.push_back(n);
    return names;
  }
};

// A blocking loopback client speaking raw bytes, every read and write bounded by `timeout`.
class RawClient {
 public:
  explicit RawClient(uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{static_cast<time_t>(timeout.count() / 1000),
               static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return connected_; }

  bool Send(std::string_view bytes) {
    sent_at_ = Clock::now();
    while (!bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Reads one complete response (Content-Length, chunked or close-delimited body; none for
  // HEAD, 1xx, 204, 304). `ok` is false on a timeout or a connection closed early.
  HttpResponse ReadResponse(bool head_request = false) {
    HttpResponse r;
    size_t head_end;
    while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return r;
    }
    const std::string head = buffer_.substr(0, head_end + 4);
    size_t pos = head.find("\r\n");
    const std::string status_line = head.substr(0, pos);
    if (status_line.size() < 12 || !status_line.starts_with("HTTP/1.")) return r;
    r.status = std::atoi(status_line.substr(9, 3).c_str());
    r.reason = status_line.size() > 13 ? status_line.substr(13) : "";
    std::optional<uint64_t> length;
    pos += 2;
    while (pos < head_end) {
      size_t eol = head.find("\r\n", pos);
      std::string line = head.substr(pos, eol - pos);
      pos = eol + 2;
      size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string name = line.substr(0, colon);
      std::string value = line.substr(colon + 1);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.erase(0, 1);
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.pop_back();
      if (ToLower(name) == "content-length") length = std::stoull(value);
      if (ToLower(name) == "transfer-encoding" &&
          ToLower(value).find("chunked") != std::string::npos) {
        r.chunked = true;
      }
      r.headers.emplace_back(std::move(name), std::move(value));
    }
    size_t offset = head.size();
    const bool bodiless = head_request || r.status / 100 == 1 || r.status == 204 || r.status == 304;
    if (bodiless) {
      // nothing
    } else if (r.chunked) {
      for (;;) {
        size_t eol;
        while ((eol = buffer_.find("\r\n", offset)) == std::string::npos) {
          if (!Fill()) return r;
        }
        uint64_t size = std::stoull(buffer_.substr(offset, eol - offset), nullptr, 16);
        offset = eol + 2;
        if (size == 0) {
          // Trailers (none expected) then the final CRLF.
          while ((eol = buffer_.find("\r\n", offset)) == std::string::npos) {
            if (!Fill()) return r;
          }
          while (eol != offset) {
            offset = eol + 2;
            while ((eol = buffer_.find("\r\n", offset)) == std::string::npos) {
              if (!Fill()) return r;
            }
          }
          offset += 2;
          break;
        }
        while (buffer_.size() < offset + size + 2) {
          if (!Fill()) return r;
        }
        r.body.append(buffer_, offset, size);
        offset += size + 2;
      }
    } else if (length) {
      while (buffer_.size() < offset + *length) {
        if (!Fill()) return r;
      }
      r.body = buffer_.substr(offset, *length);
      offset += *length;
    } else {
      while (FillOrEof() > 0) {
      }
      r.body = buffer_.substr(offset);
      offset = buffer_.size();
    }
    r.raw = buffer_.substr(0, offset);
    buffer_.erase(0, offset);
    r.ok = true;
    r.elapsed_ms = std::chrono::duration<double, std::milli>(Clock::now() - sent_at_).count();
    return r;
  }

  // True when the peer closes (EOF or reset) within `within`; bytes before stay buffered.
  bool WaitClosed(std::chrono::milliseconds within) {
    auto until = Clock::now() + within;
    while (Clock::now() < until) {
      pollfd p{fd_, POLLIN, 0};
      int left = static_cast<int>(
          std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count());
      if (::poll(&p, 1, std::max(1, left)) <= 0) continue;
      char chunk[65536];
      ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n == 0) return true;
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
        return true;
      }
      buffer_.append(chunk, static_cast<size_t>(n));
    }
    return false;
  }

  // Half-closes the connection (FIN): the peer sees the end of the request stream.
  void ShutdownWrite() { ::shutdown(fd_, SHUT_WR); }

  const std::string& buffered() const { return buffer_; }

 private:
  bool Fill() { return FillOrEof() > 0; }
  ssize_t FillOrEof() {
    char chunk[65536];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n > 0) buffer_.append(chunk, static_cast<size_t>(n));
    return n;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string buffer_;
  Clock::time_point sent_at_ = Clock::now();
};

}  // namespace shadowdiff::test

#endif  // SHADOWDIFF_TESTS_INTEGRATION_RAW_CLIENT_H_
