#include "tools/demo-services/common/http_server.h"

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <csignal>
#include <exception>
#include <future>
#include <optional>
#include <thread>
#include <unordered_set>
#include <utility>
#include <vector>

#include "tools/demo-services/common/service_log.h"

namespace demo {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using shadowdiff::Error;
using shadowdiff::Result;

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

// One connection, as its worker sees it: idle ones are closed at once on stop.
struct ConnectionEntry {
  beast::tcp_stream* stream = nullptr;
  bool idle = true;
};

// A worker thread: its io_context, its handler and its connections. Only its own thread
// touches it once Run() started, except through posts to `ioc`.
struct Worker {
  std::unique_ptr<RequestHandler> handler;
  std::unordered_set<ConnectionEntry*> connections;
  bool stopping = false;  // set on the worker's thread: no new request is read
  // Set at once by the stopping thread, read after a (possibly long) handler returns, so that
  // a response finished during the drain says Connection: close.
  std::atomic<bool> stop_requested{false};
  std::thread thread;
  std::promise<void> finished;
  // Declared after the handler and the connection set: destroyed before them, together with
  // any connection coroutine still suspended (whose cleanup touches `connections`).
  asio::io_context ioc{1};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard;
};

// The status for a request the server refuses itself, or 0 to close without answering.
int RefusalStatus(const beast::error_code& ec) {
  if (ec == http::error::body_limit) return 413;
  if (ec == http::error::header_limit) return 431;
  if (ec == http::error::end_of_stream || ec == http::error::partial_message) return 0;
  if (ec.category() == http::make_error_code(http::error::bad_target).category()) return 400;
  return 0;
}

HttpRequest ToRequest(const http::request<http::string_body>& beast_request) {
  HttpRequest request;
  request.method = std::string(beast_request.method_string());
  request.target = std::string(beast_request.target());
  for (const auto& field : beast_request) {
    request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  request.body = beast_request.body();
  return request;
}

http::response<http::string_body> ToBeast(HttpResponse response, unsigned version,
                                          bool keep_alive) {
  http::response<http::string_body> beast_response;
  beast_response.version(version);
  beast_response.result(static_cast<unsigned>(response.status));
  beast_response.set(http::field::content_type, response.content_type);
  for (auto& [name, value] : response.headers) beast_response.insert(name, value);
  beast_response.body() = std::move(response.body);
  beast_response.keep_alive(keep_alive);
  beast_response.prepare_payload();
  return beast_response;
}

HttpResponse CallHandler(RequestHandler& handler, const HttpRequest& request) {
  try {
    return handler.Handle(request);
  } catch (const std::exception& e) {
    LogLine(std::string("handler threw: ") + e.what());
  } catch (...) {
    LogLine("handler threw a non-standard exception");
  }
  return handler.Reject(500, "internal error");
}

asio::awaitable<void> WriteRefusal(beast::tcp_stream& stream, Worker& worker, int status,
                                   std::string_view message, std::chrono::seconds timeout) {
  auto response = ToBeast(worker.handler->Reject(status, message), 11, false);
  stream.expires_after(timeout);
  co_await http::async_write(stream, response, kNoThrow);
}

std::string_view RefusalMessage(int status) {
  switch (status) {
    case 413:
      return "request body too large (limit 1 MiB)";
    case 431:
      return "request headers too large";
    default:
      return "malformed HTTP request";
  }
}

// Serves one connection until it closes, fails, times out or the worker stops.
asio::awaitable<void> ServeConnection(Worker& worker, const HttpServerOptions& options,
                                      tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  ConnectionEntry entry{&stream, true};
  worker.connections.insert(&entry);
  struct Unregister {
    Worker& worker;
    ConnectionEntry* entry;
    ~Unregister() { worker.connections.erase(entry); }
  } unregister{worker, &entry};

  bool keep_alive = true;
  while (keep_alive && !worker.stopping) {
    entry.idle = true;
    if (buffer.size() == 0) {  // wait for the next request's first bytes
      stream.expires_after(options.idle_timeout);
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), kNoThrow);
      if (ec) break;
      buffer.commit(n);
    }
    entry.idle = false;

    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options.header_limit));
    parser.body_limit(options.body_limit);
    stream.expires_after(options.header_timeout);
    auto [header_ec, header_n] = co_await http::async_read_header(stream, buffer, parser, kNoThrow);
    if (header_ec) {
      if (int status = RefusalStatus(header_ec)) {
        co_await WriteRefusal(stream, worker, status, RefusalMessage(status),
                              options.write_timeout);
      }
      break;
    }
    if (beast::iequals(parser.get()[http::field::expect], "100-continue")) {
      http::response<http::empty_body> go_on{http::status::continue_, parser.get().version()};
      stream.expires_after(options.write_timeout);
      auto [continue_ec, continue_n] = co_await http::async_write(stream, go_on, kNoThrow);
      if (continue_ec) break;
    }
    stream.expires_after(options.body_timeout);
    auto [body_ec, body_n] = co_await http::async_read(stream, buffer, parser, kNoThrow);
    if (body_ec) {
      if (int status = RefusalStatus(body_ec)) {
        co_await WriteRefusal(stream, worker, status, RefusalMessage(status),
                              options.write_timeout);
      }
      break;
    }

    const auto& beast_request = parser.get();
    HttpResponse response = CallHandler(*worker.handler, ToRequest(beast_request));
    keep_alive = beast_request.keep_alive() && !worker.stop_requested.load();
    auto beast_response = ToBeast(std::move(response), beast_request.version(), keep_alive);
    if (beast_request.method() == http::verb::head) {  // same head as GET, no body
      size_t length = beast_response.body().size();
      beast_response.body().clear();
      beast_response.content_length(length);
    }
    stream.expires_after(options.write_timeout);
    auto [write_ec, write_n] = co_await http::async_write(stream, beast_response, kNoThrow);
    if (write_ec) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

