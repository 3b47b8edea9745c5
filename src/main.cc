// shadowdiff: subcommand dispatch only. Each subcommand lives in src/cli/.
#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "--version") == 0) {
    std::printf("shadowdiff %s\n", SHADOWDIFF_VERSION);
    return 0;
  }
  std::fprintf(stderr, "usage: shadowdiff <check|diff> ...\n");
  return 2;
}
