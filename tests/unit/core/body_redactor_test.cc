#include "src/core/body_redactor.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "src/core/card_masker.h"
#include "src/core/config_loader.h"

namespace shadowdiff {
namespace {

// Rules as the config loader builds them from `redact:` entries.
std::vector<RedactRule> Rules(const std::string& yaml_list) {
  auto config = LoadConfigString("redact: " + yaml_list + "\n", "t.yaml");
  EXPECT_TRUE(config.ok()) << config.error().message;
  return config.ok() ? (*config)->redact : std::vector<RedactRule>{};
}

const HeaderList kJson = {{"Content-Type", "application/json"}};
const HeaderList kForm = {{"Content-Type", "application/x-www-form-urlencoded"}};
const HeaderList kText = {{"Content-Type", "text/plain"}};

std::string RedactedBody(const BodyRedactor& redactor, std::string bytes, const HeaderList& headers,
                         bool truncated = false) {
  ExampleBody body;
  body.bytes = std::move(bytes);
  body.truncated = truncated;
  redactor.RedactBody(body, headers);
  return body.bytes;
}

TEST(BodyRedactorTest, RemovesCvvAtAnyDepthAndMasksCards) {
  BodyRedactor redactor(Rules(R"(["$..cvv"])"));
  EXPECT_EQ(
      RedactedBody(redactor,
                   R"({"card": {"number": "4111 1111 1111 1111", "cvv": "123", "exp": "12/29"},
                             "cvv": 456, "items": [{"cvv": {"deep": 1}}, 2]})",
                   kJson),
      R"({"card":{"number":"4111 1100 0009 1111","exp":"12/29"},"items":[{},2]})");
}

TEST(BodyRedactorTest, NumbersKeepTheirExponentDigits) {
  // Found by the card_masker fuzzer: a 15-digit Luhn-valid run of zeros in an exponent was
  // masked to 1e...10000, a number no parser accepts. Only the mantissa is masked.
  BodyRedactor redactor(Rules(R"(["$..cvv"])"));
  EXPECT_EQ(RedactedBody(redactor, R"({"a": 0e000000000000000, "b": 4111111111111111e2})", kJson),
            R"({"a":0e000000000000000,"b":4111110000091111e2})");
}

TEST(BodyRedactorTest, RemovesExactPathsAndArrayElements) {
  BodyRedactor redactor(Rules(R"(["$.card.number", "$.a[*].b", "$.list[1]"])"));
  EXPECT_EQ(RedactedBody(redactor,
                         R"({"card":{"number":"x","number2":"y"},"number":1,
                             "a":[{"b":1,"c":2},{"b":[3]}],"list":[0,1,2]})",
                         kJson),
            R"({"card":{"number2":"y"},"number":1,"a":[{"c":2},{}],"list":[0,2]})");
}

TEST(BodyRedactorTest, MasksKeysNumbersAndEscapedStrings) {
  BodyRedactor redactor({});
  // A PAN as a key, as a JSON number, and spelled with \u escapes inside a string.
  EXPECT_EQ(
      RedactedBody(redactor,
                   R"({"5555555555554444":true,"n":4012888888881881,"s":"\u0034111111111111111"})",
                   {}),
      R"({"5555550000084444":true,"n":4012880000051881,"s":"4111110000091111"})");
}

TEST(BodyRedactorTest, RootRuleRemovesTheWholeBody) {
  BodyRedactor redactor(Rules(R"(["$"])"));
  EXPECT_EQ(RedactedBody(redactor, R"({"a":1})", kJson), "[redacted]");
}

TEST(BodyRedactorTest, BodiesWithoutRulesOrDigitsAreLeftAsSent) {
  BodyRedactor redactor({});
  EXPECT_EQ(RedactedBody(redactor, "{ \"a\" : 1 }", kJson), "{ \"a\" : 1 }");
}

