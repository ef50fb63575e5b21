#include "lab/janus/JanusTransport.hpp"

#include "lab/janus/HttpTransport.hpp"
#include "lab/janus/WsTransport.hpp"

namespace portunus::lab {

std::unique_ptr<JanusTransport> JanusTransport::create(boost::asio::io_context& io, const ServerUrl& url) {
  if (url.scheme == ServerUrl::Scheme::Ws) return std::make_unique<WsTransport>(io, url);
  return std::make_unique<HttpTransport>(io, url);
}

nlohmann::json JanusTransport::transportError(const Json& request, const std::string& reason) {
  Json error = {{"janus", "error"}, {"error", {{"code", 0}, {"reason", reason}}}};
  if (auto it = request.find("transaction"); it != request.end()) error["transaction"] = *it;
  return error;
}

}  // namespace portunus::lab
