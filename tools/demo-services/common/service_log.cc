#include "tools/demo-services/common/service_log.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

namespace demo {
namespace {

std::string& ServiceName() {
  static std::string name = "demo";
  return name;
}

std::string UtcNow() {
  auto now = std::chrono::system_clock::now();
  std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[40];
  size_t length = std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(text + length, sizeof(text) - length, ".%03dZ", static_cast<int>(millis.count()));
  return text;
}

}  // namespace

void SetLogServiceName(std::string_view name) { ServiceName() = std::string(name); }

void LogLine(std::string_view message) {
  std::string line = UtcNow();
  line += ' ';
  line += ServiceName();
  line += ": ";
  line += message;
  line += '\n';
  const char* data = line.data();
  size_t left = line.size();
  while (left > 0) {
    ssize_t written = ::write(STDERR_FILENO, data, left);
    if (written <= 0) return;
    data += written;
    left -= static_cast<size_t>(written);
  }
}

}  // namespace demo
