// Admit (the Shadow-* headers of a request) and IsTransactionControl (the guard in front of
// RequestTransaction::Exec): pure functions, no database.
#include <gtest/gtest.h>

#include <cctype>
#include <ctime>
#include <map>
#include <string>
#include <vector>

#include "src/rollback/protocol.h"
#include "src/rollback/rollback.h"
#include "src/rollback/signature.h"

namespace shadowdiff::rollback {
namespace {

constexpr int64_t kNow = 1'700'000'000;
constexpr char kSecret[] = "s3cret";
constexpr char kMethod[] = "POST";
constexpr char kTarget[] = "/orders?from=web&x=%2F";

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A request whose headers are looked up case-insensitively, as an HTTP stack does. Records
// the names the library asked for in `asked` (when given).
RequestView Request(const std::map<std::string, std::string>& headers,
                    std::vector<std::string>* asked = nullptr) {
  std::map<std::string, std::string> by_lower_name;
  for (const auto& [name, value] : headers) by_lower_name[Lower(name)] = value;
  return RequestView{.method = kMethod,
                     .target = kTarget,
                     .header = [by_lower_name = std::move(by_lower_name),
                                asked](std::string_view name) -> std::optional<std::string_view> {
                       if (asked != nullptr) asked->emplace_back(name);
                       auto it = by_lower_name.find(Lower(name));
                       if (it == by_lower_name.end()) return std::nullopt;
                       return std::string_view(it->second);
                     }};
}

ServiceOptions WithSecret(std::string secret = kSecret) {
  ServiceOptions options;
  options.secret = std::move(secret);
  options.now_unix_seconds = [] { return kNow; };
  return options;
}

std::string SignatureFor(std::string_view id, std::string_view mode, int64_t t = kNow,
                         std::string_view secret = kSecret, std::string_view method = kMethod,
                         std::string_view target = kTarget) {
  return Sign(secret, t, SignedFields{id, mode, method, target});
}

std::map<std::string, std::string> ShadowHeaders(std::string id, std::string mode,
                                                 std::string signature) {
  return {{"Shadow-Id", std::move(id)},
          {"Shadow-Mode", std::move(mode)},
          {"Shadow-Signature", std::move(signature)}};
}

// The error of a request expected to be refused.
std::string Refusal(const Result<ShadowContext>& admitted) {
  if (admitted.ok()) return "<admitted>";
  return admitted.error().message;
}

TEST(Admit, NoShadowHeadersIsALiveRequest) {
  for (const ServiceOptions& options : {ServiceOptions(), WithSecret()}) {
    auto admitted = Admit(Request({{"Content-Type", "application/json"}}), options);
    ASSERT_TRUE(admitted.ok()) << admitted.error().message;
    EXPECT_FALSE(admitted->is_shadow());
    EXPECT_FALSE(admitted->is_rollback());
    EXPECT_EQ(admitted->mode(), ShadowMode::kNone);
  }
}

TEST(Admit, RequestWithoutHeaderCallbackIsLive) {
  auto admitted = Admit(RequestView{.method = "GET", .target = "/", .header = {}}, WithSecret());
  ASSERT_TRUE(admitted.ok()) << admitted.error().message;
  EXPECT_FALSE(admitted->is_shadow());
}

TEST(Admit, SignedRollbackAndCompareAreAdmitted) {
  auto rollback = Admit(
      Request(ShadowHeaders("id-1", "rollback", SignatureFor("id-1", "rollback"))), WithSecret());
  ASSERT_TRUE(rollback.ok()) << rollback.error().message;
  EXPECT_EQ(rollback->mode(), ShadowMode::kRollback);
  EXPECT_TRUE(rollback->is_rollback());
  EXPECT_TRUE(rollback->is_shadow());
  EXPECT_EQ(rollback->shadow_id(), "id-1");

  auto compare = Admit(Request(ShadowHeaders("id-2", "compare", SignatureFor("id-2", "compare"))),
                       WithSecret());
  ASSERT_TRUE(compare.ok()) << compare.error().message;
  EXPECT_EQ(compare->mode(), ShadowMode::kCompare);
  EXPECT_TRUE(compare->is_shadow());
  EXPECT_FALSE(compare->is_rollback());
  EXPECT_EQ(compare->shadow_id(), "id-2");
}

TEST(Admit, HeaderNamesAreCaseInsensitiveAndFromProtocolH) {
  std::vector<std::string> asked;
  auto admitted = Admit(Request({{"SHADOW-ID", "id-3"},
                                 {"shadow-mode", "rollback"},
                                 {"sHaDoW-sIgNaTuRe", SignatureFor("id-3", "rollback")}},
                                &asked),
                        WithSecret());
  ASSERT_TRUE(admitted.ok()) << admitted.error().message;
  EXPECT_TRUE(admitted->is_rollback());
  EXPECT_EQ(admitted->shadow_id(), "id-3");
  EXPECT_EQ(asked,
            (std::vector<std::string>{std::string(kShadowModeHeader), std::string(kShadowIdHeader),
                                      std::string(kShadowSignatureHeader)}));
}

TEST(Admit, ForgedSignatureIsRefusedWithoutRevealingTheExpectedOne) {
  const std::string expected = SignatureFor("id-4", "rollback");
  const std::string expected_hex = expected.substr(expected.find("v1=") + 3);
  struct Case {
    const char* what;
    std::string signature;
  };
  const std::vector<Case> cases = {
      {"other secret", SignatureFor("id-4", "rollback", kNow, "guess")},
      {"signed for compare", SignatureFor("id-4", "compare")},
      {"signed for another id", SignatureFor("id-5", "rollback")},
      {"signed for another method", SignatureFor("id-4", "rollback", kNow, kSecret, "GET")},
      {"signed for another target", SignatureFor("id-4", "rollback", kNow, kSecret, kMethod, "/")},
      {"other t than signed",
       "t=" + std::to_string(kNow - 1) + expected.substr(expected.find(','))},
      {"zero digest", "t=" + std::to_string(kNow) + ",v1=" + std::string(64, '0')},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    auto admitted = Admit(Request(ShadowHeaders("id-4", "rollback", c.signature)), WithSecret());
    const std::string message = Refusal(admitted);
    EXPECT_NE(message.find("does not match"), std::string::npos) << message;
    EXPECT_EQ(message.find(expected_hex), std::string::npos) << message;
  }
}

TEST(Admit, StaleSignatureIsRefusedBeyondTheToleranceInBothDirections) {
  for (int64_t t : {kNow - 301, kNow + 301, kNow - 86400, int64_t{0}}) {
    SCOPED_TRACE(t);
    auto admitted =
        Admit(Request(ShadowHeaders("id-6", "rollback", SignatureFor("id-6", "rollback", t))),
              WithSecret());
    const std::string message = Refusal(admitted);
    EXPECT_NE(message.find("stale"), std::string::npos) << message;
  }
  for (int64_t t : {kNow - 300, kNow + 300}) {
    SCOPED_TRACE(t);
    auto admitted =
        Admit(Request(ShadowHeaders("id-6", "rollback", SignatureFor("id-6", "rollback", t))),
              WithSecret());
    EXPECT_TRUE(admitted.ok()) << Refusal(admitted);
  }
}

TEST(Admit, ToleranceComesFromTheOptions) {
  ServiceOptions options = WithSecret();
  options.tolerance_seconds = 10;
  auto admitted =
      Admit(Request(ShadowHeaders("id-7", "rollback", SignatureFor("id-7", "rollback", kNow - 11))),
            options);
  EXPECT_NE(Refusal(admitted).find("stale"), std::string::npos) << Refusal(admitted);
}

TEST(Admit, DefaultClockIsTheSystemClock) {
  ServiceOptions options;
  options.secret = kSecret;  // no injected clock
  const int64_t now = static_cast<int64_t>(time(nullptr));
  auto fresh = Admit(
      Request(ShadowHeaders("id-8", "rollback", SignatureFor("id-8", "rollback", now))), options);
  EXPECT_TRUE(fresh.ok()) << Refusal(fresh);
  auto old = Admit(
      Request(ShadowHeaders("id-8", "rollback", SignatureFor("id-8", "rollback", kNow))), options);
  EXPECT_NE(Refusal(old).find("stale"), std::string::npos) << Refusal(old);
}

TEST(Admit, MissingSignatureIsRefusedWhenASecretIsConfigured) {
  auto admitted =
      Admit(Request({{"Shadow-Id", "id-9"}, {"Shadow-Mode", "rollback"}}), WithSecret());
  const std::string message = Refusal(admitted);
  EXPECT_NE(message.find("missing Shadow-Signature"), std::string::npos) << message;
}

TEST(Admit, MalformedSignatureIsRefused) {
  const std::string good = SignatureFor("id-10", "rollback");
  for (const std::string& signature :
       {std::string(""), std::string("garbage"), "v1=" + good.substr(good.find("v1=") + 3),
        "t=soon" + good.substr(good.find(',')), good.substr(0, good.find(',')),
        good.substr(0, good.size() - 1), good + "0", good + ",v0=abc"}) {
    SCOPED_TRACE(signature);
    auto admitted = Admit(Request(ShadowHeaders("id-10", "rollback", signature)), WithSecret());
    const std::string message = Refusal(admitted);
    EXPECT_NE(message.find("malformed"), std::string::npos) << message;
  }
}

TEST(Admit, UnknownModeIsRefused) {
  for (const char* mode : {"ROLLBACK", "Rollback", "delete", "", "rollback ", "none"}) {
    SCOPED_TRACE(mode);
    for (const ServiceOptions& options : {ServiceOptions(), WithSecret()}) {
      auto admitted =
          Admit(Request(ShadowHeaders("id-11", mode, SignatureFor("id-11", mode))), options);
      EXPECT_NE(Refusal(admitted).find("unknown Shadow-Mode"), std::string::npos)
          << Refusal(admitted);
    }
  }
}

TEST(Admit, ShadowIdOrSignatureWithoutModeIsRefused) {
  for (const ServiceOptions& options : {ServiceOptions(), WithSecret()}) {
    auto id_only = Admit(Request({{"Shadow-Id", "id-12"}}), options);
    EXPECT_NE(Refusal(id_only).find("Shadow-Id without Shadow-Mode"), std::string::npos)
        << Refusal(id_only);
    auto signature_only =
        Admit(Request({{"Shadow-Signature", SignatureFor("id-12", "rollback")}}), options);
    EXPECT_NE(Refusal(signature_only).find("Shadow-Signature without Shadow-Mode"),
              std::string::npos)
        << Refusal(signature_only);
  }
}

TEST(Admit, ModeWithoutShadowIdIsRefused) {
  for (const ServiceOptions& options : {ServiceOptions(), WithSecret()}) {
    auto missing = Admit(
        Request({{"Shadow-Mode", "rollback"}, {"Shadow-Signature", SignatureFor("", "rollback")}}),
        options);
    EXPECT_NE(Refusal(missing).find("without Shadow-Id"), std::string::npos) << Refusal(missing);
    auto empty =
        Admit(Request(ShadowHeaders("", "rollback", SignatureFor("", "rollback"))), options);
    EXPECT_NE(Refusal(empty).find("without Shadow-Id"), std::string::npos) << Refusal(empty);
  }
}

// The id is echoed in the Shadow-Rolled-Back response header: no header injection.
TEST(Admit, ShadowIdThatIsNotAHarmlessHeaderValueIsRefused) {
  for (const std::string& id : {std::string("a\r\nSet-Cookie: x=1"), std::string("a b"),
                                std::string("caf\xc3\xa9"), std::string(201, 'x')}) {
    SCOPED_TRACE(id);
    auto admitted =
        Admit(Request(ShadowHeaders(id, "rollback", SignatureFor(id, "rollback"))), WithSecret());
    EXPECT_NE(Refusal(admitted).find("invalid Shadow-Id"), std::string::npos) << Refusal(admitted);
  }
  const std::string longest(200, 'x');
  auto admitted = Admit(
      Request(ShadowHeaders(longest, "rollback", SignatureFor(longest, "rollback"))), WithSecret());
  EXPECT_TRUE(admitted.ok()) << Refusal(admitted);
}

// Without a secret, rollback is still honoured: rolling back is the safe direction.
TEST(Admit, WithoutASecretShadowRequestsAreHonouredUnsigned) {
  auto unsigned_rollback =
      Admit(Request({{"Shadow-Id", "id-13"}, {"Shadow-Mode", "rollback"}}), ServiceOptions());
  ASSERT_TRUE(unsigned_rollback.ok()) << unsigned_rollback.error().message;
  EXPECT_TRUE(unsigned_rollback->is_rollback());
  EXPECT_EQ(unsigned_rollback->shadow_id(), "id-13");

  auto garbage_signature =
      Admit(Request(ShadowHeaders("id-14", "rollback", "garbage")), ServiceOptions());
  ASSERT_TRUE(garbage_signature.ok()) << garbage_signature.error().message;
  EXPECT_TRUE(garbage_signature->is_rollback());

  auto compare =
      Admit(Request({{"Shadow-Id", "id-15"}, {"Shadow-Mode", "compare"}}), ServiceOptions());
  ASSERT_TRUE(compare.ok()) << compare.error().message;
  EXPECT_EQ(compare->mode(), ShadowMode::kCompare);
}

// ---- IsTransactionControl ----------------------------------------------------------------

TEST(IsTransactionControl, RefusesEveryTransactionControlStatement) {
  for (const char* sql : {
           "BEGIN",
           "begin",
           "BeGiN ISOLATION LEVEL SERIALIZABLE",
           "BEGIN;",
           "BEGIN WORK",
           "START TRANSACTION",
           "start transaction read only",
           "COMMIT",
           "commit",
           "COMMIT;",
           "COMMIT AND CHAIN",
           "COMMIT WORK",
           "END",
           "end transaction",
           "ROLLBACK",
           "rollback",
           "ROLLBACK AND CHAIN",
           "ABORT",
           "abort",
           "SAVEPOINT a",
           "savepoint a",
           "RELEASE SAVEPOINT a",
           "RELEASE a",
           "ROLLBACK TO SAVEPOINT a",
           "ROLLBACK TO a",
           "PREPARE TRANSACTION 'gid'",
           "prepare transaction 'gid'",
           "PREPARE/**/TRANSACTION 'gid'",
           "PREPARE\n-- c\nTRANSACTION 'gid'",
           "COMMIT PREPARED 'gid'",
           "ROLLBACK PREPARED 'gid'",
           // Whitespace, comments and empty statements before the keyword.
           "  \t\n\r\f\vCOMMIT",
           "/* x */ COMMIT",
           "/* x */COMMIT",
           "/**/COMMIT",
           "-- comment\nCOMMIT",
           "-- comment\rCOMMIT",
           "/* a /* nested */ b */ COMMIT",
           "/* /* */ */ COMMIT",
           "/*/ COMMIT */ COMMIT",
           "/* ** */ COMMIT",
           ";COMMIT",
           "; ; /* x */ ;\nCOMMIT",
           "COMMIT -- trailing",
           "commit/* x */",
       }) {
    EXPECT_TRUE(IsTransactionControl(sql)) << sql;
  }
}

TEST(IsTransactionControl, AllowsOrdinaryStatements) {
  for (const char* sql : {
           "SELECT 1",
           "select 'COMMIT'",
           "INSERT INTO t VALUES ('BEGIN')",
           "UPDATE commit SET x = 1",
           "PREPARE p AS SELECT 1",
           "prepare transactions AS SELECT 1",
           "PREPARE p (int) AS SELECT $1",
           "EXECUTE p",
           "DEALLOCATE p",
           "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE",
           "SET LOCAL lock_timeout = 1",
           "WITH x AS (SELECT 1) SELECT * FROM x",
           "committed",
           "COMMIT_x",
           "COMMIT$",
           "ENDING",
           "beginning",
           "aborted",
           "released",
           "starting",
           "rollbacks",
           "\"COMMIT\"",
           "-- COMMIT\nSELECT 1",
           "/* COMMIT */ SELECT 1",
           "/* /* COMMIT */ */ SELECT 1",
           "DO $$BEGIN COMMIT; END$$",
           "CALL p()",
           "",
           "   ",
           "-- only a comment",
           "/* unterminated COMMIT",
           "COMMIT\xc3\xa9",
           "(COMMIT)",
           "SELECT 1; COMMIT",  // multiple statements: PostgreSQL refuses them in Exec
       }) {
    EXPECT_FALSE(IsTransactionControl(sql)) << sql;
  }
}

}  // namespace
}  // namespace shadowdiff::rollback
