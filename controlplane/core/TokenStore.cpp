#include "controlplane/core/TokenStore.hpp"

#include <algorithm>

#include "controlplane/core/JanusError.hpp"

namespace portunus::cp {
namespace {
void addUnique(std::vector<std::string>& to, const std::string& value) {
  if (std::find(to.begin(), to.end(), value) == to.end()) to.push_back(value);
}
}  // namespace

std::vector<std::string> TokenStore::add(const std::string& token, const std::vector<std::string>& plugins) {
  auto& allowed = tokens_[token];
  for (const auto& p : plugins)
    addUnique(allowed, p);
  return allowed;
}

bool TokenStore::allows(const std::string& token, const std::string& plugin) const {
  auto it = tokens_.find(token);
  return it != tokens_.end() && std::find(it->second.begin(), it->second.end(), plugin) != it->second.end();
}

std::vector<std::string>& TokenStore::existing(const std::string& token) {
  auto it = tokens_.find(token);
  if (it == tokens_.end()) throw JanusError(ErrorCode::TokenNotFound, "Token " + token + " not found");
  return it->second;
}

std::vector<std::string> TokenStore::allow(const std::string& token, const std::vector<std::string>& plugins) {
  auto& allowed = existing(token);
  for (const auto& p : plugins)
    addUnique(allowed, p);
  return allowed;
}

std::vector<std::string> TokenStore::disallow(const std::string& token, const std::vector<std::string>& plugins) {
  auto& allowed = existing(token);
  std::erase_if(allowed,
                [&](const std::string& p) { return std::find(plugins.begin(), plugins.end(), p) != plugins.end(); });
  return allowed;
}

bool TokenStore::remove(const std::string& token) {
  return tokens_.erase(token) > 0;
}

std::vector<std::pair<std::string, std::vector<std::string>>> TokenStore::list() const {
  return {tokens_.begin(), tokens_.end()};
}

}  // namespace portunus::cp
