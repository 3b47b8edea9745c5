#include "src/rollback/signature.h"

#include <gtest/gtest.h>

namespace shadowdiff::rollback {
namespace {

const SignedFields kFields{"sd-1", "rollback", "POST", "/merchants/m1/customers?x=1"};

TEST(SignatureTest, KnownVector) {
  // Computed independently: printf '1700000000.sd-1.rollback.POST./merchants/m1/customers?x=1'
  //   | openssl dgst -sha256 -hmac s3cret
  EXPECT_EQ(SigningMessage(1700000000, kFields),
            "1700000000.sd-1.rollback.POST./merchants/m1/customers?x=1");
  EXPECT_EQ(Sign("s3cret", 1700000000, kFields),
            "t=1700000000,v1=ee8d52cab5fa4a4efca36d8f25421596515dbc2380497c6bd5baccbc9cf65e03");
}

TEST(SignatureTest, VerifiesWithinTolerance) {
  std::string header = Sign("s3cret", 1700000000, kFields);
  EXPECT_TRUE(Verify(header, "s3cret", kFields, 1700000000).ok());
  EXPECT_TRUE(Verify(header, "s3cret", kFields, 1700000300).ok());
  EXPECT_TRUE(Verify(header, "s3cret", kFields, 1699999700).ok());
  EXPECT_EQ(Verify(header, "s3cret", kFields, 1700000301).error().message,
            "stale Shadow-Signature: t is more than 300 s from now (check the clocks)");
}

TEST(SignatureTest, RejectsAnyChange) {
  std::string header = Sign("s3cret", 1700000000, kFields);
  EXPECT_FALSE(Verify(header, "other", kFields, 1700000000).ok());
  SignedFields altered = kFields;
  altered.mode = "compare";
  EXPECT_EQ(Verify(header, "s3cret", altered, 1700000000).error().message,
            "Shadow-Signature does not match (wrong secret, or the request was altered)");
  altered = kFields;
  altered.request_target = "/merchants/m1/customers?x=2";
  EXPECT_FALSE(Verify(header, "s3cret", altered, 1700000000).ok());
}

TEST(SignatureTest, MalformedHeaders) {
  for (const char* bad : {"", "v1=abc", "t=,v1=00", "t=12x,v1=00", "t=1700000000",
                          "t=1700000000,v2=00", "t=1700000000,v1=abc"}) {
    Status s = Verify(bad, "s3cret", kFields, 1700000000);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.error().message.rfind("malformed Shadow-Signature", 0), 0u) << bad;
  }
}

}  // namespace
}  // namespace shadowdiff::rollback
