// Stored-token authentication (Janus `token_auth`): tokens added through the Admin API, each allowed a set of
// plugins. A request passes with a known token; `attach` also needs the token to allow the plugin (else 405).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace portunus::cp {

class TokenStore {
 public:
  /** Adds (or re-adds) a token allowed the given plugins; returns the token's allowed plugins. */
  std::vector<std::string> add(const std::string& token, const std::vector<std::string>& plugins);
  bool contains(const std::string& token) const { return tokens_.contains(token); }
  bool allows(const std::string& token, const std::string& plugin) const;
  /** Allow / disallow plugins on an existing token (JanusError 470 when it does not exist). */
  std::vector<std::string> allow(const std::string& token, const std::vector<std::string>& plugins);
  std::vector<std::string> disallow(const std::string& token, const std::vector<std::string>& plugins);
  bool remove(const std::string& token);
  /** `[{"token":..., "allowed_plugins":[...]}]` pairs, in token order. */
  std::vector<std::pair<std::string, std::vector<std::string>>> list() const;

 private:
  std::vector<std::string>& existing(const std::string& token);
  std::map<std::string, std::vector<std::string>> tokens_;
};

}  // namespace portunus::cp