TEST(BodyRedactorTest, FormBodiesDropRedactedPairsAndMaskCards) {
  BodyRedactor redactor(Rules(R"(["$..cvv", "$.card.cvc"])"));
  EXPECT_EQ(RedactedBody(redactor,
                         "card%5Bnumber%5D=4111+1111+1111+1111&cvv=123&card[cvc]=999&"
                         "items[0][cvv]=1&note=ok",
                         kForm),
            "card%5Bnumber%5D=4111+1100+0009+1111&note=ok");
  // Nothing to remove: every byte stays.
  EXPECT_EQ(RedactedBody(redactor, "a=1&&b=2&", kForm), "a=1&&b=2&");
}

TEST(BodyRedactorTest, UnparseableBodyThatMightHoldARedactedFieldIsDropped) {
  BodyRedactor redactor(Rules(R"(["$..cvv"])"));
  // A truncated JSON body: cannot be edited, and "cvv" occurs in it.
  EXPECT_EQ(RedactedBody(redactor, R"({"card":{"cvv":"123","number":"41)", kJson, true),
            kUnscannableBody);
  // Invalid JSON, same.
  EXPECT_EQ(RedactedBody(redactor, R"({"CVV": 123,})", kJson), kUnscannableBody);
  // A truncated form body.
  EXPECT_EQ(RedactedBody(redactor, "cvv=123&card=41", kForm, true), kUnscannableBody);
  // Escapes could spell the key.
  EXPECT_EQ(RedactedBody(redactor, R"({"c\u0076v": 1)", kJson, true), kUnscannableBody);
}

TEST(BodyRedactorTest, UnparseableBodyWithoutTheKeysIsMaskedAsText) {
  BodyRedactor redactor(Rules(R"(["$..cvv", "$.card.secret"])"));
  EXPECT_EQ(RedactedBody(redactor, R"({"number":"4111111111111111","sec)", kJson, true),
            R"({"number":"4111110000091111","sec)");
  EXPECT_EQ(RedactedBody(redactor, "paid with 5555-5555-5555-4444, thanks", kText),
            "paid with 5555-5500-0008-4444, thanks");
  // "card" alone does not make $.card.secret possible: both keys must occur.
  EXPECT_EQ(RedactedBody(redactor, "card 4111111111111111", kText), "card 4111110000091111");
}

TEST(BodyRedactorTest, RuleWithoutPlainKeysDropsEveryUnparseableBody) {
  BodyRedactor redactor(Rules(R"(["$.items[0]"])"));
  EXPECT_EQ(RedactedBody(redactor, "hello", kText), "hello");  // "items" does not occur
  BodyRedactor any(Rules(R"(["$..*"])"));
  EXPECT_EQ(RedactedBody(any, "hello", kText), kUnscannableBody);
}

TEST(BodyRedactorTest, StillEncodedBodiesAreDropped) {
  BodyRedactor redactor({});
  ExampleBody body;
  body.bytes = "\x1f\x8b not really gzip 4111111111111111";
  redactor.RedactBody(body, {{"Content-Encoding", "gzip"}});
  EXPECT_EQ(body.bytes, kEncodedBody);
  body.bytes = "4111111111111111";
  redactor.RedactBody(body, {{"Content-Encoding", " identity "}});
  EXPECT_EQ(body.bytes, "4111110000091111");
  body.bytes = "decoded 4111111111111111";
  body.decoded = true;
  redactor.RedactBody(body, {{"Content-Encoding", "gzip"}});
  EXPECT_EQ(body.bytes, "decoded 4111110000091111");
}

TEST(BodyRedactorTest, TargetQueryDropsRedactedParametersAndMasksCards) {
  BodyRedactor redactor(Rules(R"(["$..cvv"])"));
  std::string target = "/pay/4111111111111111?pan=5555%205555%205555%204444&cvv=123&x=1";
  redactor.RedactTarget(target);
  EXPECT_EQ(target, "/pay/4111110000091111?pan=5555%205500%200008%204444&x=1");
  BodyRedactor no_rules({});
  std::string plain = "/a?cvv=1";
  no_rules.RedactTarget(plain);
  EXPECT_EQ(plain, "/a?cvv=1");
}

