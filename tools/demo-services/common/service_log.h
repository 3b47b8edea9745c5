// The demo services' log: plain text lines on stderr, "<UTC time> <service>: <message>".
// Never request bodies, card numbers or secrets. Thread-safe: each line is one write(2).
#ifndef DEMO_SERVICES_COMMON_SERVICE_LOG_H_
#define DEMO_SERVICES_COMMON_SERVICE_LOG_H_

#include <string_view>

namespace demo {

// Names the service in every line; call once at startup, before any thread starts.
void SetLogServiceName(std::string_view name);

void LogLine(std::string_view message);

}  // namespace demo

#endif  // DEMO_SERVICES_COMMON_SERVICE_LOG_H_
