#include "http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>

namespace demo_traffic {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

bool SplitHostPort(std::string_view address, std::string* host, std::string* port) {
  const size_t colon = address.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == address.size()) return false;
  *host = std::string(address.substr(0, colon));
  *port = std::string(address.substr(colon + 1));
  return port->find_first_not_of("0123456789") == std::string::npos;
}

struct HttpClient::Impl {
  std::string host;
  std::string port;
  std::chrono::milliseconds timeout;
  asio::io_context ioc;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;

  // Runs the queued asynchronous operation to completion (bounded by the stream's expiry).
  void Run() {
    ioc.restart();
    ioc.run();
  }

  beast::error_code Connect() {
    stream.emplace(ioc);
    buffer.clear();
    tcp::resolver resolver(ioc);
    beast::error_code ec;
    auto endpoints = resolver.resolve(host, port, ec);
    if (ec) return ec;
    stream->expires_after(timeout);
    stream->async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
    Run();
    return ec;
  }
};

HttpClient::HttpClient(std::string address, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>()) {
  if (!SplitHostPort(address, &impl_->host, &impl_->port)) {
    impl_->host = address;
    impl_->port = "80";
  }
  impl_->timeout = timeout;
}

HttpClient::~HttpClient() = default;

HttpResponse HttpClient::Send(std::string_view method, std::string_view target,
                              std::string_view body,
                              const std::vector<std::pair<std::string, std::string>>& headers) {
  const auto start = std::chrono::steady_clock::now();
  HttpResponse out;
  http::request<http::string_body> request;
  request.method_string(method);
  request.target(target);
  request.version(11);
  request.set(http::field::host, impl_->host + ":" + impl_->port);
  request.set(http::field::user_agent, "demo-traffic");
  for (const auto& [name, value] : headers) request.set(name, value);
  if (!body.empty()) {
    request.set(http::field::content_type, "application/json");
    request.body() = std::string(body);
  }
  request.prepare_payload();

  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool fresh = !impl_->stream.has_value();
    if (fresh) {
      if (beast::error_code ec = impl_->Connect()) {
        impl_->stream.reset();
        out.error = "connect: " + ec.message();
        break;
      }
    }
    beast::error_code ec;
    impl_->stream->expires_after(impl_->timeout);
    http::async_write(*impl_->stream, request, [&](beast::error_code e, size_t) { ec = e; });
    impl_->Run();
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    if (!ec) {
      impl_->stream->expires_after(impl_->timeout);
      http::async_read(*impl_->stream, impl_->buffer, parser,
                       [&](beast::error_code e, size_t) { ec = e; });
      impl_->Run();
    }
    if (!ec) {
      auto response = parser.release();
      out.status = static_cast<int>(response.result_int());
      out.body = std::move(response.body());
      out.content_type = std::string(response[http::field::content_type]);
      if (!response.keep_alive()) impl_->stream.reset();
      out.error.clear();
      break;
    }
    impl_->stream.reset();
    out.error = ec.message();
    // A kept-alive connection the server closed while idle: nothing was processed, retry
    // once on a new connection. Anything else (a timeout, a reset mid-answer) is reported.
    const bool stale = ec == http::error::end_of_stream || ec == asio::error::connection_reset ||
                       ec == asio::error::broken_pipe;
    if (fresh || !stale || parser.got_some()) break;
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace demo_traffic