TEST(BodyRedactorTest, DiffUnderARedactedPathShowsOnlyThatItDiffers) {
  BodyRedactor redactor(Rules(R"(["$..cvv"])"));
  Diff under{"$.card.cvv", DiffKind::kValue, "\"123\"", "\"456\""};
  redactor.RedactDiff(under);
  EXPECT_EQ(under.old_value, "\"[redacted]\"");
  EXPECT_EQ(under.new_value, "\"[redacted]\"");
  Diff deeper{"$.cvv.a[2]", DiffKind::kMissing, "1", ""};
  redactor.RedactDiff(deeper);
  EXPECT_EQ(deeper.old_value, "\"[redacted]\"");
  EXPECT_EQ(deeper.new_value, "");  // an absent side stays absent
  Diff form{"form:card[cvv]", DiffKind::kValue, "\"1\"", "\"2\""};
  redactor.RedactDiff(form);
  EXPECT_EQ(form.new_value, "\"[redacted]\"");
  Diff text{"body", DiffKind::kValue, "\"...cvv=123\"", "\"...cvv=456\""};
  redactor.RedactDiff(text);
  EXPECT_EQ(text.old_value, "\"[redacted]\"");
}

TEST(BodyRedactorTest, DiffAboveARedactedPathLosesTheFieldAndMasksCards) {
  BodyRedactor redactor(Rules(R"(["$..cvv", "$.card.holder"])"));
  Diff diff{"$.card", DiffKind::kType, R"({"number":"4111111111111111","cvv":"123","holder":"A"})",
            "null"};
  redactor.RedactDiff(diff);
  EXPECT_EQ(diff.old_value, R"({"number":"4111110000091111"})");
  EXPECT_EQ(diff.new_value, "null");
  Diff element{"$.cards[3]", DiffKind::kExtra, "", R"({"holder":"B","cvv":1})"};
  redactor.RedactDiff(element);
  EXPECT_EQ(element.new_value, R"({"holder":"B"})");  // $.card.holder is not $.cards[3].holder
  Diff header{"header:x-card", DiffKind::kValue, "\"4111-1111-1111-1111\"", "\"x\""};
  redactor.RedactDiff(header);
  EXPECT_EQ(header.old_value, "\"4111-1100-0009-1111\"");
}

// RapidJSON decodes a lone low surrogate escape into bytes that are not UTF-8; a rewritten
// value must never carry them (found by the card_masker fuzzer): such text is masked or
// dropped as it was sent, its escapes plain ASCII.
TEST(BodyRedactorTest, LoneSurrogateEscapesNeverBecomeInvalidUtf8) {
  BodyRedactor redactor(Rules(R"(["$..cvv"])"));
  const std::string fuzzed = R"("-\uDDDD@\uD1111000000000000007")";
  const std::string lone = R"("\udc00 4111111111111111")";
  Diff diff{"$.a", DiffKind::kValue, fuzzed, lone};
  redactor.RedactDiff(diff);
  EXPECT_EQ(diff.old_value, MaskCardNumbers(fuzzed));
  EXPECT_EQ(diff.new_value, MaskCardNumbers(lone));
  EXPECT_NE(diff.new_value, lone);  // the card number was masked
  // A body that may hold "cvv" behind an escape is dropped, never half-read.
  const std::string body = R"({"n":"\udc00 4111111111111111"})";
  EXPECT_EQ(RedactedBody(redactor, body, kJson), kUnscannableBody);
  BodyRedactor cards_only({});
  EXPECT_EQ(RedactedBody(cards_only, body, kJson), MaskCardNumbers(body));
}

TEST(BodyRedactorTest, DiffPathsAreMasked) {
  BodyRedactor redactor({});
  Diff diff{"$['4111111111111111'].x", DiffKind::kValue, "1", "2"};
  redactor.RedactDiff(diff);
  EXPECT_EQ(diff.path, "$['4111110000091111'].x");
  EXPECT_EQ(diff.old_value, "1");
}

TEST(BodyRedactorTest, BadRedactPathIsAConfigErrorWithItsPosition) {
  auto config = LoadConfigString("listen: 127.0.0.1:0\nredact:\n  - \"$.a[\"\n", "t.yaml");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message.find("t.yaml:3:5"), std::string::npos) << config.error().message;
  EXPECT_NE(config.error().message.find("JSONPath"), std::string::npos);
}

}  // namespace
}  // namespace shadowdiff