void LogEscaped(const std::exception_ptr& error) {
  if (!error) return;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    LogLine(std::string("connection ended by an exception: ") + e.what());
  } catch (...) {
    LogLine("connection ended by a non-standard exception");
  }
}

}  // namespace

struct HttpServer::Impl {
  HttpServerOptions options;
  asio::io_context ioc{1};  // the acceptor and the signals
  tcp::acceptor acceptor{ioc};
  asio::signal_set signals{ioc, SIGINT, SIGTERM};
  asio::steady_timer accept_retry{ioc};
  std::vector<std::unique_ptr<Worker>> workers;
  size_t next_worker = 0;
  bool stopping = false;

  void Accept() {
    Worker& worker = *workers[next_worker++ % workers.size()];
    acceptor.async_accept(worker.ioc, [this, &worker](beast::error_code ec, tcp::socket socket) {
      if (stopping || ec == asio::error::operation_aborted) return;
      if (ec) {  // e.g. out of file descriptors: do not spin
        LogLine("accept failed: " + ec.message());
        accept_retry.expires_after(std::chrono::milliseconds(100));
        accept_retry.async_wait([this](beast::error_code wait_ec) {
          if (!wait_ec && !stopping) Accept();
        });
        return;
      }
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      asio::co_spawn(worker.ioc, ServeConnection(worker, options, std::move(socket)), LogEscaped);
      Accept();
    });
  }

  void BeginStop() {
    if (stopping) return;
    stopping = true;
    beast::error_code ignored;
    acceptor.close(ignored);
    signals.cancel(ignored);
    accept_retry.cancel();
    for (auto& worker_ptr : workers) {
      Worker* worker = worker_ptr.get();
      worker->stop_requested.store(true);
      asio::post(worker->ioc, [worker] {
        worker->stopping = true;
        for (ConnectionEntry* entry : worker->connections) {
          if (entry->idle) entry->stream->cancel();
        }
        worker->guard.reset();
      });
    }
  }
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() {
  for (auto& worker : impl_->workers) {
    if (worker->thread.joinable()) {
      worker->ioc.stop();
      worker->thread.join();
    }
  }
}

Result<std::unique_ptr<HttpServer>> HttpServer::Bind(const HttpServerOptions& options,
                                                     const RequestHandlerFactory& factory) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  beast::error_code ec;
  asio::ip::address address = asio::ip::make_address(options.host, ec);
  if (ec) {
    return Error{"--listen: '" + options.host + "' is not an IP address; give e.g. 127.0.0.1:8001"};
  }
  tcp::endpoint endpoint(address, options.port);
  auto failed = [&](std::string_view step) {
    return Error{std::string(step) + " " + endpoint.address().to_string() + ":" +
                 std::to_string(options.port) + " failed: " + ec.message()};
  };
  impl->acceptor.open(endpoint.protocol(), ec);
  if (ec) return failed("open");
  impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) return failed("set SO_REUSEADDR on");
  impl->acceptor.bind(endpoint, ec);
  if (ec) return failed("bind");
  impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return failed("listen on");
  int threads = options.threads > 0 ? options.threads : 1;
  for (int i = 0; i < threads; ++i) {
    auto worker = std::make_unique<Worker>();
    worker->handler = factory();
    impl->workers.push_back(std::move(worker));
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

std::string HttpServer::local_address() const {
  beast::error_code ec;
  tcp::endpoint endpoint = impl_->acceptor.local_endpoint(ec);
  return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

void HttpServer::Stop() {
  asio::post(impl_->ioc, [impl = impl_.get()] { impl->BeginStop(); });
}

void HttpServer::Run() {
  Impl& impl = *impl_;
  for (auto& worker_ptr : impl.workers) {
    Worker* worker = worker_ptr.get();
    worker->guard.emplace(worker->ioc.get_executor());
    worker->thread = std::thread([worker] {
      for (;;) {
        try {
          worker->ioc.run();
          break;
        } catch (const std::exception& e) {
          LogLine(std::string("worker loop caught: ") + e.what());
        } catch (...) {
          LogLine("worker loop caught a non-standard exception");
        }
      }
      worker->finished.set_value();
    });
  }
  impl.signals.async_wait([&impl](beast::error_code ec, int signal_number) {
    if (ec) return;
    LogLine(std::string("received ") + (signal_number == SIGTERM ? "SIGTERM" : "SIGINT") +
            ": draining");
    impl.BeginStop();
  });
  impl.Accept();
  for (;;) {
    try {
      impl.ioc.run();
      break;
    } catch (const std::exception& e) {
      LogLine(std::string("acceptor loop caught: ") + e.what());
    }
  }
  auto deadline = std::chrono::steady_clock::now() + impl.options.drain_timeout;
  for (auto& worker : impl.workers) {
    if (worker->finished.get_future().wait_until(deadline) != std::future_status::ready) {
      LogLine("drain timeout: abandoning in-flight requests");
      worker->ioc.stop();
    }
    worker->thread.join();
  }
}

}  // namespace demo
