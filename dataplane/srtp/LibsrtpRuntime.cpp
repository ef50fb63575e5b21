#include "dataplane/srtp/LibsrtpRuntime.hpp"

#include <srtp2/srtp.h>

#include <stdexcept>
#include <string>

#include "dataplane/srtp/OpensslTransforms.hpp"

namespace portunus::dp {

void ensureLibsrtpInitialized() {
  // A function-local static is initialised exactly once even with concurrent callers; if the initialiser throws,
  // the next call tries again.
  static const bool initialized = [] {
    if (const auto status = srtp_init(); status != srtp_err_status_ok) {
      throw std::runtime_error("srtp_init failed (srtp_err_status " + std::to_string(static_cast<int>(status)) + ")");
    }
    openssl::registerOpensslTransforms();
    return true;
  }();
  (void)initialized;
}

}  // namespace portunus::dp
