// Hostile input: each is refused quickly, with bounded memory and a clear error. The big and
// deep inputs are generated here, never committed.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "src/core/config_loader.h"
#include "tests/unit/core/config_test_util.h"

namespace shadowdiff {
namespace {

using testing::LoadErrors;

class ScopedTempFile {
 public:
  explicit ScopedTempFile(std::string_view name)
      : path_(std::filesystem::temp_directory_path() /
              (std::string(name) + "." + std::to_string(::getpid()))) {}
  ~ScopedTempFile() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

TEST(ConfigHostileTest, HugeFileIsRefusedBeforeReading) {
  ScopedTempFile file("shadowdiff_huge.yaml");
  {
    std::ofstream out(file.path(), std::ios::binary);
    out << "a: 1\n";
  }
  std::filesystem::resize_file(file.path(), 100u << 20);  // sparse: 100 MiB of NULs
  const auto start = std::chrono::steady_clock::now();
  auto result = LoadConfigFile(file.path());
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message,
            file.path() +
                ": the file is 104857600 bytes; a config may be at most 4194304 bytes (4 MiB) — "
                "is this the right file?");
  EXPECT_LT(elapsed, std::chrono::milliseconds(50));
}

TEST(ConfigHostileTest, HugeStringIsRefused) {
  const std::string text(kMaxConfigBytes + 1, '#');
  EXPECT_EQ(LoadErrors(text),
            "t.yaml: the file is 4194305 bytes; a config may be at most 4194304 bytes (4 MiB) — "
            "is this the right file?");
}

TEST(ConfigHostileTest, EmptyFile) {
  const std::string expected =
      "t.yaml:1:1: the file is empty; expected a mapping with at least `endpoints:` (see the "
      "example endpoints.yaml)";
  EXPECT_EQ(LoadErrors(""), expected);
  EXPECT_EQ(LoadErrors("\n\n# only a comment\n"), expected);
}

TEST(ConfigHostileTest, BinaryGarbage) {
  EXPECT_EQ(LoadErrors(std::string("listen: 1\nab\0cd", 15)),
            "t.yaml:2:3: NUL byte: this is not a text file (endpoints.yaml must be UTF-8 YAML)");
  EXPECT_EQ(LoadErrors("a: 1\nb: caf\xC3(\n"),
            "t.yaml:2:7: invalid UTF-8: endpoints.yaml must be encoded as UTF-8");
  EXPECT_EQ(LoadErrors("a: \xED\xA0\x80\n"),  // a UTF-16 surrogate
            "t.yaml:1:4: invalid UTF-8: endpoints.yaml must be encoded as UTF-8");
  EXPECT_EQ(LoadErrors("a: \x01\n"),
            "t.yaml:1:4: control character 0x01 is not allowed in YAML (is this a binary file?)");
  // Valid multi-byte UTF-8 is fine.
  EXPECT_EQ(LoadErrors("store: {jsonl: \"var/m\xC3\xA9smatch.jsonl\"}\n"), "");
}

TEST(ConfigHostileTest, DeepFlowNestingIsRefusedBeforeParsing) {
  const std::string deep = "a: " + std::string(100000, '[') + std::string(100000, ']') + "\n";
  EXPECT_EQ(LoadErrors(deep),
            "t.yaml:1:66: nesting deeper than 64 levels; endpoints.yaml never needs that many "
            "(refused before parsing, to protect the parser's stack)");
  const std::string maps = std::string(50000, '{') + "\n";
  EXPECT_NE(LoadErrors(maps).find("t.yaml:1:64: nesting deeper than 64 levels"), std::string::npos);
}

TEST(ConfigHostileTest, DeepBlockNestingIsRefusedBeforeParsing) {
  std::string yaml;
  for (int i = 0; i < 200; ++i) yaml += std::string(2 * i, ' ') + "k:\n";
  EXPECT_EQ(LoadErrors(yaml).substr(0, 46), "t.yaml:65:129: nesting deeper than 64 levels; ");
  std::string dashes;
  for (int i = 0; i < 5000; ++i) dashes += "- ";
  EXPECT_EQ(LoadErrors(dashes + "x\n").substr(0, 45),
            "t.yaml:1:129: nesting deeper than 64 levels; ");
}

TEST(ConfigHostileTest, BracketsInQuotedStringsAndBlockScalarsDoNotCount) {
  std::string brackets(200, '[');
  const std::string yaml = "store: {jsonl: \"" + brackets + "\", postgres: '" + brackets +
                           "'}\ncapture:\n  path: |\n    " + brackets + "\n";
  EXPECT_EQ(LoadErrors(yaml), "");
}

TEST(ConfigHostileTest, BillionLaughsIsRefused) {
  std::string yaml =
      "a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n";
  for (int i = 1; i < 10; ++i) {
    const std::string prev = "*a" + std::to_string(i - 1);
    yaml += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int j = 0; j < 9; ++j) yaml += (j ? ", " : "") + prev;
    yaml += "]\n";
  }
  const auto start = std::chrono::steady_clock::now();
  const std::string errors = LoadErrors(yaml);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(200));
  EXPECT_EQ(errors,
            "t.yaml:7:5: this node expands to more than 1000000 nodes through aliases; refusing "
            "the file (an alias bomb?)");
}

