#include "src/admin/admin_server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "src/io/log.h"

namespace shadowdiff {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

bool IsHttpParseError(const beast::error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_method).category() &&
         ec != http::error::end_of_stream && ec != http::error::partial_message;
}

// The answer to a request Beast could not parse, or nullopt when the peer is just gone.
std::optional<AdminResponse> ParseFailureResponse(const beast::error_code& ec,
                                                  const AdminServerOptions& options) {
  if (ec == http::error::header_limit) {
    return AdminResponse::Error(
        431, "request head larger than " + std::to_string(options.max_header_bytes) + " bytes");
  }
  if (ec == http::error::body_limit) {
    return AdminResponse::Error(
        413, "request body larger than " + std::to_string(options.max_body_bytes) + " bytes");
  }
  if (IsHttpParseError(ec)) {
    return AdminResponse::Error(400, "malformed HTTP request: " + ec.message());
  }
  return std::nullopt;
}

http::response<http::string_body> ToBeast(AdminResponse response, unsigned version, bool keep_alive,
                                          bool head_only) {
  http::response<http::string_body> res{static_cast<http::status>(response.status), version};
  res.set(http::field::server, "shadowdiff-admin");
  res.set(http::field::content_type, response.content_type);
  res.set(http::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
  for (const auto& [name, value] : response.headers) res.set(name, value);
  res.keep_alive(keep_alive);
  if (head_only) {
    res.content_length(response.body.size());
  } else {
    res.body() = std::move(response.body);
    res.prepare_payload();
  }
  return res;
}

AdminRequest ToAdminRequest(http::request<http::string_body>&& req) {
  AdminRequest request =
      AdminRequest::Make(std::string(req.method_string()), std::string(req.target()));
  for (const auto& field : req) {
    request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  request.body = std::move(req.body());
  return request;
}

}  // namespace

class AdminServer::Impl {
 public:
  Impl(AdminServerOptions options, AdminRouter router)
      : options_(std::move(options)), router_(std::move(router)) {}
  ~Impl() { Stop(); }

  Status Start();
  void Stop();
  HostPort local_address() const { return bound_; }

 private:
  asio::awaitable<void> Accept();
  asio::awaitable<void> Serve(tcp::socket socket);

  const AdminServerOptions options_;
  const AdminRouter router_;
  // Destroyed in Stop() after the thread is joined: that destroys the pending coroutines and
  // with them every connection.
  std::unique_ptr<asio::io_context> ioc_;
  std::optional<tcp::acceptor> acceptor_;
  std::thread thread_;
  HostPort bound_;
  uint32_t connections_ = 0;  // touched only on the admin thread
};

Status AdminServer::Impl::Start() {
  const std::string where = "admin.listen " + options_.listen.ToString();
  ioc_ = std::make_unique<asio::io_context>(1);
  beast::error_code ec;
  tcp::resolver resolver(*ioc_);
  auto results = resolver.resolve(options_.listen.host, std::to_string(options_.listen.port),
                                  tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) {
    ioc_.reset();
    return Error{where + ": cannot resolve the host (" + (ec ? ec.message() : "no address") +
                 "); use an IP address such as 127.0.0.1"};
  }
  const tcp::endpoint endpoint = *results.begin();
  acceptor_.emplace(*ioc_);
  auto fail = [&](std::string_view step) -> Status {
    std::string message = where + ": cannot " + std::string(step) + " (" + ec.message() + ")";
    if (ec == asio::error::address_in_use) {
      message += "; another process uses this port: pick a free one in admin.listen";
    } else if (ec == asio::error::access_denied) {
      message += "; ports below 1024 need privileges: pick a port above 1023";
    }
    acceptor_.reset();
    ioc_.reset();
    return Error{std::move(message)};
  };
  if (acceptor_->open(endpoint.protocol(), ec); ec) return fail("open a socket");
  if (acceptor_->set_option(asio::socket_base::reuse_address(true), ec); ec) {
    return fail("set SO_REUSEADDR");
  }
  if (acceptor_->bind(endpoint, ec); ec) return fail("bind");
  if (acceptor_->listen(asio::socket_base::max_listen_connections, ec); ec) return fail("listen");
  const tcp::endpoint local = acceptor_->local_endpoint(ec);
  if (ec) return fail("read the bound address");
  bound_ = HostPort{local.address().to_string(), local.port()};

  const bool loopback = local.address().is_loopback();
  log::Info("admin_listening", {{"address", bound_.ToString()},
                                {"loopback_only", loopback ? "true" : "false"},
                                {"auth", router_.has_token() ? "token" : "none"}});
  if (!loopback && router_.has_token()) {
    log::Warn("admin_exposed",
              {{"address", bound_.ToString()},
               {"detail",
                "the admin server (metrics, examples, reload, pause) is reachable from other "
                "hosts over plain HTTP; POST calls need the admin token"}});
  } else if (!loopback) {
    // Loudly: anyone who can reach this address can pause traffic, reload the config and
    // read stored examples.
    log::Error("admin_exposed_without_token",
               {{"address", bound_.ToString()},
                {"detail",
                 "the admin server is reachable from other hosts over plain HTTP and NO admin "
                 "token is set: anyone who can connect may pause traffic, reload the config, "
                 "reset trips and read stored examples"},
                {"action",
                 "set the environment variable named by admin.token_env, or bind admin.listen "
                 "to 127.0.0.1"}});
  }
  asio::co_spawn(*ioc_, Accept(), asio::detached);
  thread_ = std::thread([this] { ioc_->run(); });
  return {};
}

void AdminServer::Impl::Stop() {
  if (!ioc_) return;
  ioc_->stop();
  if (thread_.joinable()) thread_.join();
  acceptor_.reset();
  ioc_.reset();
}

asio::awaitable<void> AdminServer::Impl::Accept() {
  asio::steady_timer backoff(*ioc_);
  for (;;) {
    auto [ec, socket] = co_await acceptor_->async_accept(kUseTuple);
    if (ec == asio::error::operation_aborted || !acceptor_->is_open()) co_return;
    if (ec) {
      // E.g. EMFILE: log and back off instead of spinning.
      log::Warn("admin_accept_failed", {{"error", ec.message()}});
      backoff.expires_after(std::chrono::milliseconds(100));
      co_await backoff.async_wait(kUseTuple);
      continue;
    }
    if (connections_ >= options_.max_connections) {
      beast::error_code ignored;
      socket.close(ignored);
      continue;
    }
    ++connections_;
    asio::co_spawn(*ioc_, Serve(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> AdminServer::Impl::Serve(tcp::socket socket) {
  struct Release {
    uint32_t* count;
    ~Release() { --*count; }
  } release{&connections_};
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(options_.max_header_bytes);
    parser.body_limit(options_.max_body_bytes);
    stream.expires_after(options_.read_timeout);
    auto [read_ec, read_bytes] = co_await http::async_read(stream, buffer, parser, kUseTuple);
    if (read_ec) {
      if (std::optional<AdminResponse> answer = ParseFailureResponse(read_ec, options_)) {
        auto res = ToBeast(std::move(*answer), 11, /*keep_alive=*/false, /*head_only=*/false);
        stream.expires_after(options_.write_timeout);
        co_await http::async_write(stream, res, kUseTuple);
      }
      break;
    }
    http::request<http::string_body> req = parser.release();
    const bool keep_alive = req.keep_alive();
    const bool head_only = req.method() == http::verb::head;
    const unsigned version = req.version();
    AdminResponse response = router_.Handle(ToAdminRequest(std::move(req)));
    auto res = ToBeast(std::move(response), version, keep_alive, head_only);
    stream.expires_after(options_.write_timeout);
    auto [write_ec, write_bytes] = co_await http::async_write(stream, res, kUseTuple);
    if (write_ec || !keep_alive) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

AdminServer::AdminServer(AdminServerOptions options, AdminRouter router)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(router))) {}

AdminServer::~AdminServer() = default;

Status AdminServer::Start() { return impl_->Start(); }
void AdminServer::Stop() { impl_->Stop(); }
HostPort AdminServer::local_address() const { return impl_->local_address(); }

}  // namespace shadowdiff
