// Request smuggling openings and malformed heads, sent as raw bytes to the whole proxy: each
// is refused with its status, the connection is closed, and NOTHING reaches old or new.
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/integration/proxy/proxy_fixture.h"

namespace shadowdiff::test {
namespace {

constexpr char kConfig[] = R"(
limits:
  max_header_bytes: 8192
  max_request_body_bytes: 100000
endpoints:
  - path: /s
    methods: [GET, POST]
    shadow: compare
    allow_side_effects: true
)";

struct SmuggleCase {
  std::string name;
  std::string bytes;
  int status;
};

void PrintTo(const SmuggleCase& c, std::ostream* os) { *os << c.name; }

class SmugglingTest : public ProxyFixture, public ::testing::WithParamInterface<SmuggleCase> {};

TEST_P(SmugglingTest, RefusedClosedAndNothingReachesABackend) {
  const SmuggleCase& c = GetParam();
  ASSERT_TRUE(StartProxy(kConfig));
  RawClient client(port());
  ASSERT_TRUE(client.connected());
  client.Send(c.bytes);  // may fail half-way for huge heads once the proxy closes
  HttpResponse r = client.ReadResponse();
  ASSERT_TRUE(r.ok) << "no answer; got: " << client.buffered();
  EXPECT_EQ(r.status, c.status) << r.raw;
  EXPECT_TRUE(client.WaitClosed(3s)) << "the connection stayed open";

  // Smuggled bytes in the body must not be read as a second request either: give the proxy
  // time to (wrongly) forward something by making a clean request afterwards and waiting
  // for it to arrive.
  EXPECT_EQ(old_->request_count(), 0u);
  EXPECT_EQ(new_->request_count(), 0u);
  HttpResponse after = Get("/s");
  ASSERT_TRUE(after.ok);
  EXPECT_EQ(after.status, 200);
  ASSERT_TRUE(old_->WaitForRequests(1, 2s));
  ASSERT_TRUE(new_->WaitForRequests(1, 2s));
  EXPECT_TRUE(WaitForRequestsCounted("/s", 1));
  EXPECT_EQ(old_->request_count(), 1u)
      << "a refused request reached old: " << old_->requests()[0].method << " "
      << old_->requests()[0].target;
  EXPECT_EQ(new_->request_count(), 1u);
  for (const RecordedRequest& req : old_->requests()) EXPECT_EQ(req.target, "/s");
}

const std::string kSmuggled = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
const std::string kChunkedSmuggle = "0\r\n\r\n" + kSmuggled;

INSTANTIATE_TEST_SUITE_P(
    Openings, SmugglingTest,
    ::testing::Values(
        SmuggleCase{
            "te_then_cl",
            "POST /s HTTP/1.1\r\nHost: p\r\nTransfer-Encoding: chunked\r\nContent-Length: " +
                std::to_string(kChunkedSmuggle.size()) + "\r\n\r\n" + kChunkedSmuggle,
            400},
        SmuggleCase{"cl_then_te",
                    "POST /s HTTP/1.1\r\nHost: p\r\nContent-Length: 4\r\nTransfer-Encoding: "
                    "chunked\r\n\r\n" +
                        kChunkedSmuggle,
                    400},
        SmuggleCase{"te_gzip",
                    "POST /s HTTP/1.1\r\nHost: p\r\nTransfer-Encoding: gzip\r\n\r\n" + kSmuggled,
                    400},
        SmuggleCase{"te_chunked_gzip",
                    "POST /s HTTP/1.1\r\nHost: p\r\nTransfer-Encoding: chunked, gzip\r\n\r\n" +
                        kChunkedSmuggle,
                    400},
        SmuggleCase{"te_gzip_chunked_with_cl",
                    "POST /s HTTP/1.1\r\nHost: p\r\nTransfer-Encoding: gzip, chunked\r\n"
                    "Content-Length: 5\r\n\r\n" +
                        kChunkedSmuggle,
                    400},
        SmuggleCase{"te_repeated",
                    "POST /s HTTP/1.1\r\nHost: p\r\nTransfer-Encoding: chunked\r\n"
                    "Transfer-Encoding: chunked\r\n\r\n" +
                        kChunkedSmuggle,
                    400},
        SmuggleCase{
            "te_obfuscated",
            "POST /s HTTP/1.1\r\nHost: p\r\nTransfer-Encoding: xchunked\r\n\r\n" + kChunkedSmuggle,
            400},
        SmuggleCase{
            "te_on_http10",
            "POST /s HTTP/1.0\r\nHost: p\r\nTransfer-Encoding: chunked\r\n\r\n" + kChunkedSmuggle,
            400},
        SmuggleCase{"cl_duplicate_equal",
                    "POST /s HTTP/1.1\r\nHost: p\r\nContent-Length: 5\r\nContent-Length: "
                    "5\r\n\r\nhello" +
                        kSmuggled,
                    400},
        SmuggleCase{"cl_duplicate_differing",
                    "POST /s HTTP/1.1\r\nHost: p\r\nContent-Length: 5\r\nContent-Length: "
                    "40\r\n\r\nhello" +
                        kSmuggled,
                    400},
        SmuggleCase{"cl_list",
                    "POST /s HTTP/1.1\r\nHost: p\r\nContent-Length: 5, 5\r\n\r\nhello" + kSmuggled,
                    400},
        SmuggleCase{"cl_signed",
                    "POST /s HTTP/1.1\r\nHost: p\r\nContent-Length: +5\r\n\r\nhello" + kSmuggled,
                    400},
        SmuggleCase{"obs_fold",
                    "GET /s HTTP/1.1\r\nHost: p\r\nX-A: 1\r\n Transfer-Encoding: chunked\r\n\r\n",
                    400},
        SmuggleCase{
            "space_before_colon",
            "POST /s HTTP/1.1\r\nHost: p\r\nTransfer-Encoding : chunked\r\n\r\n" + kChunkedSmuggle,
            400},
        SmuggleCase{"bare_lf", "GET /s HTTP/1.1\nHost: p\n\n", 400},
        SmuggleCase{"oversized_header",
                    "GET /s HTTP/1.1\r\nHost: p\r\nX-Big: " + std::string(16384, 'a') + "\r\n\r\n",
                    431},
        SmuggleCase{"malformed_request_line", "GET /s HTTP/1.1 extra\r\nHost: p\r\n\r\n", 400},
        SmuggleCase{"garbage_request_line", "\x16\x03\x01\x02 hello\r\n\r\n", 400},
        SmuggleCase{"missing_host", "GET /s HTTP/1.1\r\n\r\n", 400},
        SmuggleCase{"duplicate_host", "GET /s HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400}),
    [](const ::testing::TestParamInfo<SmuggleCase>& info) { return info.param.name; });

class BodyLimitTest : public ProxyFixture {};

// A body larger than limits.max_request_body_bytes: 413, nothing forwarded.
TEST_F(BodyLimitTest, BodyTooLargeIs413AndNothingForwarded) {
  ASSERT_TRUE(StartProxy(kConfig));
  RawClient client(port());
  client.Send(RequestBytes("POST", "/s", {}, std::string(200000, 'x')));
  HttpResponse r = client.ReadResponse();
  ASSERT_TRUE(r.ok) << client.buffered();
  EXPECT_EQ(r.status, 413);
  EXPECT_TRUE(client.WaitClosed(3s));
  EXPECT_EQ(old_->request_count(), 0u);
  EXPECT_EQ(new_->request_count(), 0u);
}

}  // namespace
}  // namespace shadowdiff::test