TEST(ConfigHostileTest, TooManyAliasesAreRefused) {
  std::string yaml = "x: &x 1\nl: [";
  for (int i = 0; i < 1001; ++i) yaml += i ? ", *x" : "*x";
  yaml += "]\n";
  const std::string errors = LoadErrors(yaml);
  EXPECT_EQ(errors, "t.yaml:2:4005: more than 1000 aliases; refusing the file (an alias bomb?)");
}

TEST(ConfigHostileTest, RecursiveAliasIsRefused) {
  EXPECT_EQ(LoadErrors("a: &a [1, *a]\n"),
            "t.yaml:1:11: alias refers to a node that contains it (a cycle)");
}

TEST(ConfigHostileTest, AliasesAreSharedNotCopied) {
  // A reasonable use of anchors works: shared compare rules.
  auto config = testing::LoadOk(R"(
defaults: {timeout_ms: 100}
endpoints:
  - path: /a
    methods: [GET]
    compare: &rules {ignore: ["$.x"], arrays: unordered}
  - path: /b
    methods: [GET]
    compare: *rules
)");
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(config->endpoints.Match("GET", "/b")->settings.compare.ignore.size(), 1u);
}

TEST(ConfigHostileTest, SecondDocumentIsRefused) {
  EXPECT_EQ(LoadErrors("a: 1\n---\nb: 2\n"),
            "t.yaml:2:1: a second YAML document (after `---`); endpoints.yaml holds exactly one");
}

TEST(ConfigHostileTest, TooManyEndpoints) {
  std::string yaml = "endpoints:\n";
  for (int i = 0; i <= 10000; ++i)
    yaml += "- {path: /e" + std::to_string(i) + ", methods: [GET]}\n";
  const auto start = std::chrono::steady_clock::now();
  const std::string errors = LoadErrors(yaml);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(errors, "t.yaml:2:1: `endpoints` has 10001 entries; at most 10000 are allowed");
}

TEST(ConfigHostileTest, TooManyIgnoreEntries) {
  std::string yaml = "defaults:\n  compare:\n    ignore:\n";
  for (int i = 0; i <= 1000; ++i) yaml += "      - $.f" + std::to_string(i) + "\n";
  EXPECT_EQ(LoadErrors(yaml), "t.yaml:4:7: `ignore` has 1001 entries; at most 1000 are allowed");
}

TEST(ConfigHostileTest, InheritedPatternsCannotMultiplyWithoutBound) {
  // 900 patterns in defaults, copied into each of 300 endpoints: 270000 > 200000.
  std::string yaml = "defaults:\n  compare:\n    ignore:\n";
  for (int i = 0; i < 900; ++i) yaml += "      - $.f" + std::to_string(i) + "\n";
  yaml += "endpoints:\n";
  for (int i = 0; i < 300; ++i) yaml += "- {path: /e" + std::to_string(i) + ", methods: [GET]}\n";
  const std::string errors = LoadErrors(yaml);
  EXPECT_EQ(errors.substr(0, errors.find(" ignore")),
            "t.yaml:1127:3: the endpoints accumulate more than 200000");
}

}  // namespace
}  // namespace shadowdiff
