#include "comparators/body_codec/content_decoder.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/unit/comparators/body_codec/zlib_compress.h"

namespace shadowdiff {
namespace {

using testing::Compress;
using testing::Gzip;
using testing::ZFormat;

constexpr size_t kCap = 1 << 20;
const std::string kJson = R"({"customer":{"email":"a@x.com","tags":["a","b"]}})";

class ContentDecoderTest : public ::testing::Test {
 protected:
  DecodedBody Decode(std::string_view body, std::string_view encoding, size_t cap = kCap) {
    return DecodeContent(body, encoding, cap, buffers_);
  }
  DecodeBuffers buffers_;
};

TEST_F(ContentDecoderTest, NoEncodingViewsTheInput) {
  DecodedBody d = Decode(kJson, "");
  EXPECT_EQ(d.problem, BodyProblem::kNone);
  EXPECT_EQ(d.bytes, kJson);
  EXPECT_EQ(d.bytes.data(), kJson.data());
}

TEST_F(ContentDecoderTest, IdentityIsANoOp) {
  DecodedBody d = Decode(kJson, " Identity ");
  EXPECT_EQ(d.problem, BodyProblem::kNone);
  EXPECT_EQ(d.bytes.data(), kJson.data());
}

TEST_F(ContentDecoderTest, GzipRoundTrip) {
  std::string gz = Gzip(kJson);
  DecodedBody d = Decode(gz, "gzip");
  EXPECT_EQ(d.problem, BodyProblem::kNone) << d.detail;
  EXPECT_EQ(d.bytes, kJson);
}

TEST_F(ContentDecoderTest, XGzipAndCaseInsensitiveNames) {
  std::string gz = Gzip(kJson);
  EXPECT_EQ(Decode(gz, "x-gzip").bytes, kJson);
  EXPECT_EQ(Decode(gz, "GZIP").bytes, kJson);
}

TEST_F(ContentDecoderTest, DeflateZlibWrapped) {
  std::string z = Compress(kJson, ZFormat::kZlib);
  DecodedBody d = Decode(z, "deflate");
  EXPECT_EQ(d.problem, BodyProblem::kNone) << d.detail;
  EXPECT_EQ(d.bytes, kJson);
}

TEST_F(ContentDecoderTest, DeflateRawAsSomeServersSend) {
  std::string raw = Compress(kJson, ZFormat::kRawDeflate);
  DecodedBody d = Decode(raw, "deflate");
  EXPECT_EQ(d.problem, BodyProblem::kNone) << d.detail;
  EXPECT_EQ(d.bytes, kJson);
}

TEST_F(ContentDecoderTest, ChainedCodingsAreUndoneInReverse) {
  // "deflate, gzip": deflated first, then gzipped; undo gzip first.
  std::string body = Gzip(Compress(kJson, ZFormat::kZlib));
  DecodedBody d = Decode(body, "deflate, identity,gzip");
  EXPECT_EQ(d.problem, BodyProblem::kNone) << d.detail;
  EXPECT_EQ(d.bytes, kJson);
  // The wrong order fails instead of guessing.
  EXPECT_EQ(Decode(body, "gzip, deflate").problem, BodyProblem::kDecodeError);
}

TEST_F(ContentDecoderTest, ConcatenatedGzipMembers) {
  std::string body = Gzip("hello, ") + Gzip("world");
  DecodedBody d = Decode(body, "gzip");
  EXPECT_EQ(d.problem, BodyProblem::kNone) << d.detail;
  EXPECT_EQ(d.bytes, "hello, world");
}

TEST_F(ContentDecoderTest, UnknownCodingIsADecodeErrorNamingIt) {
  DecodedBody d = Decode("xyz", "gzip, br");
  EXPECT_EQ(d.problem, BodyProblem::kDecodeError);
  EXPECT_EQ(d.detail,
            "unsupported Content-Encoding 'br' (shadowdiff decodes gzip, x-gzip, deflate, "
            "identity)");
  EXPECT_EQ(d.bytes, "xyz");
}

TEST_F(ContentDecoderTest, TooManyCodings) {
  DecodedBody d = Decode("xyz", "gzip,gzip,gzip,gzip,gzip,gzip,gzip,gzip,gzip");
  EXPECT_EQ(d.problem, BodyProblem::kDecodeError);
  EXPECT_EQ(d.detail, "more than 8 Content-Encodings");
}

TEST_F(ContentDecoderTest, EmptyBodyDecodesToEmpty) {
  DecodedBody d = Decode("", "gzip");
  EXPECT_EQ(d.problem, BodyProblem::kNone);
  EXPECT_EQ(d.bytes, "");
}

TEST_F(ContentDecoderTest, TruncatedGzipIsADecodeError) {
  std::string gz = Gzip(std::string(5000, 'x') + kJson);
  gz.resize(gz.size() - 6);
  DecodedBody d = Decode(gz, "gzip");
  EXPECT_EQ(d.problem, BodyProblem::kDecodeError);
  EXPECT_NE(d.detail.find("gzip: truncated stream"), std::string::npos) << d.detail;
  EXPECT_EQ(d.bytes, gz);  // the input, as received
}

TEST_F(ContentDecoderTest, CorruptGzipIsADecodeError) {
  std::string gz = Gzip(kJson);
  gz[12] = static_cast<char>(gz[12] ^ 0xFF);
  gz[13] = static_cast<char>(gz[13] ^ 0xFF);
  DecodedBody d = Decode(gz, "gzip");
  EXPECT_EQ(d.problem, BodyProblem::kDecodeError);
  EXPECT_EQ(d.detail.rfind("gzip: ", 0), 0u) << d.detail;
}

TEST_F(ContentDecoderTest, BadGzipChecksumIsADecodeError) {
  std::string gz = Gzip(kJson);
  gz[gz.size() - 6] = static_cast<char>(gz[gz.size() - 6] ^ 0x01);  // CRC32 trailer
  DecodedBody d = Decode(gz, "gzip");
  EXPECT_EQ(d.problem, BodyProblem::kDecodeError);
  EXPECT_NE(d.detail.find("corrupt data"), std::string::npos) << d.detail;
}

TEST_F(ContentDecoderTest, PlainTextLabelledGzipIsADecodeError) {
  DecodedBody d = Decode(kJson, "gzip");
  EXPECT_EQ(d.problem, BodyProblem::kDecodeError);
  EXPECT_EQ(d.detail, "gzip: corrupt data (incorrect header check)");
}

TEST_F(ContentDecoderTest, TrailingBytesAfterDeflateAreAnError) {
  std::string z = Compress(kJson, ZFormat::kZlib) + "junk";
  DecodedBody d = Decode(z, "deflate");
  EXPECT_EQ(d.problem, BodyProblem::kDecodeError);
  EXPECT_EQ(d.detail, "deflate: 4 trailing bytes after the stream");
}

TEST_F(ContentDecoderTest, ExactlyAtTheCapIsFine) {
  std::string data(4096, 'a');
  DecodedBody d = Decode(Gzip(data), "gzip", 4096);
  EXPECT_EQ(d.problem, BodyProblem::kNone) << d.detail;
  EXPECT_EQ(d.bytes.size(), 4096u);
}

TEST_F(ContentDecoderTest, OneByteOverTheCapIsTooLarge) {
  std::string data(4097, 'a');
  DecodedBody d = Decode(Gzip(data), "gzip", 4096);
  EXPECT_EQ(d.problem, BodyProblem::kTooLarge);
  EXPECT_EQ(d.detail, "gzip: decoded body exceeds the 4096-byte cap");
  EXPECT_EQ(d.bytes, data.substr(0, 4096));
}

TEST_F(ContentDecoderTest, DecompressionBombStopsAtTheCapWithoutGrowingPastIt) {
  std::string bomb = Gzip(std::string(64 << 20, '\0'));  // 64 MiB of zeros, ~64 KiB gzipped
  ASSERT_LT(bomb.size(), 100u * 1024);
  DecodedBody d = Decode(bomb, "gzip", kCap);
  EXPECT_EQ(d.problem, BodyProblem::kTooLarge);
  EXPECT_EQ(d.bytes.size(), kCap);
  EXPECT_LE(buffers_.a.capacity(), kCap);
  EXPECT_LE(buffers_.b.capacity(), kCap);
}

TEST_F(ContentDecoderTest, NestedBombStopsAtTheCapToo) {
  std::string bomb = Gzip(Gzip(std::string(64 << 20, '\0')));
  DecodedBody d = Decode(bomb, "gzip, gzip", kCap);
  EXPECT_EQ(d.problem, BodyProblem::kTooLarge);
  EXPECT_EQ(d.bytes.size(), kCap);
  EXPECT_LE(buffers_.a.capacity(), kCap);
  EXPECT_LE(buffers_.b.capacity(), kCap);
}

TEST_F(ContentDecoderTest, BuffersAreReusedAcrossCalls) {
  std::string big(300 * 1024, 'q');
  EXPECT_EQ(Decode(Gzip(big), "gzip").bytes, big);
  EXPECT_EQ(Decode(Gzip(kJson), "gzip").bytes, kJson);
  EXPECT_EQ(Decode(Compress(big, ZFormat::kRawDeflate), "deflate").bytes, big);
}

}  // namespace
}  // namespace shadowdiff
