// A raw-bytes fuzzer for the request side of the whole proxy, deterministic (fixed seeds):
// valid requests are mutated (bytes flipped, CR/LF/NUL/colon/space inserted, lines repeated
// or cut) and sent on fresh connections. Whatever arrives, the proxy answers with a
// well-formed status line or closes, within a bound; it never forwards anything but a
// well-formed request; and it keeps serving normal requests afterwards.
#include <cctype>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/integration/proxy/proxy_fixture.h"

namespace shadowdiff::test {
namespace {

constexpr char kConfig[] = R"(
limits:
  header_timeout_ms: 1000
  max_header_bytes: 4096
  max_request_body_bytes: 4096
endpoints:
  - path: /f
    methods: [GET, POST]
    shadow: compare
    allow_side_effects: true
)";

const std::vector<std::string> kSeeds = {
    "GET /f?a=1 HTTP/1.1\r\nHost: p\r\nAccept: */*\r\n\r\n",
    "POST /f HTTP/1.1\r\nHost: p\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello",
    "POST /f HTTP/1.1\r\nHost: p\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    "GET /f HTTP/1.0\r\nHost: p\r\nConnection: keep-alive\r\n\r\n",
    "GET /f HTTP/1.1\r\nHost: p\r\nExpect: 100-continue\r\nX-A: b\r\n\r\n",
};

std::string Mutate(std::string s, std::mt19937& rng) {
  const std::string inserts[] = {"\r",
                                 "\n",
                                 "\r\n",
                                 std::string(1, '\0'),
                                 ":",
                                 " ",
                                 "\t",
                                 "Content-Length: 3\r\n",
                                 "Transfer-Encoding: chunked\r\n",
                                 ",",
                                 "\xff",
                                 "0\r\n\r\n"};
  const int rounds = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < rounds && !s.empty(); ++i) {
    const size_t at = rng() % s.size();
    switch (rng() % 6) {
      case 0:
        s[at] = static_cast<char>(rng() % 256);
        break;
      case 1:
        s.insert(at, inserts[rng() % std::size(inserts)]);
        break;
      case 2:
        s.erase(at, 1 + rng() % 4);
        break;
      case 3: {  // repeat a line
        size_t begin = s.rfind("\r\n", at);
        begin = begin == std::string::npos ? 0 : begin + 2;
        size_t end = s.find("\r\n", at);
        if (end != std::string::npos) s.insert(begin, s.substr(begin, end + 2 - begin));
        break;
      }
      case 4:
        s.resize(at);
        break;
      case 5:
        s[at] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[at])));
        break;
    }
  }
  return s;
}

bool IsToken(const std::string& s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (!std::isalnum(c) &&
        std::string("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) == std::string::npos) {
      return false;
    }
  }
  return true;
}

class RequestFuzzTest : public ProxyFixture {};

TEST_F(RequestFuzzTest, MutatedRequestsAreAnsweredOrClosedAndNeverForwardedMalformed) {
  ASSERT_TRUE(StartProxy(kConfig));
  std::mt19937 rng(20240611);
  constexpr int kIterations = 300;
  int answered = 0;
  for (int i = 0; i < kIterations; ++i) {
    const std::string bytes = Mutate(kSeeds[i % kSeeds.size()], rng);
    RawClient client(port(), 3s);
    ASSERT_TRUE(client.connected()) << "iteration " << i;
    client.Send(bytes);
    client.ShutdownWrite();
    const auto start = Clock::now();
    ASSERT_TRUE(client.WaitClosed(6s)) << "iteration " << i << ": connection left open for\n"
                                       << ::testing::PrintToString(bytes);
    EXPECT_LT(Clock::now() - start, 6s);
    if (!client.buffered().empty()) {
      ++answered;
      EXPECT_TRUE(client.buffered().starts_with("HTTP/1.1 ") ||
                  client.buffered().starts_with("HTTP/1.0 "))
          << "iteration " << i << ": " << ::testing::PrintToString(client.buffered().substr(0, 80));
    }
  }
  EXPECT_GT(answered, kIterations / 2);

  // Whatever reached old is well-formed.
  for (const RecordedRequest& r : old_->requests()) {
    EXPECT_TRUE(IsToken(r.method)) << r.method;
    EXPECT_TRUE(r.target.starts_with("/")) << r.target;
    for (const auto& [name, value] : r.headers) {
      EXPECT_TRUE(IsToken(name)) << ::testing::PrintToString(name);
      EXPECT_EQ(value.find_first_of(std::string("\r\n\0", 3)), std::string::npos)
          << ::testing::PrintToString(value);
    }
  }
  // And the proxy still serves.
  HttpResponse r = Get("/f");
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.status, 200);
}

}  // namespace
}  // namespace shadowdiff::test
