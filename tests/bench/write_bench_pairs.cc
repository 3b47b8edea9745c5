// write_bench_pairs DIR: writes the benchmark pairs of pair_generator.h as files, so that
// other tools (tools/bench/jsondiffpatch/run.mjs) measure the very same bytes as
// json_diff_bench:
//   DIR/keyed_old.json, DIR/keyed_new.json      the ~7.5 MB keyed pair
//   DIR/payment_old.json, DIR/payment_new.json  the first ~2 KB payment pair
//   DIR/pairs.json                              names, sizes and expected diffs of both
#include <cstdio>
#include <fstream>
#include <string>
#include <string_view>

#include "tests/bench/pair_generator.h"

namespace {

bool WriteFile(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) {
    std::fprintf(stderr, "write_bench_pairs: cannot write %s\n", path.c_str());
    return false;
  }
  return true;
}

// Names and paths are plain ASCII without quotes or backslashes, so no escaping is needed.
std::string Describe(const shadowdiff::bench::JsonPair& pair, std::string_view file_prefix) {
  std::string out = "{\"name\":\"" + pair.name + "\",\"old\":\"" + std::string(file_prefix) +
                    "_old.json\",\"new\":\"" + std::string(file_prefix) +
                    "_new.json\",\"old_bytes\":" + std::to_string(pair.old_json.size()) +
                    ",\"new_bytes\":" + std::to_string(pair.new_json.size()) + ",\"expected\":[";
  for (size_t i = 0; i < pair.expected.size(); ++i) {
    if (i > 0) out += ",";
    out += "{\"path\":\"" + pair.expected[i].path + "\",\"kind\":\"" +
           std::string(shadowdiff::DiffKindName(pair.expected[i].kind)) + "\"}";
  }
  return out + "]}";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr,
                 "usage: write_bench_pairs DIR\n"
                 "Writes keyed_{old,new}.json, payment_{old,new}.json and pairs.json to DIR "
                 "(which must exist).\n");
    return 2;
  }
  const std::string dir = argv[1];
  const shadowdiff::bench::JsonPair keyed = shadowdiff::bench::MakeKeyedPair();
  const shadowdiff::bench::JsonPair payment = shadowdiff::bench::MakePaymentPairs(1).front();

  bool ok =
      WriteFile(dir + "/keyed_old.json", keyed.old_json) &&
      WriteFile(dir + "/keyed_new.json", keyed.new_json) &&
      WriteFile(dir + "/payment_old.json", payment.old_json) &&
      WriteFile(dir + "/payment_new.json", payment.new_json) &&
      WriteFile(dir + "/pairs.json", "{\"keyed\":" + Describe(keyed, "keyed") +
                                         ",\"payment\":" + Describe(payment, "payment") + "}\n");
  return ok ? 0 : 1;
}
