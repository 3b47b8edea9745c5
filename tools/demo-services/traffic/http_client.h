// HttpClient: a small blocking HTTP/1.1 client (Beast) over one keep-alive connection, with
// every wait bounded: connect, write and read each expire after `timeout`. One per thread.
#ifndef SHADOWDIFF_DEMO_TRAFFIC_HTTP_CLIENT_H_
#define SHADOWDIFF_DEMO_TRAFFIC_HTTP_CLIENT_H_

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace demo_traffic {

struct HttpResponse {
  int status = 0;     // 0: no answer (see error)
  std::string error;  // transport error, empty when an answer arrived
  std::string body;
  std::string content_type;
  double seconds = 0;  // wall time of the exchange
};

class HttpClient {
 public:
  // `address` is HOST:PORT.
  HttpClient(std::string address, std::chrono::milliseconds timeout);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request (JSON body when non-empty) with extra headers; reconnects when the
  // kept-alive connection was closed by the server before the request was written.
  HttpResponse Send(std::string_view method, std::string_view target, std::string_view body = {},
                    const std::vector<std::pair<std::string, std::string>>& headers = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Splits "HOST:PORT"; false when malformed.
bool SplitHostPort(std::string_view address, std::string* host, std::string* port);

}  // namespace demo_traffic

#endif  // SHADOWDIFF_DEMO_TRAFFIC_HTTP_CLIENT_H_
